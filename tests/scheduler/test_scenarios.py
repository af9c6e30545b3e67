"""End-to-end scheduling through the API server: placement, failure messages, requeueing, preemption."""

from __future__ import annotations

from labk8s.client.client import Client

from .conftest import events_for, force_delete, node_of, pod, scheduled_condition

TAINT = "1 node(s) had untolerated taint(s)"
NOT_HELPFUL = "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."


def test_pod_is_bound_with_scheduled_event_and_condition(cluster) -> None:
    c, _ = cluster(nodes=2)
    c.create(pod("web", "100m"))
    c.run(1)
    assert node_of(c, "web") in ("node-1", "node-2")
    (ev,) = events_for(c, "web", "Scheduled")
    assert ev["type"] == "Normal"
    assert ev["message"] == f"Successfully assigned default/web to {node_of(c, 'web')}"
    assert ev["source"] == {"component": "default-scheduler"}
    # one cycle (1 ms), then the binding round trip (2 ms)
    assert ev["firstTimestamp"] == "2026-01-01T00:00:00Z"
    cond = scheduled_condition(c, "web")
    assert cond is not None and cond["status"] == "True"


def test_bind_lands_after_the_cycle_and_the_binding_latency(cluster) -> None:
    c, s = cluster(nodes=2)
    c.run(1)
    start = c.loop.now_ms
    c.create(pod("web", "100m"))
    c.run_until(lambda cl: bool(node_of(cl, "web")), timeout=1)
    assert c.loop.now_ms - start == 3  # SCHEDULING_CYCLE_MS + BIND_LATENCY_MS


def test_identical_pods_spread_across_workers(cluster) -> None:
    c, _ = cluster(nodes=2)
    for i in range(6):
        c.create(pod(f"p{i}", "500m", "256Mi"))
    c.run(2)
    placement = [node_of(c, f"p{i}") for i in range(6)]
    assert sorted(placement) == ["node-1"] * 3 + ["node-2"] * 3


def test_placement_is_deterministic(cluster) -> None:
    def run() -> list[str | None]:
        c, _ = cluster(nodes=4)
        for i in range(12):
            c.create(pod(f"p{i}", "100m"))
        c.run(2)
        return [node_of(c, f"p{i}") for i in range(12)]
    assert run() == run()


def test_node_selector_no_match_then_label_added(cluster) -> None:
    c, _ = cluster(nodes=2)
    c.create(pod("ssd", "100m", nodeSelector={"disktype": "ssd"}))
    c.run(2)
    assert node_of(c, "ssd") is None
    msg = (f"0/3 nodes are available: {TAINT}, 2 node(s) didn't match Pod's node affinity/selector. "
           f"{NOT_HELPFUL}")
    cond = scheduled_condition(c, "ssd")
    assert cond is not None
    assert (cond["status"], cond["reason"], cond["message"]) == ("False", "Unschedulable", msg)
    assert cond["lastProbeTime"] is None and cond["observedGeneration"] == 1
    (ev,) = events_for(c, "ssd", "FailedScheduling")
    assert (ev["type"], ev["message"]) == ("Warning", msg)
    c.patch("node", "node-2", {"metadata": {"labels": {"disktype": "ssd"}}})
    c.run(2)
    assert node_of(c, "ssd") == "node-2"


def test_impossible_pod_gets_the_upstream_message_and_retries_on_new_node(cluster) -> None:
    c, _ = cluster(nodes=2)
    for n in ("node-1", "node-2"):
        c.create(pod(f"filler-{n}", "2", nodeName=n))
    c.create(pod("big", "3"))
    c.run(2)
    msg = (f"0/3 nodes are available: {TAINT}, 2 Insufficient cpu. preemption: 0/3 nodes are available: "
           "1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.")
    assert scheduled_condition(c, "big")["message"] == msg
    assert events_for(c, "big", "FailedScheduling")[0]["message"] == msg
    c.add_node({"name": "node-3"})
    c.run(2)
    assert node_of(c, "big") == "node-3"


def test_pod_larger_than_any_node(cluster) -> None:
    c, _ = cluster(nodes=2)
    c.create(pod("huge", "100", "1Ti"))
    c.run(60)
    assert node_of(c, "huge") is None
    msg = (f"0/3 nodes are available: {TAINT}, 2 Insufficient cpu, 2 Insufficient memory. {NOT_HELPFUL}")
    assert scheduled_condition(c, "huge")["message"] == msg
    (ev,) = events_for(c, "huge", "FailedScheduling")
    assert ev["count"] == 1  # no cluster event since: no retry, no duplicate event


def test_retry_when_a_pod_is_deleted(cluster) -> None:
    c, _ = cluster(nodes=1)
    c.create(pod("hog", "3500m"))
    c.run(1)
    assert node_of(c, "hog") == "node-1"
    c.create(pod("next", "1"))
    c.run(5)
    assert node_of(c, "next") is None
    force_delete(c, "hog")
    c.run(1)
    assert node_of(c, "next") == "node-1"


def test_taints_and_tolerations(cluster) -> None:
    c, _ = cluster(nodes=2)
    for n in ("node-1", "node-2"):
        c.patch("node", n, {"spec": {"taints": [{"key": "maintenance", "effect": "NoSchedule"}]}})
    c.create(pod("plain", "100m"))
    c.create(pod("tolerant", "100m", tolerations=[{"key": "maintenance", "operator": "Exists",
                                                      "effect": "NoSchedule"}]))
    c.create(pod("on-cp", "100m", nodeSelector={"node-role.kubernetes.io/control-plane": ""},
                 tolerations=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]))
    c.run(2)
    assert node_of(c, "plain") is None
    assert scheduled_condition(c, "plain")["message"] == \
        f"0/3 nodes are available: 3 node(s) had untolerated taint(s). {NOT_HELPFUL}"
    assert node_of(c, "tolerant") in ("node-1", "node-2")
    assert node_of(c, "on-cp") == "control-plane"
    c.patch("node", "node-2", {"spec": {"taints": None}})
    c.run(2)
    assert node_of(c, "plain") == "node-2"


def test_cordoned_node(cluster) -> None:
    c, _ = cluster(nodes=1)
    c.patch("node", "node-1", {"spec": {"unschedulable": True}})
    c.create(pod("p", "100m"))
    c.run(2)
    assert scheduled_condition(c, "p")["message"] == (
        "0/2 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable. "
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")
    c.patch("node", "node-1", {"spec": {"unschedulable": None}})
    c.run(2)
    assert node_of(c, "p") == "node-1"


def test_pod_anti_affinity_and_affinity(cluster) -> None:
    c, _ = cluster(nodes=2)
    anti = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}
    for i in range(3):
        c.create(pod(f"web-{i}", "100m", labels={"app": "web"}, affinity=anti))
    c.run(2)
    nodes = [node_of(c, f"web-{i}") for i in range(3)]
    assert sorted(n for n in nodes if n) == ["node-1", "node-2"]
    pending = nodes.index(None)
    assert scheduled_condition(c, f"web-{pending}")["message"] == (
        f"0/3 nodes are available: {TAINT}, 2 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes "
        "are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.")
    near_db = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}]}}
    c.create(pod("cache", "100m", affinity=near_db))
    c.run(2)
    assert scheduled_condition(c, "cache")["message"] == (
        f"0/3 nodes are available: {TAINT}, 2 node(s) didn't match pod affinity rules. {NOT_HELPFUL}")
    c.create(pod("db", "100m", labels={"app": "db"}, nodeName="node-2"))
    c.run(2)
    assert node_of(c, "cache") == "node-2"


def test_preferred_node_affinity_wins(cluster) -> None:
    c, _ = cluster(nodes=3)
    c.patch("node", "node-3", {"metadata": {"labels": {"tier": "fast"}}})
    pref = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 50, "preference": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["fast"]}]}}]}}
    for i in range(3):
        c.create(pod(f"p{i}", "100m", affinity=pref))
    c.run(2)
    assert {node_of(c, f"p{i}") for i in range(3)} == {"node-3"}


def test_topology_spread_across_zones(cluster) -> None:
    zones = [{"name": "a1", "zone": "a"}, {"name": "a2", "zone": "a"}, {"name": "b1", "zone": "b"}]
    c, _ = cluster(nodes=zones)
    spread = [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
               "labelSelector": {"matchLabels": {"app": "s"}}}]
    for i in range(4):
        c.create(pod(f"s{i}", "100m", labels={"app": "s"}, topologySpreadConstraints=spread))
        c.run(1)
    by_zone = {"a": 0, "b": 0}
    for i in range(4):
        by_zone["b" if node_of(c, f"s{i}") == "b1" else "a"] += 1
    assert by_zone == {"a": 2, "b": 2}
    c.patch("node", "b1", {"spec": {"taints": [{"key": "full", "effect": "NoSchedule"}]}})
    c.create(pod("s4", "100m", labels={"app": "s"}, topologySpreadConstraints=spread))
    c.create(pod("s5", "100m", labels={"app": "s"}, topologySpreadConstraints=spread))
    c.run(2)
    placed = [node_of(c, "s4"), node_of(c, "s5")]
    # Zone b is not eligible for new pods but still counts (nodeTaintsPolicy Ignore): a gets one, then skew 2.
    assert placed.count(None) == 1
    pending = "s4" if placed[0] is None else "s5"
    assert scheduled_condition(c, pending)["message"] == (
        "0/4 nodes are available: 2 node(s) didn't match pod topology spread constraints, "
        "2 node(s) had untolerated taint(s). preemption: 0/4 nodes are available: "
        "2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.")


def test_scheduling_gates(cluster) -> None:
    c, s = cluster(nodes=1)
    c.create(pod("gated", "100m", schedulingGates=[{"name": "example.com/wait"}]))
    c.run(10)
    assert node_of(c, "gated") is None
    cond = scheduled_condition(c, "gated")
    assert (cond["status"], cond["reason"], cond["message"]) == (
        "False", "SchedulingGated", "Scheduling is blocked due to non-empty scheduling gates")
    assert events_for(c, "gated", "FailedScheduling") == []
    assert s.queue.where("default/gated") == "Unschedulable"
    c.patch("pod", "gated", {"spec": {"schedulingGates": None}})
    c.run(1)
    assert node_of(c, "gated") == "node-1"


def test_missing_pvc_message_and_wait_for_first_consumer(cluster) -> None:
    c, s = cluster(nodes=2)
    vol = [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]
    c.create(pod("db", "100m", volumes=vol))
    c.run(2)
    assert scheduled_condition(c, "db")["message"] == \
        f'0/3 nodes are available: persistentvolumeclaim "data" not found. {NOT_HELPFUL}'
    c.create({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
              "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
    c.run(3)
    # The default class binds on first consumer: the scheduler picked a node and asked for provisioning.
    claim = c.get("pvc", "data")
    chosen = claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"]
    assert chosen in ("node-1", "node-2")
    assert node_of(c, "db") is None  # PreBind waits for the binding
    # NominatedNodeNameForExpectation: the node is published while PreBind works.
    assert c.get("pod", "db")["status"]["nominatedNodeName"] == chosen
    assert s.explain("default", "db")["node"] == chosen
    # Play the PV controller: bind the claim to a volume on the chosen node.
    c.create({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv-1"},
              "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "standard",
                       "hostPath": {"path": "/data"}, "claimRef": {"namespace": "default", "name": "data"},
                       "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                           {"key": "kubernetes.io/hostname", "operator": "In", "values": [chosen]}]}]}}}})
    ctl = Client(c.api, "system:kube-controller-manager")
    claim = c.get("pvc", "data")
    claim["spec"]["volumeName"] = "pv-1"
    claim["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] = "yes"
    ctl.update(claim)
    bound_at = c.loop.now_ms
    c.run_until(lambda cl: bool(node_of(cl, "db")), timeout=2)
    assert node_of(c, "db") == chosen
    assert 0 < c.loop.now_ms - bound_at <= 1000  # the next one-second poll of PreBind


def test_explain_reports_filters_and_scores(cluster) -> None:
    c, s = cluster(nodes=2)
    c.create(pod("web", "100m"))
    c.run(1)
    ex = s.explain("default", "web")
    assert ex["outcome"] == "Scheduled" and ex["node"] == node_of(c, "web")
    assert list(ex["nodes"]) == ["control-plane", "node-1", "node-2"]
    cp = ex["nodes"]["control-plane"]
    assert cp["filters"]["TaintToleration"] == "UnschedulableAndUnresolvable: node(s) had untolerated taint(s)"
    assert cp["filters"]["NodeResourcesFit"] == "not run" and "scores" not in cp
    chosen = ex["nodes"][ex["node"]]
    assert set(chosen["scores"]) == {"TaintToleration", "NodeResourcesFit", "NodeResourcesBalancedAllocation",
                                     "ImageLocality"}
    assert chosen["scores"]["TaintToleration"] == 300  # weight 3 x 100
    assert chosen["total"] == sum(chosen["scores"].values())
    assert "PodTopologySpread" in ex["skippedScorePlugins"]


def test_pods_of_other_schedulers_and_with_node_name_are_left_alone(cluster) -> None:
    c, s = cluster(nodes=1)
    c.create(pod("mine", "100m", schedulerName="my-scheduler"))
    c.create(pod("pinned", "100m", nodeName="no-such-node"))
    c.run(5)
    assert node_of(c, "mine") is None
    assert scheduled_condition(c, "mine") is None
    assert node_of(c, "pinned") == "no-such-node"
    assert s.queue.where("default/mine") is None


def priority_class(name: str, value: int) -> dict:
    return {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name}, "value": value}


def test_preemption_with_priority_classes(cluster) -> None:
    c, s = cluster(nodes=2)
    c.create(priority_class("low", 100))
    c.create(priority_class("high", 1000))
    for i in (1, 2):
        c.create(pod(f"low-{i}", "3", priorityClassName="low"))
    c.run(1)
    assert {node_of(c, "low-1"), node_of(c, "low-2")} == {"node-1", "node-2"}
    c.create(pod("urgent", "3", priorityClassName="high"))
    # Stop right after the asynchronous preemption calls (2 ms after the cycle), before any kubelet acts.
    c.run_until(lambda cl: bool([e for e in cl.events() if e["reason"] == "Preempted"]), timeout=1)
    urgent = c.get("pod", "urgent")
    target = urgent["status"]["nominatedNodeName"]
    assert target in ("node-1", "node-2")
    assert urgent["spec"].get("nodeName") is None
    # Preemption succeeded, so the message has no "preemption:" part.
    assert scheduled_condition(c, "urgent")["message"] == f"0/3 nodes are available: {TAINT}, 2 Insufficient cpu."
    victim = "low-1" if node_of(c, "low-1") == target else "low-2"
    other = "low-2" if victim == "low-1" else "low-1"
    v = c.get("pod", victim)
    assert v["metadata"]["deletionTimestamp"]  # graceful deletion: the kubelet finishes it
    (dt,) = [cond for cond in v["status"]["conditions"] if cond["type"] == "DisruptionTarget"]
    assert (dt["status"], dt["reason"], dt["message"]) == (
        "True", "PreemptionByScheduler", "default-scheduler: preempting to accommodate a higher priority pod")
    (ev,) = events_for(c, victim, "Preempted")
    assert ev["message"] == f"Preempted by pod {urgent['metadata']['uid']} on node {target}"
    assert c.get("pod", other)["metadata"].get("deletionTimestamp") is None
    force_delete(c, victim)
    c.run_until(lambda cl: bool(node_of(cl, "urgent")), timeout=60)
    assert node_of(c, "urgent") == target
    assert s.explain("default", "urgent")["nominatedNode"] == target


def test_preemption_policy_never(cluster) -> None:
    c, _ = cluster(nodes=1)
    c.create(priority_class("low", 100))
    c.create({**priority_class("polite", 1000), "preemptionPolicy": "Never"})
    c.create(pod("low", "3", priorityClassName="low"))
    c.run(1)
    c.create(pod("polite", "3", priorityClassName="polite"))
    c.run(2)
    assert scheduled_condition(c, "polite")["message"] == (
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s). "
        "preemption: not eligible due to preemptionPolicy=Never.")
    assert c.get("pod", "low")["metadata"].get("deletionTimestamp") is None


def test_host_port_conflict_and_release(cluster) -> None:
    c, _ = cluster(nodes=1)
    ports = [{"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 80, "hostPort": 8080}]}]
    c.create({**pod("a"), "spec": {"containers": ports}})
    c.create({**pod("b"), "spec": {"containers": ports}})
    c.run(2)
    assert node_of(c, "a") == "node-1" and node_of(c, "b") is None
    assert scheduled_condition(c, "b")["message"] == (
        "0/2 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, "
        "1 node(s) had untolerated taint(s). preemption: 0/2 nodes are available: "
        "1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.")
    force_delete(c, "a")
    c.run(1)
    assert node_of(c, "b") == "node-1"


def test_system_default_spreading_applies_to_service_pods(cluster) -> None:
    c, s = cluster(nodes=2)
    c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
              "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    c.create(pod("web-0", "100m", labels={"app": "web"}))
    c.create(pod("lone", "100m", labels={"app": "lone"}))
    c.run(1)
    assert "PodTopologySpread" not in s.explain("default", "web-0")["skippedScorePlugins"]
    assert "PodTopologySpread" in s.explain("default", "lone")["skippedScorePlugins"]
    scores = [n["scores"]["PodTopologySpread"] for n in s.explain("default", "web-0")["nodes"].values()
              if "scores" in n]
    assert scores == [200, 200]  # no matching pods yet: every node scores MaxNodeScore, weight 2


def test_preferred_pod_anti_affinity_spreads_and_affinity_attracts(cluster) -> None:
    c, _ = cluster(nodes=2)
    c.create(pod("db", "100m", labels={"app": "db"}, nodeName="node-1"))
    near = {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
        "labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}}]}}
    for i in range(3):
        c.create(pod(f"cache-{i}", "100m", affinity=near))
    c.run(2)
    assert {node_of(c, f"cache-{i}") for i in range(3)} == {"node-1"}
    away = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
        "labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}}]}}
    c.create(pod("batch", "100m", affinity=away))
    c.run(1)
    assert node_of(c, "batch") == "node-2"


def test_affinity_to_a_node_name_narrows_the_search(cluster) -> None:
    c, s = cluster(nodes=3)
    pin = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-2"]}]}]}}}
    c.create(pod("pinned", "100m", affinity=pin))
    c.create(pod("too-big", "5", affinity=pin))
    c.run(1)
    assert node_of(c, "pinned") == "node-2"
    assert s.explain("default", "pinned")["evaluatedNodes"] == 1
    assert scheduled_condition(c, "too-big")["message"] == (
        "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
        "preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.")


def test_pod_deleted_before_its_bind_lands(cluster) -> None:
    c, s = cluster(nodes=1)
    c.create(pod("brief", "1"))
    c.run_until(lambda cl: s.cache.is_assumed("default/brief"), timeout=1)
    force_delete(c, "brief")
    c.run(1)
    assert not s.cache.is_assumed("default/brief") and s.cache.get_pod("default/brief") is None
    assert [e["reason"] for e in events_for(c, "brief")] == ["FailedScheduling"]
    # The freed resources are usable at once.
    c.create(pod("next", "3500m"))
    c.run(1)
    assert node_of(c, "next") == "node-1"
