"""The kubelet: one per node, between the API server and the node's container runtime.

Module map: ``kubelet`` (the actor and its wiring), ``config`` (KubeletConfiguration and upstream
constants), ``registration`` and ``nodestatus`` (the Node object, its status and Lease heartbeats),
``pod_workers`` (per-pod lifecycle), ``sync`` and ``actions`` (SyncPod, computePodActions),
``image_manager`` (EnsureImageExists), ``containerconfig`` and ``volumes`` (what a container gets),
``termination`` (killContainer, preStop, ordering), ``prober`` and ``endpoints`` (probes), ``pleg``
(lifecycle events from the runtime), ``podstatus``, ``conditions`` and ``status`` (the pod status and the
status manager), ``static_pods`` (static and mirror pods), ``admission`` (canAdmitPod), ``logs``
(``kubectl logs``), ``power`` (node off and on), ``events`` (reasons and messages), ``backoff``
(flowcontrol.Backoff) and ``tasks`` (generators driven on virtual time).
"""

from labk8s.node.kubelet.config import KubeletConfig
from labk8s.node.kubelet.kubelet import Kubelet

__all__ = ["Kubelet", "KubeletConfig"]
