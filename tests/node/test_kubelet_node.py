"""Node registration, node status and Lease heartbeats, power off/on, static pods, kubectl logs."""

from __future__ import annotations

from typing import Any

import pytest

from labk8s._sim.clock import parse_rfc3339
from labk8s.client.client import Client
from labk8s.cluster import Cluster
from labk8s.errors import ApiError
from labk8s.node.cni.netlink import NodeNetwork
from labk8s.node.cni.runner import CniRunner
from labk8s.node.images.imageservice import ImageService
from labk8s.node.images.registry import Registry
from labk8s.node.kubelet.config import KubeletConfig
from labk8s.node.kubelet.kubelet import Kubelet
from labk8s.node.nodefs import node_filesystem
from labk8s.node.runtime.cri import ContainerRuntime
from tests.node.kubelet_env import cluster, events, pod

Obj = dict[str, Any]


def new_node(c: Cluster, name: str, ip: str, cidr: str, **config: Any) -> Kubelet:
    rng = c.rng.child(f"node/{name}")
    fs = node_filesystem(name, ip, cidr, clock=lambda: c.loop.now_ms)
    net = NodeNetwork(ip, rng.child("net"))
    runtime = ContainerRuntime(c.loop, name, fs, ImageService(c.loop, Registry()), CniRunner(fs, net, rng), rng)
    cfg = KubeletConfig(node_name=name, node_ip=ip, pod_cidr=cidr, **config)
    return Kubelet(cfg, Client(c.api, f"system:node:{name}"), runtime, rng.child("kubelet"))


def test_registration_of_a_new_node() -> None:
    # A machine the Cluster does not manage joins (its own runtime and kubelet; a reserved share).
    c = Cluster(nodes=0, seed=0, addons=False)
    kl = new_node(c, "worker", "172.18.0.9", "10.244.9.0/24", cpu="2", memory="8Gi", labels={"disktype": "ssd"},
                  reserved={"memory": "512Mi", "cpu": "100m"})
    kl.start()
    c.run(1)
    node = c.get("node", "worker")
    assert node["metadata"]["labels"] == {
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "disktype": "ssd",
        "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "worker", "kubernetes.io/os": "linux"}
    assert node["metadata"]["annotations"]["volumes.kubernetes.io/controller-managed-attach-detach"] == "true"
    assert node["spec"]["podCIDR"] == "10.244.9.0/24"
    st = node["status"]
    assert st["capacity"] == {"cpu": "2", "ephemeral-storage": "100Gi", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                              "memory": "8Gi", "pods": "110"}
    assert st["allocatable"]["cpu"] == "1900m" and st["allocatable"]["memory"] == "7680Mi"
    assert st["addresses"] == [{"address": "172.18.0.9", "type": "InternalIP"}, {"address": "worker", "type": "Hostname"}]
    info = st["nodeInfo"]
    assert (info["kubeletVersion"], info["containerRuntimeVersion"], info["osImage"], info["architecture"]) == (
        "v1.37.1", "containerd://2.2.0", "Debian GNU/Linux 12 (bookworm)", "amd64")
    assert len(info["machineID"]) == 32 and len(info["bootID"]) == 36
    assert st["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 10250}}
    assert [(x["type"], x["status"], x["reason"], x["message"]) for x in st["conditions"]] == [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status")]
    assert [(r, m) for r, m, _ in events(c, "worker")] == [
        ("Starting", "Starting kubelet."),
        ("NodeHasSufficientMemory", "Node worker status is now: NodeHasSufficientMemory"),
        ("NodeHasNoDiskPressure", "Node worker status is now: NodeHasNoDiskPressure"),
        ("NodeHasSufficientPID", "Node worker status is now: NodeHasSufficientPID"),
        ("NodeAllocatableEnforced", "Updated Node Allocatable limit across pods"),
        # the node lifecycle controller sees the new Node and records it (source: node-controller)
        ("RegisteredNode", "Node worker event: Registered Node worker in Controller")]
    assert "worker          Ready    <none>" in c.kubectl("get nodes")
    lease = c.get("lease", "worker", "kube-node-lease")
    assert lease["spec"]["holderIdentity"] == "worker" and lease["spec"]["leaseDurationSeconds"] == 40
    assert lease["metadata"]["ownerReferences"][0]["uid"] == node["metadata"]["uid"]


def test_node_without_cni_config_is_not_ready() -> None:
    c = Cluster(nodes=0, seed=0, addons=False)
    rng = c.rng.child("node/bare")
    fs = node_filesystem("bare", "172.18.0.9", None, clock=lambda: c.loop.now_ms)
    runtime = ContainerRuntime(c.loop, "bare", fs, ImageService(c.loop, Registry()),
                               CniRunner(fs, NodeNetwork("172.18.0.9", rng), rng), rng)
    kl = Kubelet(KubeletConfig(node_name="bare", node_ip="172.18.0.9"), Client(c.api, "system:node:bare"), runtime, rng)
    kl.start()
    c.run(1)
    ready = next(x for x in c.get("node", "bare")["status"]["conditions"] if x["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "KubeletNotReady")
    assert ready["message"] == ("container runtime network not ready: NetworkReady=false "
                                "reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not "
                                "initialized")
    c.create(pod("web", [{"name": "nginx", "image": "nginx:1.25"}], node="bare"))
    c.create(pod("host", [{"name": "nginx", "image": "nginx:1.25"}], node="bare", hostNetwork=True))
    c.run(10)
    assert ("NetworkNotReady", f"network is not ready: {ready['message']}", "") in events(c, "web")
    assert c.get("pod", "web")["status"]["phase"] == "Pending"
    assert c.get("pod", "host")["status"]["phase"] == "Running"


def test_lease_renewals_and_status_reports() -> None:
    c, kl = cluster()
    renewals = []
    for _ in range(6):
        renewals.append(c.get("lease", "node-1", "kube-node-lease")["spec"]["renewTime"])
        c.run(10)
    assert renewals == [f"2026-01-01T00:00:{s:02d}.000000Z" for s in (0, 10, 20, 30, 40, 50)]
    posts = kl.reporter.posts if kl.reporter else 0
    beat = next(x for x in c.get("node", "node-1")["status"]["conditions"] if x["type"] == "Ready")["lastHeartbeatTime"]
    c.run(200)  # nothing changes: no status post before the 5 minute report frequency
    assert kl.reporter is not None and kl.reporter.posts == posts
    c.run(60)
    beat2 = next(x for x in c.get("node", "node-1")["status"]["conditions"] if x["type"] == "Ready")["lastHeartbeatTime"]
    assert parse_rfc3339(beat2) - parse_rfc3339(beat) == 300_000


def test_node_status_reports_pulled_images_at_the_next_update() -> None:
    c, _ = cluster()
    preloaded = [i["names"] for i in c.get("node", "node-1")["status"]["images"]]
    assert [n[-1] for n in preloaded] == ["registry.k8s.io/pause:3.10"]  # the machine preloads the sandbox image
    c.create(pod("web", [{"name": "nginx", "image": "nginx:1.25"}]))
    c.run(9.999)  # nginx is pulled at 3.588, but the status is only posted every 10s
    assert [i["names"] for i in c.get("node", "node-1")["status"]["images"]] == preloaded
    c.run(0.001)
    images = c.get("node", "node-1")["status"]["images"]
    assert images[0]["sizeBytes"] == 72195292
    assert images[0]["names"][1] == "docker.io/library/nginx:1.25"
    assert images[0]["names"][0].startswith("docker.io/library/nginx@sha256:")
    assert images[-1]["names"][-1] == "registry.k8s.io/pause:3.10"


def test_restarted_kubelet_reports_ready_again() -> None:
    c, kl = cluster()
    kl.power_off()
    c.run(60)
    node = c.get("node", "node-1")
    # the node lifecycle controller set every condition to Unknown (50s after the last heartbeat at 0)
    assert [(x["status"], x["reason"], x["lastTransitionTime"]) for x in node["status"]["conditions"]] == [
        ("Unknown", "NodeStatusUnknown", "2026-01-01T00:00:50Z")] * 4
    kl.power_on()
    c.run(1)
    conds = {x["type"]: x for x in c.get("node", "node-1")["status"]["conditions"]}
    assert conds["Ready"]["status"] == "True" and conds["Ready"]["lastTransitionTime"] == "2026-01-01T00:01:00Z"
    reasons = [r for r, _, _ in events(c, "node-1")]
    for r in ("NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID", "NodeReady"):
        assert r in reasons
    assert c.get("node", "node-1")["status"]["nodeInfo"]["bootID"] != node["status"]["nodeInfo"]["bootID"]


def test_power_off_and_on_restarts_pods() -> None:
    c, kl = cluster()
    c.create(pod("web", [{"name": "nginx", "image": "nginx:1.25"}]))
    c.create(pod("gone", [{"name": "nginx", "image": "nginx:1.25"}]))
    c.run(10)
    kl.power_off()
    c.run(30)
    # while the node is off nothing of it reaches the API server; the pod deleted meanwhile stays
    # Terminating (nobody is there to finish it) until it is force deleted
    c.delete("pod", "gone")
    admin = Client(c.api, "kubectl-admin")
    admin.delete(admin.resource("", "Pod"), "default", "gone", grace_period_seconds=0)
    lease = c.get("lease", "node-1", "kube-node-lease")["spec"]["renewTime"]
    c.run(30)
    assert c.get("lease", "node-1", "kube-node-lease")["spec"]["renewTime"] == lease
    kl.power_on()
    c.run(5)
    cs = c.get("pod", "web")["status"]["containerStatuses"][0]
    assert cs["restartCount"] == 1 and "running" in cs["state"]
    last = cs["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"], last["finishedAt"]) == (255, "Unknown", "2026-01-01T00:01:10Z")
    assert ("SandboxChanged", "Pod sandbox changed, it will be killed and re-created.", "") in events(c, "web")
    uids = {s.uid for s in kl.runtime.list_pod_sandbox()}
    assert uids == {c.get("pod", "web")["metadata"]["uid"]}


def test_static_pod_and_mirror_pod() -> None:
    # The control-plane kubelet runs kubeadm's static pods (/etc/kubernetes/manifests) and posts mirrors.
    c, _ = cluster()
    kl = c.machines["control-plane"].kubelet
    c.run(5)
    mirror = c.get("pod", "etcd-control-plane", "kube-system")
    ann = mirror["metadata"]["annotations"]
    assert ann["kubernetes.io/config.source"] == "file" and ann["kubernetes.io/config.mirror"] == \
        ann["kubernetes.io/config.hash"]
    assert mirror["metadata"]["ownerReferences"] == [{"apiVersion": "v1", "kind": "Node", "name": "control-plane",
                                                      "uid": c.get("node", "control-plane")["metadata"]["uid"],
                                                      "controller": True}]
    assert mirror["status"]["phase"] == "Running" and mirror["status"]["podIP"] == "172.18.0.2"
    assert {"operator": "Exists", "effect": "NoExecute"} in mirror["spec"]["tolerations"]
    containers = sorted(s.name for s in kl.runtime.list_containers())
    assert containers == ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"]
    admin = Client(c.api, "kubectl-admin")
    admin.delete(admin.resource("", "Pod"), "kube-system", "etcd-control-plane", grace_period_seconds=0)
    c.run(1)
    again = c.get("pod", "etcd-control-plane", "kube-system")
    assert again["metadata"]["uid"] != mirror["metadata"]["uid"]
    assert again["status"]["phase"] == "Running"
    # deleting the mirror pod does not stop the static pod
    assert sorted(s.name for s in kl.runtime.list_containers()) == containers


def test_kubectl_logs_and_errors() -> None:
    c, kl = cluster()
    c.create(pod("two", [{"name": "a", "image": "busybox:1.36", "command": ["sh", "-c", "echo hello; echo oops >&2; "
                                                                             "sleep 3600"]},
                         {"name": "b", "image": "busybox:1.36", "command": ["sleep", "3600"]}],
                 initContainers=[{"name": "init", "image": "busybox:1.36", "command": ["echo", "ready"]}]))
    c.create(pod("wait", [{"name": "c", "image": "nginx:1.25"}]))
    c.run(0.5)
    with pytest.raises(ApiError) as err:
        kl.logs("default", "wait")
    assert err.value.code == 400
    assert err.value.message == 'container "c" in pod "wait" is waiting to start: ContainerCreating'
    c.run(10)
    with pytest.raises(ApiError) as err:
        kl.logs("default", "two")
    assert err.value.message == "a container name must be specified for pod two, choose one of: [init a b]"
    with pytest.raises(ApiError) as err:
        kl.logs("default", "two", container="zz")
    assert err.value.message == "container zz is not valid for pod two"
    assert kl.logs("default", "two", container="a") == "hello\noops\n"
    assert kl.logs("default", "two", container="init") == "ready\n"
    assert kl.logs("default", "two", container="a", tail=1) == "oops\n"
    with pytest.raises(ApiError) as err:
        kl.logs("default", "two", container="a", previous=True)
    assert err.value.message == 'previous terminated container "a" in pod "two" not found'
    with pytest.raises(ApiError) as err:
        kl.logs("default", "nosuch")
    assert err.value.code == 404


def test_orphaned_mirror_pods_are_deleted_and_static_pods_replace_them() -> None:
    c, _ = cluster()
    c.run(5)
    before = {p["metadata"]["name"]: p for p in c.list("pod", "kube-system")}
    assert sorted(before) == ["etcd-control-plane", "kube-apiserver-control-plane",
                              "kube-controller-manager-control-plane", "kube-scheduler-control-plane"]
    # While the machine is off, the manifests directory changes: only a (different) etcd manifest is left.
    machine = c.machines["control-plane"]
    c.fail_node("control-plane")
    manifest = {"metadata": {"name": "etcd", "namespace": "kube-system"},
                "spec": {"hostNetwork": True, "priorityClassName": "system-node-critical",
                         "containers": [{"name": "etcd", "image": "registry.k8s.io/etcd:3.6.6-0",
                                         "command": ["etcd"]}]}}
    machine.kubelet.config.static_pods = [manifest]
    c.recover_node("control-plane")
    c.run(5)
    # the mirror pods without a static pod are deleted; the stale etcd mirror is replaced by the new one
    pods = c.list("pod", "kube-system")
    assert [p["metadata"]["name"] for p in pods] == ["etcd-control-plane"]
    etcd = pods[0]
    assert etcd["metadata"]["uid"] != before["etcd-control-plane"]["metadata"]["uid"]
    assert etcd["spec"]["priority"] == 2000001000 and etcd["status"]["phase"] == "Running"
    assert etcd["metadata"]["annotations"]["kubernetes.io/config.mirror"] != \
        before["etcd-control-plane"]["metadata"]["annotations"]["kubernetes.io/config.mirror"]


def _scenario() -> list[Obj]:
    c, kl = cluster()
    c.create(pod("web", [{"name": "nginx", "image": "nginx:1.25",
                          "livenessProbe": {"httpGet": {"path": "/", "port": 80}}}]))
    c.create(pod("crash", [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "exit 1"]}]))
    c.run(90)
    kl.power_off()
    c.run(20)
    kl.power_on()
    c.run(30)
    return [o for o in c.dump() if o["kind"] in ("Pod", "Node", "Lease", "Event")]


def test_same_seed_same_cluster() -> None:
    assert _scenario() == _scenario()
