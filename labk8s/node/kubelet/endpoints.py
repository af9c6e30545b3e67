"""What answers on a container's ports: the model behind httpGet, tcpSocket and grpc probes and hooks.

A port of a running container answers when

1. the container runs its image's own server (no ``command``, or a command whose program is the
   server's binary) and the image serves that port (:data:`SERVED_PORTS`), or
2. the container declares the port in ``ports`` (whatever the command is, it is assumed to listen there).

Otherwise the connection is refused. An answering HTTP port returns 200 for every path, except the
images below whose health endpoints behave as documented: ``liveness`` (the docs' http-liveness example
server, also ``agnhost liveness``) answers ``/healthz`` with 200 for the first 10 seconds after the
container started and 500 afterwards. An answering gRPC port reports SERVING.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labk8s._sim.clock import parse_rfc3339
from labk8s.node.runtime.shell.images import image_repo

if TYPE_CHECKING:
    from labk8s.node.kubelet.kubelet import Kubelet

Obj = dict[str, Any]

#: image repository -> (server binaries, {port: protocol}).
SERVED_PORTS: dict[str, tuple[tuple[str, ...], dict[int, str]]] = {
    "nginx": (("nginx", "/docker-entrypoint.sh"), {80: "http"}),
    "nginx-slim": (("nginx",), {80: "http"}),
    "httpd": (("httpd", "httpd-foreground"), {80: "http"}),
    "hpa-example": (("apache2-foreground", "apache2"), {80: "http"}),
    "php": (("apache2-foreground",), {80: "http"}),
    "wordpress": (("apache2-foreground", "docker-entrypoint.sh"), {80: "http"}),
    "redis": (("redis-server", "docker-entrypoint.sh"), {6379: "tcp"}),
    "mysql": (("mysqld", "docker-entrypoint.sh"), {3306: "tcp", 33060: "tcp"}),
    "postgres": (("postgres", "docker-entrypoint.sh"), {5432: "tcp"}),
    "mongo": (("mongod", "docker-entrypoint.sh"), {27017: "tcp"}),
    "memcached": (("memcached", "docker-entrypoint.sh"), {11211: "tcp"}),
    "rabbitmq": (("rabbitmq-server", "docker-entrypoint.sh"), {5672: "tcp", 15672: "http"}),
    "registry": (("registry",), {5000: "http"}),
    "etcd": (("etcd",), {2379: "grpc", 2380: "tcp", 2381: "http"}),
    "goproxy": (("goproxy",), {8080: "http"}),
    "liveness": (("server", "/server"), {8080: "http"}),
    "hello-app": (("hello-app",), {8080: "http"}),
    "coredns": (("coredns", "/coredns"), {53: "tcp", 8080: "http", 8181: "http", 9153: "http"}),
    "metrics-server": (("metrics-server", "/metrics-server"), {10250: "http"}),
    "kube-apiserver": (("kube-apiserver",), {6443: "http"}),
    "kube-controller-manager": (("kube-controller-manager",), {10257: "http"}),
    "kube-scheduler": (("kube-scheduler",), {10259: "http"}),
    "kube-proxy": (("kube-proxy", "/usr/local/bin/kube-proxy"), {10249: "http", 10256: "http"}),
}
#: agnhost subcommand -> ports it serves.
AGNHOST: dict[str, dict[int, str]] = {"netexec": {8080: "http", 8081: "tcp"}, "serve-hostname": {9376: "http"},
                                      "liveness": {8080: "http"}, "test-webserver": {80: "http"},
                                      "porter": {}, "pause": {}}
#: How long the liveness example server stays healthy after it started.
LIVENESS_HEALTHY_MS = 10_000


def _served(container: Obj, image: str) -> dict[int, str]:
    repo = image_repo(image)
    command = container.get("command") or []
    args = container.get("args") or []
    if repo == "agnhost":
        argv = list(command[1:] if command else []) + list(args)
        return dict(AGNHOST.get(argv[0] if argv else "", {}))
    entry = SERVED_PORTS.get(repo)
    if entry is None:
        return {}
    binaries, ports = entry
    if command and command[0].rsplit("/", 1)[-1] not in {b.rsplit("/", 1)[-1] for b in binaries}:
        return {}
    return dict(ports)


def _resolve_port(container: Obj, port: Any) -> tuple[int | None, str]:
    if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
        return int(port), ""
    for p in container.get("ports") or []:
        if p.get("name") == port:
            return int(p["containerPort"]), ""
    return None, f"port {port} not found"


def answers(kl: Kubelet, pod: Obj, container: Obj, cs: Obj, port: int) -> str | None:
    """The protocol served on ``port`` ("http", "tcp", "grpc"), or None when nothing listens."""
    if "running" not in (cs.get("state") or {}):
        return None
    served = _served(container, container.get("image", ""))
    if port in served:
        return served[port]
    if any(int(p.get("containerPort", 0)) == port for p in container.get("ports") or []):
        return "http"
    return None


def _liveness_image(container: Obj) -> bool:
    repo = image_repo(container.get("image", ""))
    if repo == "liveness":
        return True
    argv = list((container.get("command") or [])[1:]) + list(container.get("args") or [])
    return repo == "agnhost" and bool(argv) and argv[0] == "liveness"


def http_probe(kl: Kubelet, pod: Obj, container: Obj, cs: Obj, action: Obj, ip: str,
               timeout_s: int) -> tuple[bool, str]:
    port, err = _resolve_port(container, action.get("port"))
    if port is None:
        return False, err
    scheme = str(action.get("scheme") or "HTTP").lower()
    host = action.get("host") or ip
    path = action.get("path") or "/"
    if not path.startswith("/"):
        path = "/" + path
    url = f"{scheme}://{host}:{port}{path}"
    if answers(kl, pod, container, cs, port) is None:
        return False, f'Get "{url}": dial tcp {host}:{port}: connect: connection refused'
    if _liveness_image(container) and path.startswith("/healthz"):
        started = parse_rfc3339((cs["state"]["running"] or {}).get("startedAt") or "") \
            if (cs["state"]["running"] or {}).get("startedAt") else kl.now_ms()
        if kl.now_ms() - started > LIVENESS_HEALTHY_MS:
            return False, "HTTP probe failed with statuscode: 500"
    return True, ""


def tcp_probe(kl: Kubelet, pod: Obj, container: Obj, cs: Obj, action: Obj, ip: str,
              timeout_s: int) -> tuple[bool, str]:
    port, err = _resolve_port(container, action.get("port"))
    if port is None:
        return False, err
    host = action.get("host") or ip
    if answers(kl, pod, container, cs, port) is None:
        return False, f"dial tcp {host}:{port}: connect: connection refused"
    return True, ""


def grpc_probe(kl: Kubelet, pod: Obj, container: Obj, cs: Obj, action: Obj, ip: str,
               timeout_s: int) -> tuple[bool, str]:
    port = int(action.get("port", 0))
    if answers(kl, pod, container, cs, port) is None:
        return False, f'failed to connect service "{ip}:{port}" within {timeout_s}s: context deadline exceeded'
    return True, ""
