"""Framework data types: PodInfo, QueuedPodInfo, affinity terms, NodeToStatus, Diagnosis and FitError
(pkg/scheduler/framework/types.go and k8s.io/kube-scheduler/framework).

A PodInfo wraps the pod dict from the informer cache (shared: never mutated) with values computed once
and lazily: resource requests, affinity terms, host ports, images.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labk8s.api.labels import NOTHING, Selector, selector_from_label_selector
from labk8s.scheduler.framework.resource import PodResource, compute_pod_resource
from labk8s.scheduler.framework.status import Code, Status

Obj = dict[str, Any]


class AffinityTerm:
    """fwk.AffinityTerm: namespaces, a compiled label selector, the topology key, a namespace selector."""

    __slots__ = ("namespaces", "selector", "topology_key", "namespace_selector")

    def __init__(self, namespaces: frozenset[str], selector: Selector, topology_key: str,
                 namespace_selector: Selector) -> None:
        self.namespaces = namespaces
        self.selector = selector
        self.topology_key = topology_key
        self.namespace_selector = namespace_selector

    def matches(self, pod: Obj, ns_labels: dict[str, str] | None) -> bool:
        meta = pod["metadata"]
        if meta.get("namespace", "") in self.namespaces or self.namespace_selector.matches(ns_labels):
            return self.selector.matches(meta.get("labels") or {})
        return False

    def copy(self) -> AffinityTerm:
        return AffinityTerm(self.namespaces, self.selector, self.topology_key, self.namespace_selector)


class WeightedAffinityTerm:
    __slots__ = ("term", "weight")

    def __init__(self, term: AffinityTerm, weight: int) -> None:
        self.term = term
        self.weight = weight


def new_affinity_term(pod: Obj, term: Obj) -> AffinityTerm:
    """newAffinityTerm: the term's namespaces default to the pod's own when neither namespaces nor a
    namespaceSelector is given; a nil namespaceSelector selects nothing, an empty one everything."""
    selector = selector_from_label_selector(term.get("labelSelector"))
    namespaces = term.get("namespaces") or []
    ns_sel_raw = term.get("namespaceSelector")
    if not namespaces and ns_sel_raw is None:
        ns_set = frozenset([pod["metadata"].get("namespace", "")])
    else:
        ns_set = frozenset(namespaces)
    ns_selector = selector_from_label_selector(ns_sel_raw) if ns_sel_raw is not None else NOTHING
    return AffinityTerm(ns_set, selector, term.get("topologyKey", ""), ns_selector)


def _terms(pod: Obj, kind: str, required: bool) -> list[Any]:
    aff = ((pod.get("spec") or {}).get("affinity") or {}).get(kind) or {}
    key = "requiredDuringSchedulingIgnoredDuringExecution" if required else \
        "preferredDuringSchedulingIgnoredDuringExecution"
    return list(aff.get(key) or [])


def required_terms(pod: Obj, kind: str) -> list[AffinityTerm]:
    return [new_affinity_term(pod, t) for t in _terms(pod, kind, True)]


def preferred_terms(pod: Obj, kind: str) -> list[WeightedAffinityTerm]:
    return [WeightedAffinityTerm(new_affinity_term(pod, t.get("podAffinityTerm") or {}), int(t.get("weight", 0)))
            for t in _terms(pod, kind, False)]


def pod_key(pod: Obj) -> str:
    meta = pod["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"


def pod_priority(pod: Obj) -> int:
    """corev1helpers.PodPriority: spec.priority, 0 when unset."""
    p = (pod.get("spec") or {}).get("priority")
    return int(p) if p is not None else 0


def normalized_image_name(name: str) -> str:
    """ImageLocality's normalizedImageName: add ':latest' when the reference has no tag."""
    if name.rfind(":") <= name.rfind("/"):
        name = name + ":latest"
    return name


class PodInfo:
    """framework.PodInfo with lazily pre-computed data."""

    __slots__ = ("pod", "key", "uid", "_resource", "_affinity", "_ports", "_images", "_claims")

    def __init__(self, pod: Obj) -> None:
        self.pod = pod
        self.key = pod_key(pod)
        self.uid: str = pod["metadata"].get("uid", "")
        self._resource: PodResource | None = None
        self._affinity: tuple[list[AffinityTerm], list[AffinityTerm], list[WeightedAffinityTerm],
                              list[WeightedAffinityTerm]] | None = None
        self._ports: list[tuple[str, str, int]] | None = None
        self._images: list[str] | None = None
        self._claims: list[str] | None = None

    def update(self, pod: Obj) -> None:
        """PodInfo.Update: the same pod (UID) keeps its pre-computed data; another one recomputes it."""
        if pod["metadata"].get("uid", "") == self.uid and self.uid:
            self.pod = pod
            return
        self.__init__(pod)  # type: ignore[misc]

    @property
    def namespace(self) -> str:
        return str(self.pod["metadata"].get("namespace", ""))

    @property
    def name(self) -> str:
        return str(self.pod["metadata"]["name"])

    @property
    def labels(self) -> dict[str, str]:
        return self.pod["metadata"].get("labels") or {}

    @property
    def spec(self) -> Obj:
        return self.pod.get("spec") or {}

    @property
    def priority(self) -> int:
        return pod_priority(self.pod)

    @property
    def resource(self) -> PodResource:
        r = self._resource
        if r is None:
            r = self._resource = compute_pod_resource(self.spec)
        return r

    def _affinity_terms(self) -> tuple[list[AffinityTerm], list[AffinityTerm], list[WeightedAffinityTerm],
                                       list[WeightedAffinityTerm]]:
        a = self._affinity
        if a is None:
            if (self.spec.get("affinity") or {}).get("podAffinity") is None and \
                    (self.spec.get("affinity") or {}).get("podAntiAffinity") is None:
                a = ([], [], [], [])
            else:
                p = self.pod
                a = (required_terms(p, "podAffinity"), required_terms(p, "podAntiAffinity"),
                     preferred_terms(p, "podAffinity"), preferred_terms(p, "podAntiAffinity"))
            self._affinity = a
        return a

    @property
    def required_affinity_terms(self) -> list[AffinityTerm]:
        return self._affinity_terms()[0]

    @property
    def required_anti_affinity_terms(self) -> list[AffinityTerm]:
        return self._affinity_terms()[1]

    @property
    def preferred_affinity_terms(self) -> list[WeightedAffinityTerm]:
        return self._affinity_terms()[2]

    @property
    def preferred_anti_affinity_terms(self) -> list[WeightedAffinityTerm]:
        return self._affinity_terms()[3]

    def has_affinity(self) -> bool:
        """podWithAffinity: pod affinity or anti-affinity present."""
        aff = self.spec.get("affinity") or {}
        return aff.get("podAffinity") is not None or aff.get("podAntiAffinity") is not None

    def has_required_anti_affinity(self) -> bool:
        anti = (self.spec.get("affinity") or {}).get("podAntiAffinity") or {}
        return bool(anti.get("requiredDuringSchedulingIgnoredDuringExecution"))

    @property
    def host_ports(self) -> list[tuple[str, str, int]]:
        """schedutil.GetHostPorts: (hostIP, protocol, hostPort) of every container port with a hostPort."""
        ports = self._ports
        if ports is None:
            ports = []
            spec = self.spec
            containers = list(spec.get("containers") or ()) + [
                c for c in spec.get("initContainers") or () if c.get("restartPolicy") == "Always"]
            for c in containers:
                for p in c.get("ports") or ():
                    hp = p.get("hostPort") or 0
                    if hp <= 0:
                        continue
                    ports.append((p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", int(hp)))
            self._ports = ports
        return ports

    @property
    def images(self) -> list[str]:
        """Normalized image names of init containers then containers (ImageLocality's order)."""
        imgs = self._images
        if imgs is None:
            spec = self.spec
            imgs = [normalized_image_name(c.get("image") or "") for key in ("initContainers", "containers")
                    for c in spec.get(key) or ()]
            self._images = imgs
        return imgs

    @property
    def claim_names(self) -> list[str]:
        """PVC names the pod uses: persistentVolumeClaim volumes and generic ephemeral volumes."""
        claims = self._claims
        if claims is None:
            claims = []
            for v in self.spec.get("volumes") or ():
                pvc = v.get("persistentVolumeClaim")
                if pvc is not None:
                    claims.append(str(pvc.get("claimName", "")))
                elif v.get("ephemeral") is not None:
                    claims.append(f"{self.name}-{v.get('name', '')}")
            self._claims = claims
        return claims


class QueuedPodInfo:
    """framework.QueuedPodInfo: a PodInfo with its history in the scheduling queue (times in ms)."""

    __slots__ = ("pod_info", "timestamp", "attempts", "backoff_expiration", "unschedulable_count",
                 "consecutive_errors_count", "initial_attempt_timestamp", "unschedulable_plugins",
                 "pending_plugins", "gating_plugin", "gating_plugin_events", "seq")

    def __init__(self, pod_info: PodInfo, timestamp: int, seq: int = 0) -> None:
        self.pod_info = pod_info
        self.timestamp = timestamp
        self.attempts = 0
        self.backoff_expiration: int | None = None
        self.unschedulable_count = 0
        self.consecutive_errors_count = 0
        self.initial_attempt_timestamp: int | None = None
        self.unschedulable_plugins: set[str] = set()
        self.pending_plugins: set[str] = set()
        self.gating_plugin = ""
        self.gating_plugin_events: list[Any] = []
        self.seq = seq

    @property
    def pod(self) -> Obj:
        return self.pod_info.pod

    @property
    def key(self) -> str:
        return self.pod_info.key

    def gated(self) -> bool:
        return self.gating_plugin != ""

    def __repr__(self) -> str:
        return f"QueuedPodInfo({self.key}, attempts={self.attempts})"


class NodeToStatus:
    """framework.NodeToStatus: statuses of rejected nodes plus one status for the nodes absent from it."""

    __slots__ = ("statuses", "absent")

    def __init__(self, statuses: dict[str, Status] | None = None, absent: Status | None = None) -> None:
        self.statuses: dict[str, Status] = statuses if statuses is not None else {}
        self.absent = absent if absent is not None else Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE)

    def get(self, name: str) -> Status:
        return self.statuses.get(name, self.absent)

    def set(self, name: str, status: Status) -> None:
        self.statuses[name] = status

    def __len__(self) -> int:
        return len(self.statuses)

    def nodes_for_status_code(self, all_names: list[str], code: Code) -> list[str]:
        """NodesForStatusCode, in node order (upstream iterates a map)."""
        absent_ok = self.absent.code == code
        return [n for n in all_names if (self.statuses[n].code == code if n in self.statuses else absent_ok)]


class Diagnosis:
    __slots__ = ("node_to_status", "unschedulable_plugins", "pending_plugins", "pre_filter_msg", "post_filter_msg")

    def __init__(self) -> None:
        self.node_to_status = NodeToStatus()
        self.unschedulable_plugins: set[str] = set()
        self.pending_plugins: set[str] = set()
        self.pre_filter_msg = ""
        self.post_filter_msg = ""

    def add_plugin_status(self, status: Status) -> None:
        if not status.plugin:
            return
        if status.is_rejected():
            self.unschedulable_plugins.add(status.plugin)
        if status.code == Code.PENDING:
            self.pending_plugins.add(status.plugin)


#: NoNodeAvailableMsg.
NO_NODE_AVAILABLE_MSG = "0/{} nodes are available"


class FitError(Exception):
    """framework.FitError: why a pod fits no node; str() is the FailedScheduling message."""

    def __init__(self, pod: Obj, num_all_nodes: int, diagnosis: Diagnosis) -> None:
        super().__init__()
        self.pod = pod
        self.num_all_nodes = num_all_nodes
        self.diagnosis = diagnosis

    def __str__(self) -> str:
        d = self.diagnosis
        msg = NO_NODE_AVAILABLE_MSG.format(self.num_all_nodes) + ":"
        if d.pre_filter_msg:
            msg += f" {d.pre_filter_msg}."
        else:
            reasons: dict[str, int] = {}
            for status in d.node_to_status.statuses.values():
                for r in status.reasons:
                    reasons[r] = reasons.get(r, 0) + 1
            absent = self.num_all_nodes - len(d.node_to_status)
            if absent > 0:
                for r in d.node_to_status.absent.reasons:
                    reasons[r] = reasons.get(r, 0) + absent
            # Go's sort.Strings on "<count> <reason>": byte order, so "10 x" sorts before "2 x".
            histogram = sorted(f"{v} {k}" for k, v in reasons.items())
            if histogram:
                msg += " " + ", ".join(histogram) + "."
        if d.post_filter_msg:
            msg += " " + d.post_filter_msg
        return msg


class PreFilterResult:
    """fwk.PreFilterResult: None node_names means all nodes."""

    __slots__ = ("node_names",)

    def __init__(self, node_names: set[str] | None) -> None:
        self.node_names = node_names

    def all_nodes(self) -> bool:
        return self.node_names is None

    def merge(self, other: PreFilterResult | None) -> PreFilterResult:
        if other is None or other.all_nodes():
            return self
        if self.all_nodes():
            return PreFilterResult(set(other.node_names or ()))
        return PreFilterResult((self.node_names or set()) & (other.node_names or set()))


MODE_NOOP = "Noop"
MODE_OVERRIDE = "Override"


class NominatingInfo:
    __slots__ = ("nominated_node_name", "mode")

    def __init__(self, nominated_node_name: str, mode: str = MODE_OVERRIDE) -> None:
        self.nominated_node_name = nominated_node_name
        self.mode = mode


class PostFilterResult:
    __slots__ = ("nominating_info",)

    def __init__(self, nominating_info: NominatingInfo | None) -> None:
        self.nominating_info = nominating_info


def clear_nominated_node() -> NominatingInfo:
    return NominatingInfo("", MODE_OVERRIDE)


LessFn = Callable[[QueuedPodInfo, QueuedPodInfo], bool]
