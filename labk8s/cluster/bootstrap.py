"""What kubeadm leaves behind on a new cluster: system namespaces, the control-plane node's static pods
(as mirror pods), the `kubernetes` Service with its endpoints, and the default StorageClass.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
KUBERNETES_SERVICE_IP = "10.96.0.1"
KUBE_DNS_SERVICE_IP = "10.96.0.10"
APISERVER_PORT = 6443
IMAGES = {
    "etcd": "registry.k8s.io/etcd:3.6.6-0",
    "kube-apiserver": "registry.k8s.io/kube-apiserver:v1.37.1",
    "kube-controller-manager": "registry.k8s.io/kube-controller-manager:v1.37.1",
    "kube-scheduler": "registry.k8s.io/kube-scheduler:v1.37.1",
}
#: Resource requests kubeadm writes into the static pod manifests.
_REQUESTS = {"etcd": {"cpu": "100m", "memory": "100Mi"}, "kube-apiserver": {"cpu": "250m"},
             "kube-controller-manager": {"cpu": "200m"}, "kube-scheduler": {"cpu": "100m"}}


def namespace(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


CONTROL_PLANE_COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")


def static_pod_manifest(component: str) -> Obj:
    """The manifest kubeadm writes to /etc/kubernetes/manifests/<component>.yaml; the control-plane
    kubelet runs it and posts its mirror pod `<component>-control-plane`."""
    container: Obj = {"name": component, "image": IMAGES[component], "imagePullPolicy": "IfNotPresent",
                      "resources": {"requests": dict(_REQUESTS[component])}}
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": component, "namespace": "kube-system",
                     "labels": {"component": component, "tier": "control-plane"}},
        "spec": {"containers": [container], "hostNetwork": True,
                 "priorityClassName": "system-node-critical", "priority": 2000001000,
                 "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                 "tolerations": [{"effect": "NoExecute", "operator": "Exists"}]},
    }


def kubernetes_service() -> Obj:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"clusterIP": KUBERNETES_SERVICE_IP, "clusterIPs": [KUBERNETES_SERVICE_IP],
                     "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                     "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": APISERVER_PORT}],
                     "sessionAffinity": "None", "type": "ClusterIP"}}


def kubernetes_endpoints(control_plane_ip: str) -> list[Obj]:
    """The endpoints the API server reconciles for itself (Endpoints and its mirrored EndpointSlice)."""
    endpoints = {"apiVersion": "v1", "kind": "Endpoints",
                 "metadata": {"name": "kubernetes", "namespace": "default",
                              "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
                 "subsets": [{"addresses": [{"ip": control_plane_ip}],
                              "ports": [{"name": "https", "port": APISERVER_PORT, "protocol": "TCP"}]}]}
    slice_ = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
              "metadata": {"name": "kubernetes", "namespace": "default",
                           "labels": {"kubernetes.io/service-name": "kubernetes"}},
              "addressType": "IPv4",
              "endpoints": [{"addresses": [control_plane_ip], "conditions": {"ready": True}}],
              "ports": [{"name": "https", "port": APISERVER_PORT, "protocol": "TCP"}]}
    return [endpoints, slice_]


def kube_dns_service() -> Obj:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kube-dns", "namespace": "kube-system",
                         "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                    "kubernetes.io/name": "CoreDNS"},
                         "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
            "spec": {"clusterIP": KUBE_DNS_SERVICE_IP, "clusterIPs": [KUBE_DNS_SERVICE_IP],
                     "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                     "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                               {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                               {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}],
                     "selector": {"k8s-app": "kube-dns"}, "sessionAffinity": "None", "type": "ClusterIP"}}


def default_storage_class() -> Obj:
    """kind's default class: the local-path provisioner, binding when a pod first uses the claim."""
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "standard",
                         "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer"}
