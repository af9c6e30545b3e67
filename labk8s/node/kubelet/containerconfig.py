"""CRI configs for a pod's sandbox and containers (generatePodSandboxConfig, generateContainerConfig).

The container environment follows makeEnvironmentVariables: service links first (when
``enableServiceLinks`` is not false; the ``kubernetes`` Service's variables always), then ``envFrom``
sources in order, then ``env`` entries in order with ``$(VAR)`` references expanded against what is
defined so far; values from ConfigMaps, Secrets, the downward API (``fieldRef``) and
``resourceFieldRef``. ``command`` and ``args`` get the same ``$(VAR)`` expansion
(ExpandContainerCommandAndArgs). A missing ConfigMap or key that is not optional is a
CreateContainerConfigError with the kubelet's message.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from labk8s.api.quantity import Quantity
from labk8s.client.client import Client
from labk8s.errors import ApiError
from labk8s.node.runtime.containers import (
    ContainerConfig,
    LinuxContainerResources,
    Mount,
    PodSandboxConfig,
    PortMapping,
)
from labk8s.node.runtime.shell.filesystem import Filesystem

Obj = dict[str, Any]


class ConfigError(Exception):
    """CreateContainerConfigError: ``str()`` is the kubelet's message."""


def container_hash(container: Obj) -> str:
    """HashContainer: a stable digest of the container spec (its definition changing restarts it)."""
    spec = {k: v for k, v in container.items() if k != "resources"}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:8]


def log_directory(pod: Obj) -> str:
    meta = pod["metadata"]
    return f"/var/log/pods/{meta.get('namespace', '')}_{meta['name']}_{meta.get('uid', '')}"


def sandbox_config(pod: Obj, attempt: int) -> PodSandboxConfig:
    """generatePodSandboxConfig."""
    meta = pod["metadata"]
    spec = pod.get("spec") or {}
    hostname = spec.get("hostname") or meta["name"]
    if len(hostname) > 63:
        hostname = hostname[:63].rstrip("-.")
    ports = []
    for c in spec.get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                ports.append(PortMapping(container_port=int(p["containerPort"]), host_port=int(p["hostPort"]),
                                         protocol=p.get("protocol", "TCP"), host_ip=p.get("hostIP", "")))
    labels = dict(meta.get("labels") or {})
    labels.update({"io.kubernetes.pod.name": meta["name"], "io.kubernetes.pod.namespace": meta.get("namespace", ""),
                   "io.kubernetes.pod.uid": meta.get("uid", "")})
    return PodSandboxConfig(name=meta["name"], namespace=meta.get("namespace", ""), uid=meta.get("uid", ""),
                            attempt=attempt, hostname="" if spec.get("hostNetwork") else hostname,
                            log_directory=log_directory(pod), labels=labels,
                            annotations=dict(meta.get("annotations") or {}), port_mappings=ports,
                            host_network=bool(spec.get("hostNetwork")))


_VAR = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)|\$\$")


def expand(text: str, env: dict[str, str]) -> str:
    """third_party/forked/golang/expansion: $(VAR) from ``env``, $$ escapes, unknown refs kept."""
    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group(1)
        return env[name] if name in env else m.group(0)
    return _VAR.sub(sub, text)


def _field_ref(pod: Obj, path: str, host_ip: str, pod_ip: str) -> str:
    meta = pod["metadata"]
    spec = pod.get("spec") or {}
    simple = {"metadata.name": meta["name"], "metadata.namespace": meta.get("namespace", ""),
              "metadata.uid": meta.get("uid", ""), "spec.nodeName": spec.get("nodeName", ""),
              "spec.serviceAccountName": spec.get("serviceAccountName", ""), "status.hostIP": host_ip,
              "status.hostIPs": host_ip, "status.podIP": pod_ip, "status.podIPs": pod_ip}
    if path in simple:
        return simple[path]
    m = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if m:
        return str((meta.get(m.group(1)) or {}).get(m.group(2), ""))
    return ""


def _resource_ref(container: Obj, ref: Obj, node_alloc: Obj) -> str:
    resource = ref.get("resource", "")
    kind, _, name = resource.partition(".")
    res = (container.get("resources") or {}).get(kind) or {}
    value = res.get(name)
    if value is None and kind == "limits":
        value = node_alloc.get(name)  # unset limits report the node's allocatable
    if value is None:
        return "0"
    divisor = Quantity(ref.get("divisor") or "1")
    q = Quantity(str(value))
    if name == "cpu":
        m = q.milli_value()
        d = divisor.milli_value() or 1
        return str(-(-m // d))
    v = q.value()
    d = divisor.value() or 1
    return str(-(-v // d))


def service_env(services: list[Obj], namespace: str) -> dict[str, str]:
    """getServiceEnvVarMap: {NAME}_SERVICE_HOST/PORT and the docker-link variables of each Service."""
    env: dict[str, str] = {}
    for svc in sorted(services, key=lambda s: s["metadata"]["name"]):
        spec = svc.get("spec") or {}
        ip = spec.get("clusterIP")
        if not ip or ip == "None":
            continue
        name = svc["metadata"]["name"].upper().replace("-", "_")
        ports = spec.get("ports") or []
        env[f"{name}_SERVICE_HOST"] = ip
        if ports:
            env[f"{name}_SERVICE_PORT"] = str(ports[0]["port"])
        for p in ports:
            if p.get("name"):
                env[f"{name}_SERVICE_PORT_{p['name'].upper().replace('-', '_')}"] = str(p["port"])
        if ports:
            first = ports[0]
            env[f"{name}_PORT"] = f"{first.get('protocol', 'TCP').lower()}://{ip}:{first['port']}"
        for p in ports:
            proto = p.get("protocol", "TCP")
            prefix = f"{name}_PORT_{p['port']}_{proto}"
            env[prefix] = f"{proto.lower()}://{ip}:{p['port']}"
            env[f"{prefix}_PROTO"] = proto.lower()
            env[f"{prefix}_PORT"] = str(p["port"])
            env[f"{prefix}_ADDR"] = ip
    return env


def make_env(client: Client, pod: Obj, container: Obj, host_ip: str, pod_ip: str, node_alloc: Obj,
             services: list[Obj]) -> list[tuple[str, str]]:
    """makeEnvironmentVariables: the container's env in order (raises ConfigError)."""
    ns = pod["metadata"].get("namespace", "default")
    spec = pod.get("spec") or {}
    env: dict[str, str] = {}
    if spec.get("enableServiceLinks", True) is not False:
        env.update(service_env(services, ns))
    else:
        env.update(service_env([s for s in services if s["metadata"]["name"] == "kubernetes"
                                and s["metadata"].get("namespace") == "default"], ns))
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix", "")
        for kind, key in (("configmaps", "configMapRef"), ("secrets", "secretRef")):
            ref = source.get(key)
            if ref is None:
                continue
            data = _lookup(client, kind, ns, ref.get("name", ""), bool(ref.get("optional"))) or {}
            for k in sorted(data):
                env[prefix + k] = data[k]
    for var in container.get("env") or []:
        name = var["name"]
        if "valueFrom" not in var:
            env[name] = expand(str(var.get("value", "")), env)
            continue
        src = var["valueFrom"]
        if "fieldRef" in src:
            env[name] = _field_ref(pod, src["fieldRef"].get("fieldPath", ""), host_ip, pod_ip)
        elif "resourceFieldRef" in src:
            target = container
            if src["resourceFieldRef"].get("containerName"):
                target = next((c for c in spec.get("containers") or []
                               if c["name"] == src["resourceFieldRef"]["containerName"]), container)
            env[name] = _resource_ref(target, src["resourceFieldRef"], node_alloc)
        else:
            for kind, key, what in (("configmaps", "configMapKeyRef", "ConfigMap"),
                                    ("secrets", "secretKeyRef", "Secret")):
                ref = src.get(key)
                if ref is None:
                    continue
                optional = bool(ref.get("optional"))
                values = _lookup(client, kind, ns, ref.get("name", ""), optional)
                if values is None:
                    break
                if ref.get("key") not in values:
                    if optional:
                        break
                    raise ConfigError(f"couldn't find key {ref.get('key')} in {what} {ns}/{ref.get('name', '')}")
                env[name] = values[ref["key"]]
    return list(env.items())


def _lookup(client: Client, kind: str, ns: str, name: str, optional: bool) -> dict[str, str] | None:
    rt = client.resolve(kind)
    try:
        obj = client.get(rt, ns, name)
    except ApiError as err:
        if err.reason == "NotFound":
            if optional:
                return None
            raise ConfigError(f'{"configmap" if kind == "configmaps" else "secret"} "{name}" not found') from None
        raise
    if kind == "secrets":
        return {k: base64.b64decode(v).decode("utf-8", errors="replace") for k, v in (obj.get("data") or {}).items()}
    data = dict(obj.get("data") or {})
    for k, v in (obj.get("binaryData") or {}).items():
        data.setdefault(k, base64.b64decode(v).decode("utf-8", errors="replace"))
    return data


#: pkg/kubelet/cm: cpu.shares bounds and per-CPU value, and the CFS period (100 ms) with its minimum quota.
MIN_SHARES = 2
MAX_SHARES = 262144
SHARES_PER_CPU = 1024
QUOTA_PERIOD_US = 100_000
MIN_QUOTA_PERIOD_US = 1000


def milli_cpu_to_shares(milli_cpu: int) -> int:
    """cm.MilliCPUToShares."""
    if milli_cpu == 0:
        return MIN_SHARES
    return max(MIN_SHARES, min(MAX_SHARES, milli_cpu * SHARES_PER_CPU // 1000))


def milli_cpu_to_quota(milli_cpu: int, period: int) -> int:
    """milliCPUToQuota: 0 (no quota) without a limit, else at least MIN_QUOTA_PERIOD_US."""
    if milli_cpu == 0:
        return 0
    return max(MIN_QUOTA_PERIOD_US, milli_cpu * period // 1000)


def linux_container_resources(container: Obj) -> LinuxContainerResources:
    """generateLinuxContainerResources / calculateLinuxResources (cgroup v2, CFS quota on, the default
    singleProcessOOMKill false): CPU shares from the request (from the limit when no request is given),
    the CFS quota from the limit, memory.max from the memory limit, memory.oom.group set."""
    res = container.get("resources") or {}
    requests, limits = res.get("requests") or {}, res.get("limits") or {}

    def milli(d: Obj) -> int:
        return Quantity(str(d["cpu"])).milli_value() if "cpu" in d else 0

    cpu_limit = milli(limits)
    shares = milli_cpu_to_shares(cpu_limit if "cpu" not in requests and "cpu" in limits else milli(requests))
    memory = Quantity(str(limits["memory"])).value() if "memory" in limits else 0
    return LinuxContainerResources(cpu_period=QUOTA_PERIOD_US, cpu_quota=milli_cpu_to_quota(cpu_limit, QUOTA_PERIOD_US),
                                   cpu_shares=shares, memory_limit_in_bytes=memory,
                                   unified={"memory.oom.group": "1"})


def container_config(pod: Obj, container: Obj, attempt: int, image_ref: str, env: list[tuple[str, str]],
                     mounts: list[Mount]) -> ContainerConfig:
    """generateContainerConfig."""
    meta = pod["metadata"]
    env_map = dict(env)
    command = [expand(str(a), env_map) for a in container.get("command") or []] or None
    args = [expand(str(a), env_map) for a in container.get("args") or []] or None
    security = container.get("securityContext") or {}
    return ContainerConfig(
        name=container["name"], image=image_ref, command=command, args=args, env=env_map,
        working_dir=container.get("workingDir", ""), mounts=mounts, attempt=attempt,
        labels={"io.kubernetes.container.name": container["name"], "io.kubernetes.pod.name": meta["name"],
                "io.kubernetes.pod.namespace": meta.get("namespace", ""),
                "io.kubernetes.pod.uid": meta.get("uid", "")},
        annotations={
            "io.kubernetes.container.hash": container_hash(container),
            "io.kubernetes.container.restartCount": str(attempt),
            "io.kubernetes.container.terminationMessagePath": container.get("terminationMessagePath",
                                                                            "/dev/termination-log"),
            "io.kubernetes.container.terminationMessagePolicy": container.get("terminationMessagePolicy", "File"),
            "io.kubernetes.pod.terminationGracePeriod": str((pod.get("spec") or {}).get(
                "terminationGracePeriodSeconds", 30)),
        },
        log_path=f"{container['name']}/{attempt}.log", stdin=bool(container.get("stdin")),
        tty=bool(container.get("tty")), stop_signal=((container.get("lifecycle") or {}).get("stopSignal") or ""),
        read_only_root_filesystem=bool(security.get("readOnlyRootFilesystem")),
        resources=linux_container_resources(container))


def container_mounts(container: Obj, volumes: dict[str, tuple[Filesystem, str]]) -> list[Mount]:
    """makeMounts: each volumeMount of the container onto its volume (subPath inside it)."""
    mounts = []
    for vm in container.get("volumeMounts") or []:
        found = volumes.get(vm.get("name", ""))
        if found is None:
            continue
        fs, base = found
        sub = "/".join(p for p in (base.strip("/"), str(vm.get("subPath") or "").strip("/")) if p)
        mounts.append(Mount(container_path=vm.get("mountPath", "/"), fs=fs, sub_path=("/" + sub) if sub else "",
                            read_only=bool(vm.get("readOnly"))))
    return mounts
