"""VolumeBinding (volumebinding/{volume_binding,binder}.go): pods with PersistentVolumeClaims.

PreFilter rejects missing, lost or deleting claims and unbound claims of Immediate classes; it narrows
the nodes to the hostnames of bound local volumes. Filter checks bound volumes' node affinity; unbound
WaitForFirstConsumer claims pass where a matching Available volume exists or the class provisions
(allowedTopologies honoured). Reserve records the choice; PreBind claims static volumes (PV claimRef) or
asks for provisioning (the PVC's selected-node annotation), then waits for the binding, polling every
second up to bindTimeoutSeconds (600).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s.errors import ApiError
from labk8s.scheduler.framework.cycle_state import CycleState
from labk8s.scheduler.framework.events import (
    NODE,
    PERSISTENT_VOLUME,
    PERSISTENT_VOLUME_CLAIM,
    STORAGE_CLASS,
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    QueueingHint,
)
from labk8s.scheduler.framework.interface import (
    EnqueueExtensions,
    FilterPlugin,
    PreBindPlugin,
    PreFilterPlugin,
    ReservePlugin,
    Retry,
)
from labk8s.scheduler.framework.node_info import NodeInfo
from labk8s.scheduler.framework.resource import value
from labk8s.scheduler.framework.status import Code, Status
from labk8s.scheduler.framework.types import PodInfo, PreFilterResult
from labk8s.scheduler.plugins.base import PluginBase
from labk8s.scheduler.plugins.helpers import node_selector_term_matches

if TYPE_CHECKING:
    from labk8s.scheduler.framework.runtime import Framework

Obj = dict[str, Any]
NAME = "VolumeBinding"
ERR_REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict"
ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
NOT_SUPPORTED_PROVISIONER = "kubernetes.io/no-provisioner"
LABEL_HOSTNAME = "kubernetes.io/hostname"
#: VolumeBindingArgs.bindTimeoutSeconds default, and the binder's poll period (wait.Poll every second).
BIND_TIMEOUT_MS = 600_000
BIND_POLL_MS = 1_000
_STATE_KEY = NAME


class _Claims:
    __slots__ = ("bound", "delayed", "by_node", "deadline")

    def __init__(self) -> None:
        self.bound: list[Obj] = []
        self.delayed: list[Obj] = []
        self.by_node: dict[str, list[tuple[Obj, Obj | None]]] = {}  # node -> [(claim, static PV or None)]
        self.deadline = 0

    def clone(self) -> _Claims:
        return self


def _fully_bound(pvc: Obj) -> bool:
    return bool((pvc.get("spec") or {}).get("volumeName")) and \
        ANN_BIND_COMPLETED in (pvc["metadata"].get("annotations") or {})


def _pv_node_affinity_matches(pv: Obj, node: Obj) -> bool:
    required = (((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required"))
    if required is None:
        return True
    labels = node["metadata"].get("labels") or {}
    fields = {"metadata.name": node["metadata"]["name"]}
    return any(node_selector_term_matches(t, labels, fields) for t in required.get("nodeSelectorTerms") or ())


def local_volume_node_names(pv: Obj) -> set[str] | None:
    """GetLocalPersistentVolumeNodeNames: hostnames a PV's required affinity pins it to, or None."""
    required = (((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required"))
    if required is None:
        return None
    result: set[str] = set()
    for term in required.get("nodeSelectorTerms") or ():
        nodes: set[str] | None = None
        for e in term.get("matchExpressions") or ():
            if e.get("key") == LABEL_HOSTNAME and e.get("operator") == "In":
                vals = set(e.get("values") or ())
                nodes = vals if nodes is None else nodes & vals
        result |= nodes or set()
    return result or None


class VolumeBinding(PluginBase, PreFilterPlugin, FilterPlugin, ReservePlugin, PreBindPlugin, EnqueueExtensions):
    name = NAME

    def __init__(self, handle: Framework, args: Obj | None = None) -> None:
        super().__init__(handle, args)
        self.bind_timeout_ms = int(self.args.get("bindTimeoutSeconds", BIND_TIMEOUT_MS // 1000)) * 1000

    def _lister(self, name: str) -> Any:
        return self.handle.listers.get(name)

    def _class(self, pvc: Obj) -> Obj | None:
        name = (pvc.get("spec") or {}).get("storageClassName") or ""
        inf = self._lister("storageclasses")
        return inf.get("", name) if name and inf is not None else None

    def _delay_binding(self, pvc: Obj) -> bool:
        cls = self._class(pvc)
        return cls is not None and cls.get("volumeBindingMode") == "WaitForFirstConsumer"

    # -- PreFilter ----------------------------------------------------------------------------------
    def pre_filter(self, state: CycleState, pod: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        if not pod.claim_names:
            return None, Status(Code.SKIP)
        pvcs = self._lister("persistentvolumeclaims")
        claims = _Claims()
        for v in pod.spec.get("volumes") or ():
            ephemeral = v.get("ephemeral") is not None
            if v.get("persistentVolumeClaim") is not None:
                name = str(v["persistentVolumeClaim"].get("claimName", ""))
            elif ephemeral:
                name = f"{pod.name}-{v.get('name', '')}"
            else:
                continue
            pvc = pvcs.get(pod.namespace, name) if pvcs is not None else None
            if pvc is None:
                msg = (f'waiting for ephemeral volume controller to create the persistentvolumeclaim "{name}"'
                       if ephemeral else f'persistentvolumeclaim "{name}" not found')
                return None, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, msg)
            if (pvc.get("status") or {}).get("phase") == "Lost":
                return None, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                                    f'persistentvolumeclaim "{name}" bound to non-existent persistentvolume '
                                    f'"{(pvc.get("spec") or {}).get("volumeName", "")}"')
            if pvc["metadata"].get("deletionTimestamp"):
                return None, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                                    f'persistentvolumeclaim "{name}" is being deleted')
            if _fully_bound(pvc):
                claims.bound.append(pvc)
            elif self._delay_binding(pvc) and not (pvc.get("spec") or {}).get("volumeName"):
                claims.delayed.append(pvc)
            else:
                return None, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
                                    "pod has unbound immediate PersistentVolumeClaims")
        state.write(_STATE_KEY, claims)
        eligible: set[str] | None = None
        pvs = self._lister("persistentvolumes")
        for pvc in claims.bound:
            pv = pvs.get("", pvc["spec"]["volumeName"]) if pvs is not None else None
            names = local_volume_node_names(pv) if pv is not None else None
            if names:
                eligible = set(names) if eligible is None else eligible & names
        return (PreFilterResult(eligible) if eligible is not None else None), None

    # -- Filter -------------------------------------------------------------------------------------
    def _matching_pv(self, pvc: Obj, node: Obj, taken: set[str]) -> Obj | None:
        pvs = self._lister("persistentvolumes")
        if pvs is None:
            return None
        spec = pvc.get("spec") or {}
        want = value(((spec.get("resources") or {}).get("requests") or {}).get("storage", "0"))
        modes = set(spec.get("accessModes") or ())
        best: Obj | None = None
        for pv in pvs.list():
            pspec = pv.get("spec") or {}
            name = pv["metadata"]["name"]
            ref = pspec.get("claimRef")
            if name in taken or (pv.get("status") or {}).get("phase") not in (None, "Available"):
                continue
            if ref and (ref.get("name") != pvc["metadata"]["name"] or ref.get("namespace") !=
                        pvc["metadata"].get("namespace")):
                continue
            if (pspec.get("storageClassName") or "") != (spec.get("storageClassName") or ""):
                continue
            if not modes <= set(pspec.get("accessModes") or ()):
                continue
            size = value((pspec.get("capacity") or {}).get("storage", "0"))
            if size < want or not _pv_node_affinity_matches(pv, node):
                continue
            if best is None or size < value((best["spec"].get("capacity") or {}).get("storage", "0")):
                best = pv
        return best

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        claims: _Claims | None = state.get(_STATE_KEY)
        if claims is None or node.node is None:
            return None
        reasons: list[str] = []
        pvs = self._lister("persistentvolumes")
        for pvc in claims.bound:
            pv = pvs.get("", pvc["spec"]["volumeName"]) if pvs is not None else None
            if pv is None:
                return Status(Code.ERROR, 'pvc(s) bound to non-existent pv(s)')
            if not _pv_node_affinity_matches(pv, node.node):
                reasons.append(ERR_REASON_NODE_CONFLICT)
                break
        chosen: list[tuple[Obj, Obj | None]] = []
        taken: set[str] = set()
        for pvc in claims.delayed:
            pv = self._matching_pv(pvc, node.node, taken)
            if pv is not None:
                taken.add(pv["metadata"]["name"])
                chosen.append((pvc, pv))
                continue
            cls = self._class(pvc) or {}
            prov = cls.get("provisioner") or ""
            topologies = cls.get("allowedTopologies")
            if not prov or prov == NOT_SUPPORTED_PROVISIONER or (topologies and not _topology_matches(topologies, node)):
                reasons.append(ERR_REASON_BIND_CONFLICT)
                break
            chosen.append((pvc, None))
        if reasons:
            return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, *reasons)
        claims.by_node[node.name] = chosen
        return None

    # -- Reserve and PreBind ------------------------------------------------------------------------
    def reserve(self, state: CycleState, pod: PodInfo, node_name: str) -> Status | None:
        claims: _Claims | None = state.get(_STATE_KEY)
        if claims is not None:
            claims.deadline = self.handle.now_ms() + self.bind_timeout_ms
        return None

    def unreserve(self, state: CycleState, pod: PodInfo, node_name: str) -> None:
        return None

    def pre_bind_pre_flight(self, state: CycleState, pod: PodInfo, node_name: str) -> Status | None:
        """PreBindPreFlight: work to do unless every claim is already bound."""
        claims: _Claims | None = state.get(_STATE_KEY)
        return None if claims is not None and claims.delayed else Status(Code.SKIP)

    def pre_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status | Retry | None:
        claims: _Claims | None = state.get(_STATE_KEY)
        if claims is None or not claims.delayed:
            return None
        client = self.handle.client
        pvc_rt, pv_rt = client.resource("", "PersistentVolumeClaim"), client.resource("", "PersistentVolume")
        pending = False
        for pvc, pv in claims.by_node.get(node_name, []):
            ns, name = pvc["metadata"].get("namespace", ""), pvc["metadata"]["name"]
            try:
                cur = client.get(pvc_rt, ns, name)
            except ApiError as err:
                return Status(Code.ERROR, f"binding volumes: {err.message}")
            if _fully_bound(cur):
                continue
            pending = True
            ann = cur["metadata"].get("annotations") or {}
            try:
                if pv is not None and not (pv.get("spec") or {}).get("claimRef"):
                    ref = {"kind": "PersistentVolumeClaim", "namespace": ns, "name": name, "apiVersion": "v1",
                           "uid": cur["metadata"].get("uid", ""), "resourceVersion": cur["metadata"].get(
                               "resourceVersion", "")}
                    client.patch(pv_rt, "", pv["metadata"]["name"], {"spec": {"claimRef": ref}})
                    pv = dict(pv, spec=dict(pv["spec"], claimRef=ref))
                elif pv is None and ann.get(ANN_SELECTED_NODE) != node_name:
                    client.patch(pvc_rt, ns, name, {"metadata": {"annotations": {ANN_SELECTED_NODE: node_name}}})
            except ApiError as err:
                return Status(Code.ERROR, f"binding volumes: {err.message}")
        if not pending:
            return None
        if self.handle.now_ms() >= claims.deadline:
            return Status(Code.ERROR, "binding volumes: context deadline exceeded")
        return Retry(BIND_POLL_MS)

    # -- queueing hints -----------------------------------------------------------------------------
    def events_to_register(self) -> list[ClusterEventWithHint]:
        add_update = ActionType.ADD | ActionType.UPDATE
        return [
            ClusterEventWithHint(ClusterEvent(PERSISTENT_VOLUME_CLAIM, add_update), self._after_pvc_change),
            ClusterEventWithHint(ClusterEvent(STORAGE_CLASS, add_update)),
            ClusterEventWithHint(ClusterEvent(PERSISTENT_VOLUME, add_update)),
            ClusterEventWithHint(ClusterEvent(NODE, ActionType.ADD | ActionType.UPDATE_NODE_LABEL |
                                              ActionType.UPDATE_NODE_TAINT)),
        ]

    @staticmethod
    def _after_pvc_change(pod: Obj, old: Any, new: Any) -> QueueingHint:
        if new["metadata"].get("namespace") != pod["metadata"].get("namespace"):
            return QueueingHint.QUEUE_SKIP
        return QueueingHint.QUEUE if new["metadata"]["name"] in PodInfo(pod).claim_names else QueueingHint.QUEUE_SKIP


def _topology_matches(terms: list[Obj], node: NodeInfo) -> bool:
    """MatchTopologySelectorTerms: any term whose every expression's key has one of its values."""
    labels = node.labels
    for term in terms:
        exprs = term.get("matchLabelExpressions") or []
        if all(labels.get(e.get("key", "")) in (e.get("values") or ()) for e in exprs):
            return True
    return False
