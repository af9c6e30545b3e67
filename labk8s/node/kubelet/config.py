"""KubeletConfiguration: what one kubelet knows about its node, with the upstream defaults.

Defaults come from pkg/kubelet/apis/config/v1beta1/defaults.go and pkg/kubelet/kubelet.go (see
shared/reference/kubernetes/kubelet-and-nodes.md section 2). Every duration is in virtual milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]

# -- kubelet configuration defaults (v1beta1/defaults.go) ---------------------------------------------
#: nodeStatusUpdateFrequency: how often the kubelet computes its node status.
NODE_STATUS_UPDATE_FREQUENCY_MS = 10_000
#: nodeStatusReportFrequency: an unchanged status is still posted this often.
NODE_STATUS_REPORT_FREQUENCY_MS = 300_000
#: nodeLeaseDurationSeconds.
NODE_LEASE_DURATION_SECONDS = 40
#: The lease controller renews at 0.25 * leaseDuration (pkg/kubelet/kubelet.go renewIntervalFraction).
NODE_LEASE_RENEW_INTERVAL_FRACTION = 0.25
#: syncFrequency: the pod workers' resync interval (used for pods with nothing pending, see pod_workers).
SYNC_FREQUENCY_MS = 60_000
#: maxPods.
MAX_PODS = 110
#: serializeImagePulls: one image pull at a time per node.
SERIALIZE_IMAGE_PULLS = True
#: ports.KubeletPort, reported in status.daemonEndpoints.
KUBELET_PORT = 10250

# -- constants of pkg/kubelet/kubelet.go -----------------------------------------------------------------
#: backOffPeriod: a pod worker whose sync failed retries after this long.
BACKOFF_PERIOD_MS = 10_000
#: backOffOnTransientErrorPeriod: the retry when the pod network is not ready yet.
BACKOFF_ON_TRANSIENT_ERROR_MS = 1_000
#: initialCrashLoopBackOff / MaxContainerBackOff (flowcontrol.Backoff of the crash loop).
CRASHLOOP_BACKOFF_INITIAL_MS = 10_000
CRASHLOOP_BACKOFF_MAX_MS = 300_000
#: The image back-off: flowcontrol.NewBackOff(backOffPeriod, MaxContainerBackOff).
IMAGE_BACKOFF_INITIAL_MS = 10_000
IMAGE_BACKOFF_MAX_MS = 300_000
#: genericPlegRelistPeriod: the PLEG notices container state changes at most this late.
PLEG_RELIST_PERIOD_MS = 1_000
#: minimumGracePeriodInSeconds (kuberuntime_container.go): StopContainer never gets less than this.
MINIMUM_GRACE_PERIOD_SECONDS = 2

# -- what the node reports (kind/kubeadm values, matching labk8s.cluster.nodes) -------------------------
KUBELET_VERSION = "v1.37.1"
CONTAINER_RUNTIME_VERSION = "containerd://2.2.0"
OS_IMAGE = "Debian GNU/Linux 12 (bookworm)"
KERNEL_VERSION = "6.12.0-labk8s"
ARCHITECTURE = "amd64"
OPERATING_SYSTEM = "linux"
DEFAULT_EPHEMERAL_STORAGE = "100Gi"
CONTROL_PLANE_TAINT: Obj = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}


@dataclass
class KubeletConfig:
    """The kubelet's flags and KubeletConfiguration, reduced to what the simulation uses.

    ``reserved`` is kubeReserved + systemReserved + evictionHard summed per resource (kind reserves
    nothing, so allocatable equals capacity). ``static_pods`` are pod manifests as found in
    /etc/kubernetes/manifests (their name gets ``-<node>`` appended, as the file source does).
    ``pod_cidr`` stands in for the node IPAM controller: when set, registration writes spec.podCIDR.
    """

    node_name: str
    node_ip: str = "172.18.0.3"
    cpu: str = "4"
    memory: str = "16Gi"
    pods: int = MAX_PODS
    ephemeral_storage: str = DEFAULT_EPHEMERAL_STORAGE
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[Obj] = field(default_factory=list)
    zone: str | None = None
    control_plane: bool = False
    pod_cidr: str | None = None
    reserved: dict[str, str] = field(default_factory=dict)
    static_pods: list[Obj] = field(default_factory=list)
    node_status_update_frequency_ms: int = NODE_STATUS_UPDATE_FREQUENCY_MS
    node_status_report_frequency_ms: int = NODE_STATUS_REPORT_FREQUENCY_MS
    node_lease_duration_seconds: int = NODE_LEASE_DURATION_SECONDS
    sync_frequency_ms: int = SYNC_FREQUENCY_MS
    serialize_image_pulls: bool = SERIALIZE_IMAGE_PULLS
    kubelet_version: str = KUBELET_VERSION
    container_runtime_version: str = CONTAINER_RUNTIME_VERSION

    @property
    def lease_renew_interval_ms(self) -> int:
        return int(self.node_lease_duration_seconds * 1000 * NODE_LEASE_RENEW_INTERVAL_FRACTION)

    def node_labels(self) -> dict[str, str]:
        """The labels the kubelet registers with (initialNode), kubeadm's role labels, then the user's."""
        labels = {
            "beta.kubernetes.io/arch": ARCHITECTURE,
            "beta.kubernetes.io/os": OPERATING_SYSTEM,
            "kubernetes.io/arch": ARCHITECTURE,
            "kubernetes.io/hostname": self.node_name,
            "kubernetes.io/os": OPERATING_SYSTEM,
        }
        if self.control_plane:
            labels["node-role.kubernetes.io/control-plane"] = ""
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        if self.zone:
            labels["topology.kubernetes.io/zone"] = self.zone
        labels.update(self.labels)
        return labels

    def node_taints(self) -> list[Obj]:
        """registerWithTaints: the configured taints; kubeadm taints the control plane."""
        taints = [dict(t) for t in self.taints]
        if self.control_plane and not any(t.get("key") == CONTROL_PLANE_TAINT["key"] for t in taints):
            taints.insert(0, dict(CONTROL_PLANE_TAINT))
        return taints
