"""Issue 3 through the public facade: pods scheduled and run by the kubelets, node failure and recovery,
container kills, the image registry, node shells and kubectl logs."""

from __future__ import annotations

import pytest

from labk8s import ApiError, Cluster
from tests.cluster.conftest import pod


def status_word(c: Cluster, name: str) -> str:
    return c.kubectl(f"get pod {name} --no-headers").split()[2]


def ready(c: Cluster, node: str) -> str:
    conds = c.get("node", node)["status"]["conditions"]
    return next(x["status"] for x in conds if x["type"] == "Ready")


def test_pod_is_scheduled_pulled_and_running(c: Cluster) -> None:
    c.create(pod("web"))
    c.run_until(lambda c: c.get("pod", "web")["status"].get("phase") == "Running", timeout=60)
    p = c.get("pod", "web")
    assert p["spec"]["nodeName"] in ("node-1", "node-2")
    assert p["status"]["podIP"].startswith("10.244.")
    reasons = [e["reason"] for e in c.events() if e["involvedObject"]["name"] == "web"]
    assert reasons[:5] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert "start worker processes" in c.kubectl("logs web")


def test_node_failure_taints_and_evicts_after_toleration_seconds(c: Cluster) -> None:
    c.create(pod("web"))
    c.run(20)  # heartbeats at 10 s and 20 s
    node = c.get("pod", "web")["spec"]["nodeName"]
    c.fail_node(node)
    # node-monitor-grace-period 50 s after the last heartbeat (t=20), seen by the 5 s monitor pass.
    assert c.run_until(lambda c: ready(c, node) == "Unknown", timeout=120) == 70.0
    assert "NotReady" in c.kubectl(f"get node {node}")

    def tainted(c: Cluster, effect: str) -> bool:
        return any(t["key"] == "node.kubernetes.io/unreachable" and t["effect"] == effect
                   for t in c.get("node", node)["spec"].get("taints") or [])

    t_no_execute = c.run_until(lambda c: tainted(c, "NoExecute"), timeout=60)
    assert tainted(c, "NoSchedule")
    assert 70.0 <= t_no_execute <= 80.0  # the next monitor pass (5 s period) queues the NoExecute taint
    # DefaultTolerationSeconds: the pod tolerates node.kubernetes.io/unreachable for 300 s.
    t = c.run_until(lambda c: bool(c.get("pod", "web")["metadata"].get("deletionTimestamp")), timeout=600)
    assert t == t_no_execute + 300
    c.recover_node(node)
    c.run_until(lambda c: ready(c, node) == "True", timeout=60)
    c.run(60)
    with pytest.raises(ApiError):
        c.get("pod", "web")  # the kubelet finished the deletion once it came back


def test_killed_container_restarts_and_deleted_image_fails_to_pull(c: Cluster) -> None:
    c.create(pod("web"))
    c.run_until(lambda c: c.get("pod", "web")["status"].get("phase") == "Running", timeout=60)
    c.kill_container("web", exit_code=137)
    c.run(5)
    cs = c.get("pod", "web")["status"]["containerStatuses"][0]
    assert cs["restartCount"] == 1
    assert cs["lastState"]["terminated"]["exitCode"] == 137
    c.registry.delete("nginx:9.99")
    c.create(pod("broken", image="nginx:9.99"))
    c.run_until(lambda c: status_word(c, "broken") == "ErrImagePull", timeout=30)
    c.run_until(lambda c: status_word(c, "broken") == "ImagePullBackOff", timeout=60)
    msgs = [e["message"] for e in c.events() if e["involvedObject"]["name"] == "broken" and e["reason"] == "Failed"]
    assert any("nginx:9.99" in m for m in msgs)


def test_unschedulable_pod_reports_the_fit_error(c: Cluster) -> None:
    big = pod("big")
    big["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "100"}}
    c.create(big)
    c.run(5)
    p = c.get("pod", "big")
    cond = next(x for x in p["status"]["conditions"] if x["type"] == "PodScheduled")
    assert cond["status"] == "False" and cond["reason"] == "Unschedulable"
    assert cond["message"].startswith("0/3 nodes are available: ")
    assert "2 Insufficient cpu" in cond["message"]
    # v1.37 no longer names the taint in the aggregated message (real clusters print "taint(s)").
    assert "1 node(s) had untolerated taint(s)" in cond["message"]


def test_node_shell_and_cni_leases(c: Cluster) -> None:
    c.create(pod("web", nodeName="node-1"))
    c.run(10)
    ip = c.get("pod", "web")["status"]["podIP"]
    ps = c.node_exec("node-1", "crictl ps")
    assert ps.startswith("CONTAINER ") and " app " in ps and " web " in ps
    # host-local IPAM keeps one lease file per address under the network's name (the conflist's "cbr0").
    assert ip in c.node_exec("node-1", "ls /var/lib/cni/networks/cbr0").split()
    assert "bridge" in c.node_exec("node-1", "cat /etc/cni/net.d/10-bridge.conflist")


def test_add_and_remove_node(c: Cluster) -> None:
    c.add_node({"name": "big", "cpu": "16", "memory": "64Gi", "labels": {"disktype": "ssd"}})
    c.run(1)
    node = c.get("node", "big")
    assert node["status"]["capacity"]["cpu"] == "16"
    assert node["metadata"]["labels"]["disktype"] == "ssd"
    assert node["spec"]["podCIDR"] == "10.244.3.0/24"
    sel = pod("fast", nodeSelector={"disktype": "ssd"})
    c.create(sel)
    c.run(10)
    assert c.get("pod", "fast")["spec"]["nodeName"] == "big"
    c.remove_node("big")
    c.run(90)  # pod GC deletes pods bound to a node that no longer exists (after its 40 s quarantine)
    with pytest.raises(ApiError):
        c.get("pod", "fast")


def test_a_new_machine_never_reuses_an_address(c: Cluster) -> None:
    c.remove_node("node-1")
    c.add_node({"name": "node-3"})
    c.run(1)
    cidrs = {n["metadata"]["name"]: n["spec"]["podCIDR"] for n in c.list("nodes")}
    assert cidrs["node-3"] == "10.244.3.0/24" and cidrs["node-2"] == "10.244.2.0/24"
