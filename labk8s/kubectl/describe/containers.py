"""Container sections of describe: describeContainers with ports, command, state, resources,
probes (DescribeProbe), environment (with kubectl's EnvValueRetriever) and mounts."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from labk8s.kubectl.describe._gosort import go_sort
from labk8s.kubectl.describe._quantity import ZERO, Quantity, parse_or_zero
from labk8s.kubectl.describe._timefmt import rfc1123z
from labk8s.kubectl.describe.common import g, go_v, print_bool, string_or_none
from labk8s.kubectl.describe.writer import LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter

EnvResolver = Callable[[Mapping[str, Any]], str]


def env_value_retriever(pod: Mapping[str, Any]) -> EnvResolver:
    """EnvValueRetriever: kubectl's scheme converts only ``metadata.name``/``metadata.namespace``
    field labels for pods, so every other fieldRef (``spec.nodeName``, ``status.podIP``, labels...)
    resolves to the empty string, exactly as real kubectl shows it."""

    def resolve(env: Mapping[str, Any]) -> str:
        ref = g(env, "valueFrom", "fieldRef", default={})
        api_version = str(ref.get("apiVersion") or "")
        if api_version.count("/") > 1:
            return ""
        path = ref.get("fieldPath", "")
        if path == "metadata.name":
            return str(g(pod, "metadata", "name", default=""))
        if path == "metadata.namespace":
            return str(g(pod, "metadata", "namespace", default=""))
        return ""

    return resolve


def describe_resources(resources: Mapping[str, Any] | None, w: PrefixWriter, level: int) -> None:
    """describeResources: Limits then Requests, resource names sorted."""
    if resources is None:
        return
    limits = resources.get("limits") or {}
    requests = resources.get("requests") or {}
    if limits:
        w.write(level, "Limits:\n")
    for name in sorted(limits):
        w.write(level + 1, f"{name}:\t{parse_or_zero(limits[name]).string()}\n")
    if requests:
        w.write(level, "Requests:\n")
    for name in sorted(requests):
        w.write(level + 1, f"{name}:\t{parse_or_zero(requests[name]).string()}\n")


def _port_list(ports: list[Mapping[str, Any]], field: str) -> str:
    out = []
    for port in ports:
        text = f"{int(port.get(field) or 0)}/{port.get('protocol') or ''}"
        if port.get("name"):
            text = f"{text} ({port['name']})"
        out.append(text)
    return ", ".join(out)


def _int_or_string(value: Any) -> str:
    return "" if value is None else str(value)


def _join_host_port(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def describe_probe(probe: Mapping[str, Any]) -> str:
    """DescribeProbe."""
    attrs = (
        f"delay={int(probe.get('initialDelaySeconds') or 0)}s timeout={int(probe.get('timeoutSeconds') or 0)}s "
        f"period={int(probe.get('periodSeconds') or 0)}s #success={int(probe.get('successThreshold') or 0)} "
        f"#failure={int(probe.get('failureThreshold') or 0)}"
    )
    if probe.get("exec") is not None:
        return f"exec {go_v(list(probe['exec'].get('command') or []))} {attrs}"
    if probe.get("httpGet") is not None:
        http = probe["httpGet"]
        scheme = str(http.get("scheme") or "").lower()
        port = _int_or_string(http.get("port"))
        host = str(http.get("host") or "")
        host = _join_host_port(host, port) if port else host
        path = str(http.get("path") or "")
        url = f"{scheme}:" if scheme else ""
        if scheme or host:
            if host or path:
                url += "//"
            url += host
        if path and not path.startswith("/") and host:
            url += "/"
        url += path
        return f"http-get {url} {attrs}"
    if probe.get("tcpSocket") is not None:
        tcp = probe["tcpSocket"]
        return f"tcp-socket {tcp.get('host') or ''}:{_int_or_string(tcp.get('port'))} {attrs}"
    if probe.get("grpc") is not None:
        grpc = probe["grpc"]
        return f"grpc <pod>:{int(grpc.get('port') or 0)} {grpc.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _describe_status(state_name: str, state: Mapping[str, Any] | None, w: PrefixWriter) -> None:
    state = state or {}
    if state.get("running") is not None:
        w.write(LEVEL_2, f"{state_name}:\tRunning\n")
        w.write(LEVEL_3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(LEVEL_2, f"{state_name}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(LEVEL_3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        term = state["terminated"]
        w.write(LEVEL_2, f"{state_name}:\tTerminated\n")
        if term.get("reason"):
            w.write(LEVEL_3, f"Reason:\t{term['reason']}\n")
        if term.get("message"):
            w.write(LEVEL_3, f"Message:\t{term['message']}\n")
        w.write(LEVEL_3, f"Exit Code:\t{int(term.get('exitCode') or 0)}\n")
        if int(term.get("signal") or 0) > 0:
            w.write(LEVEL_3, f"Signal:\t{int(term['signal'])}\n")
        w.write(LEVEL_3, f"Started:\t{rfc1123z(term.get('startedAt'))}\n")
        w.write(LEVEL_3, f"Finished:\t{rfc1123z(term.get('finishedAt'))}\n")
    else:
        w.write(LEVEL_2, f"{state_name}:\tWaiting\n")


def _container_state(status: Mapping[str, Any], w: PrefixWriter) -> None:
    _describe_status("State", status.get("state"), w)
    if g(status, "lastState", "terminated") is not None:
        _describe_status("Last State", status.get("lastState"), w)
    w.write(LEVEL_2, f"Ready:\t{print_bool(status.get('ready'))}\n")
    w.write(LEVEL_2, f"Restart Count:\t{int(status.get('restartCount') or 0)}\n")


def _quantity_of(resources: Mapping[str, Any], name: str) -> Quantity:
    return parse_or_zero(resources.get(name)) if name in resources else ZERO


def _ceil_ratio(numerator: int, denominator: int) -> str:
    if denominator == 0:
        return "0"
    return str(math.ceil(Fraction(numerator, denominator)))


def container_resource_value(ref: Mapping[str, Any], container: Mapping[str, Any]) -> str | None:
    """ExtractContainerResourceValue; None where kubectl gets an error (unsupported resource)."""
    divisor = parse_or_zero(ref.get("divisor"))
    if divisor.is_zero():
        divisor = parse_or_zero("1")
    resource = str(ref.get("resource") or "")
    kind, _, name = resource.partition(".")
    if kind not in ("limits", "requests"):
        return None
    values = g(container, "resources", kind, default={})
    if name == "cpu":
        return _ceil_ratio(_quantity_of(values, "cpu").milli_value(), divisor.milli_value())
    if name in ("memory", "ephemeral-storage") or name.startswith("hugepages-"):
        return _ceil_ratio(_quantity_of(values, name).int_value(), divisor.int_value())
    return None


def _describe_env(container: Mapping[str, Any], resolver: EnvResolver | None, w: PrefixWriter) -> None:
    env = container.get("env") or []
    w.write(LEVEL_2, "Environment:" + ("" if env else "\t<none>") + "\n")
    for e in env:
        name = e.get("name", "")
        value_from = e.get("valueFrom")
        if value_from is None:
            for i, line in enumerate(str(e.get("value") or "").split("\n")):
                w.write(LEVEL_3, f"{name}:\t{line}\n" if i == 0 else f"\t{line}\n")
            continue
        if value_from.get("fieldRef") is not None:
            ref = value_from["fieldRef"]
            resolved = resolver(e) if resolver is not None else ""
            w.write(LEVEL_3, f"{name}:\t{resolved} ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})\n")
        elif value_from.get("resourceFieldRef") is not None:
            ref = value_from["resourceFieldRef"]
            resolved = container_resource_value(ref, container) or ""
            resource = ref.get("resource", "")
            if resolved == "0" and resource in ("limits.cpu", "limits.memory"):
                resolved = "node allocatable"
            w.write(LEVEL_3, f"{name}:\t{resolved} ({resource})\n")
        elif value_from.get("secretKeyRef") is not None:
            ref = value_from["secretKeyRef"]
            optional = "true" if ref.get("optional") else "false"
            w.write(
                LEVEL_3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' in secret '{ref.get('name', '')}'>\tOptional: {optional}\n",
            )
        elif value_from.get("configMapKeyRef") is not None:
            ref = value_from["configMapKeyRef"]
            optional = "true" if ref.get("optional") else "false"
            w.write(
                LEVEL_3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' of config map '{ref.get('name', '')}'>"
                f"\tOptional: {optional}\n",
            )


def _describe_env_from(container: Mapping[str, Any], w: PrefixWriter) -> None:
    sources = container.get("envFrom") or []
    w.write(LEVEL_2, "Environment Variables from:" + ("" if sources else "\t<none>") + "\n")
    for source in sources:
        kind, name, optional = "", "", False
        if source.get("configMapRef") is not None:
            kind, name = "ConfigMap", source["configMapRef"].get("name", "")
            optional = bool(source["configMapRef"].get("optional"))
        elif source.get("secretRef") is not None:
            kind, name = "Secret", source["secretRef"].get("name", "")
            optional = bool(source["secretRef"].get("optional"))
        opt = "true" if optional else "false"
        prefix = source.get("prefix") or ""
        if not prefix:
            w.write(LEVEL_3, f"{name}\t{kind}\tOptional: {opt}\n")
        else:
            w.write(LEVEL_3, f"{name}\t{kind} with prefix '{prefix}'\tOptional: {opt}\n")


def _describe_mounts(container: Mapping[str, Any], w: PrefixWriter) -> None:
    mounts = list(container.get("volumeMounts") or [])
    none = "" if mounts else "\t<none>"
    w.write(LEVEL_2, f"Mounts:{none}\n")
    go_sort(mounts, lambda a, b: str(a.get("mountPath", "")) < str(b.get("mountPath", "")))
    for mount in mounts:
        flags = ["ro" if mount.get("readOnly") else "rw"]
        if mount.get("subPath"):
            flags.append("path=" + json.dumps(mount["subPath"], ensure_ascii=False))
        w.write(LEVEL_3, f"{mount.get('mountPath', '')} from {mount.get('name', '')} ({','.join(flags)})\n")
    devices = list(container.get("volumeDevices") or [])
    if devices:
        # Upstream reuses the Mounts ``none`` marker here.
        w.write(LEVEL_2, f"Devices:{none}\n")
        go_sort(devices, lambda a, b: str(a.get("devicePath", "")) < str(b.get("devicePath", "")))
        for device in devices:
            w.write(LEVEL_3, f"{device.get('devicePath', '')} from {device.get('name', '')}\n")


def _basic_info(container: Mapping[str, Any], status: Mapping[str, Any] | None, space: str, w: PrefixWriter) -> None:
    name_indent = " " if space else ""
    w.write(LEVEL_1, f"{name_indent}{container.get('name', '')}:\n")
    if status is not None:
        w.write(LEVEL_2, f"Container ID:\t{status.get('containerID') or ''}\n")
    w.write(LEVEL_2, f"Image:\t{container.get('image') or ''}\n")
    if status is not None:
        w.write(LEVEL_2, f"Image ID:\t{status.get('imageID') or ''}\n")
    ports = list(container.get("ports") or [])
    port_text = _port_list(ports, "containerPort")
    if "," in port_text:
        w.write(LEVEL_2, f"Ports:\t{port_text}\n")
    else:
        w.write(LEVEL_2, f"Port:\t{string_or_none(port_text)}\n")
    host_text = _port_list(ports, "hostPort")
    if "," in host_text:
        w.write(LEVEL_2, f"Host Ports:\t{host_text}\n")
    else:
        w.write(LEVEL_2, f"Host Port:\t{string_or_none(host_text)}\n")
    seccomp = g(container, "securityContext", "seccompProfile")
    if seccomp is not None:
        w.write(LEVEL_2, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(LEVEL_3, f"LocalhostProfile:\t{seccomp.get('localhostProfile') or ''}\n")


def describe_containers(
    label: str,
    containers: list[Mapping[str, Any]] | None,
    statuses: list[Mapping[str, Any]] | None,
    resolver: EnvResolver | None,
    w: PrefixWriter,
    space: str,
) -> None:
    """describeContainers."""
    containers = containers or []
    by_name = {s.get("name", ""): s for s in statuses or []}
    w.write(LEVEL_0, f"{space}{label}:{' <none>' if not containers else ''}\n")
    for container in containers:
        status = by_name.get(container.get("name", ""))
        _basic_info(container, status, space, w)
        for key, title in (("command", "Command"), ("args", "Args")):
            if container.get(key):
                w.write(LEVEL_2, f"{title}:\n")
                for item in container[key]:
                    for line in str(item).split("\n"):
                        w.write(LEVEL_3, f"{line}\n")
        if status is not None:
            _container_state(status, w)
        describe_resources(container.get("resources") or {}, w, LEVEL_2)
        for key, title in (("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"), ("startupProbe", "Startup")):
            if container.get(key) is not None:
                w.write(LEVEL_2, f"{title}:\t{describe_probe(container[key])}\n")
        if container.get("envFrom"):
            _describe_env_from(container, w)
        _describe_env(container, resolver, w)
        _describe_mounts(container, w)
