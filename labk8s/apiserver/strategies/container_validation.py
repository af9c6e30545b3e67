"""Container validation (validateContainers / validateInitContainers / validateContainerCommon and the
probe, port, env, mount and resource checks they call), pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

import re
from typing import Any

from labk8s.api.validation import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    name_is_dns_subdomain,
)
from labk8s.apiserver.strategies import _quantities as q
from labk8s.apiserver.strategies._errors import (
    MAX_INT32,
    Errs,
    go_json,
    inclusive_range,
    invalid_rendered,
    nonnegative,
    port_name_errors,
    port_num_errors,
    port_num_or_name,
)
from labk8s.apiserver.strategies._resources import (
    is_hugepages,
    overcommit_allowed,
    validate_container_resource_name,
    validate_quantity_value,
)
from labk8s.errors import FieldError

Obj = dict[str, Any]

_PROTOCOLS = ("SCTP", "TCP", "UDP")
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
_TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
_HTTP_SCHEMES = ("HTTP", "HTTPS")
_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc", "sleep")
_ENV_FIELD_PATHS = (
    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
)
_ENV_RESOURCES = (
    "limits.cpu", "limits.ephemeral-storage", "limits.memory",
    "requests.cpu", "requests.ephemeral-storage", "requests.memory",
)
_ENV_NAME_MSG = "a valid environment variable name must consist only of printable ASCII characters other than '='"
_UID_RANGE = inclusive_range(0, MAX_INT32)
_SUPPORTED_PROPAGATIONS = ("Bidirectional", "HostToContainer", "None")
_SUPPORTED_RRO = ("Disabled", "Enabled", "IfPossible")


_dns_label_cache: dict[str, tuple[str, ...]] = {}


def dns_label_errors(value: str) -> tuple[str, ...]:
    """is_dns1123_label, cached (container and volume names repeat across pods)."""
    msgs = _dns_label_cache.get(value)
    if msgs is None:
        if len(_dns_label_cache) > 8192:
            _dns_label_cache.clear()
        msgs = _dns_label_cache[value] = tuple(is_dns1123_label(value))
    return msgs


def _handler(h: Obj, grace: Any, path: str, errs: Errs, kinds: tuple[str, ...]) -> None:
    """validateHandler: exactly one handler type."""
    n = 0
    for kind in kinds:
        v = h.get(kind)
        if v is None:
            continue
        hp = f"{path}.{kind}"
        if n > 0:
            errs.append(FieldError.forbidden(hp, "may not specify more than 1 handler type"))
            continue
        n += 1
        if not isinstance(v, dict):
            continue
        if kind == "exec":
            if not v.get("command"):
                errs.append(FieldError.required(f"{hp}.command"))
        elif kind == "httpGet":
            if not v.get("path"):
                errs.append(FieldError.required(f"{hp}.path"))
            port_num_or_name(v.get("port", 0), f"{hp}.port", errs)
            scheme = v.get("scheme", "")
            if scheme not in _HTTP_SCHEMES:
                errs.append(FieldError.not_supported(f"{hp}.scheme", scheme, _HTTP_SCHEMES))
        elif kind == "tcpSocket":
            port_num_or_name(v.get("port", 0), f"{hp}.port", errs)
        elif kind == "grpc":
            port_num_or_name(int(v.get("port") or 0), f"{hp}.port", errs)
        elif kind == "sleep":
            secs = v.get("seconds", 0)
            if isinstance(grace, int) and (secs < 0 or secs > grace):
                errs.append(FieldError.invalid(
                    hp, secs, f"must be non-negative and less than terminationGracePeriodSeconds ({grace})"))
    if n == 0:
        errs.append(FieldError.required(path, "must specify a handler type"))


_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def _probe(p: Any, grace: Any, path: str, errs: Errs, kind: str) -> None:
    if not isinstance(p, dict):
        return
    _handler(p, grace, path, errs, _PROBE_HANDLERS)
    for f in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        v = p.get(f)
        if v is not None and v < 0:
            nonnegative(v, f"{path}.{f}", errs)
    tgp = p.get("terminationGracePeriodSeconds")
    if tgp is not None and tgp <= 0:
        errs.append(FieldError.invalid(f"{path}.terminationGracePeriodSeconds", tgp, "must be greater than 0"))
    if kind == "readiness":
        if tgp is not None:
            errs.append(FieldError.invalid(f"{path}.terminationGracePeriodSeconds", tgp,
                                           "must not be set for readinessProbes"))
    elif p.get("successThreshold", 1) != 1:
        errs.append(FieldError.invalid(f"{path}.successThreshold", p.get("successThreshold"), "must be 1"))


def _probes_and_lifecycle(c: Obj, grace: Any, path: str, errs: Errs) -> None:
    lc = c.get("lifecycle")
    if isinstance(lc, dict):
        for hook in ("postStart", "preStop"):
            if isinstance(lc.get(hook), dict):
                _handler(lc[hook], grace, f"{path}.lifecycle.{hook}", errs, _LIFECYCLE_HANDLERS)
    if "livenessProbe" in c:
        _probe(c["livenessProbe"], grace, f"{path}.livenessProbe", errs, "liveness")
    if "readinessProbe" in c:
        _probe(c["readinessProbe"], grace, f"{path}.readinessProbe", errs, "readiness")
    if "startupProbe" in c:
        _probe(c["startupProbe"], grace, f"{path}.startupProbe", errs, "startup")


def _ports(ports: Any, path: str, errs: Errs) -> None:
    """validateContainerPorts."""
    if not ports:
        return
    names: set[str] = set()
    for i, p in enumerate(ports):
        ip = f"{path}[{i}]"
        name = p.get("name") or ""
        if name:
            msgs = port_name_errors(name)
            if msgs:
                errs.extend(FieldError.invalid(f"{ip}.name", name, m) for m in msgs)
            elif name in names:
                errs.append(FieldError.duplicate(f"{ip}.name", name))
            else:
                names.add(name)
        cp = p.get("containerPort") or 0
        if cp == 0:
            errs.append(FieldError.required(f"{ip}.containerPort"))
        else:
            errs.extend(FieldError.invalid(f"{ip}.containerPort", cp, m) for m in port_num_errors(cp))
        hp = p.get("hostPort") or 0
        if hp != 0:
            errs.extend(FieldError.invalid(f"{ip}.hostPort", hp, m) for m in port_num_errors(hp))
        proto = p.get("protocol") or ""
        if not proto:
            errs.append(FieldError.required(f"{ip}.protocol"))
        elif proto not in _PROTOCOLS:
            errs.append(FieldError.not_supported(f"{ip}.protocol", proto, _PROTOCOLS))


def _key_selector(sel: Obj, path: str, errs: Errs) -> None:
    """validateConfigMapKeySelector / validateSecretKeySelector."""
    name = sel.get("name") or ""
    errs.extend(FieldError.invalid(f"{path}.name", name, m) for m in is_dns1123_subdomain(name))
    key = sel.get("key") or ""
    if not key:
        errs.append(FieldError.required(f"{path}.key"))
    else:
        errs.extend(FieldError.invalid(f"{path}.key", key, m) for m in config_map_key_errors(key))


_CM_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def config_map_key_errors(key: str) -> list[str]:
    """validation.IsConfigMapKey."""
    errs = []
    if len(key) > 253:
        errs.append("must be no more than 253 characters")
    if not key or not set(key) <= _CM_KEY_CHARS:
        errs.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name'"
                    ",  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
    if key == ".":
        errs.append("must not be '.'")
    elif key == "..":
        errs.append("must not be '..'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


_ENV_NAME = re.compile(r"[ -<>-~]+")  # printable ASCII (0x20-0x7e) except '='


def _env_name(name: str, path: str, errs: Errs) -> None:
    if not name:
        errs.append(FieldError.required(path))
    elif not _ENV_NAME.fullmatch(name):
        errs.append(FieldError.invalid(path, name, _ENV_NAME_MSG))


def _env(env: Any, path: str, errs: Errs) -> None:
    """ValidateEnv (RelaxedEnvironmentVariableValidation is GA)."""
    if not env:
        return
    for i, ev in enumerate(env):
        ip = f"{path}[{i}]"
        _env_name(ev.get("name") or "", f"{ip}.name", errs)
        vf = ev.get("valueFrom")
        if not isinstance(vf, dict):
            continue
        vp = f"{ip}.valueFrom"
        n = 0
        fr = vf.get("fieldRef")
        if isinstance(fr, dict):
            n += 1
            fp = fr.get("fieldPath") or ""
            if not fr.get("apiVersion"):
                errs.append(FieldError.required(f"{vp}.fieldRef.apiVersion"))
            elif not fp:
                errs.append(FieldError.required(f"{vp}.fieldRef.fieldPath"))
            elif "[" in fp:
                base = fp.split("[", 1)[0]
                if base not in ("metadata.labels", "metadata.annotations"):
                    errs.append(FieldError.invalid(f"{vp}.fieldRef", base, "does not support subscript"))
            elif fp not in _ENV_FIELD_PATHS:
                errs.append(FieldError.not_supported(f"{vp}.fieldRef.fieldPath", fp, sorted(_ENV_FIELD_PATHS)))
        rf = vf.get("resourceFieldRef")
        if isinstance(rf, dict):
            n += 1
            res = rf.get("resource") or ""
            if not res:
                errs.append(FieldError.required(f"{vp}.resourceFieldRef.resource"))
            elif res not in _ENV_RESOURCES and not res.startswith(("requests.hugepages-", "limits.hugepages-")):
                errs.append(FieldError.not_supported(f"{vp}.resourceFieldRef.resource", res, _ENV_RESOURCES))
        for kind in ("configMapKeyRef", "secretKeyRef"):
            sel = vf.get(kind)
            if isinstance(sel, dict):
                n += 1
                _key_selector(sel, f"{vp}.{kind}", errs)
        if n == 0:
            errs.append(FieldError.invalid(vp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, "
                                                   "`configMapKeyRef` or `secretKeyRef`"))
        elif ev.get("value"):
            errs.append(FieldError.invalid(vp, "", "may not be specified when `value` is not empty"))
        elif n > 1:
            errs.append(FieldError.invalid(vp, "", "may not have more than one field specified at a time"))


def _env_from(env_from: Any, path: str, errs: Errs) -> None:
    if not env_from:
        return
    for i, ef in enumerate(env_from):
        ip = f"{path}[{i}]"
        prefix = ef.get("prefix") or ""
        if prefix and not _ENV_NAME.fullmatch(prefix):
            errs.append(FieldError.invalid(f"{ip}.prefix", prefix, _ENV_NAME_MSG))
        n = 0
        for kind in ("configMapRef", "secretRef"):
            ref = ef.get(kind)
            if isinstance(ref, dict):
                n += 1
                name = ref.get("name") or ""
                if not name:
                    errs.append(FieldError.required(f"{ip}.{kind}.name"))
                else:
                    # ValidateConfigMapName / ValidateSecretName with prefix=true.
                    errs.extend(FieldError.invalid(f"{ip}.{kind}.name", name, m)
                                for m in name_is_dns_subdomain(name, True))
        if n == 0:
            errs.append(FieldError.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif n > 1:
            errs.append(FieldError.invalid(path, "", "may not have more than one field specified at a time"))


def local_descending_path(p: str, path: str, errs: Errs) -> None:
    """validateLocalDescendingPath: relative, no '..' element."""
    if p.startswith("/"):
        errs.append(FieldError.invalid(path, p, "must be a relative path"))
    if ".." in p.replace("\\", "/").split("/"):
        errs.append(FieldError.invalid(path, p, "must not contain '..'"))


def _volume_mounts(c: Obj, volumes: dict[str, Obj], path: str, errs: Errs) -> None:
    """ValidateVolumeMounts."""
    mounts = c.get("volumeMounts")
    if not mounts:
        return
    devices = {d.get("name"): d.get("devicePath") for d in c.get("volumeDevices") or [] if isinstance(d, dict)}
    seen: set[str] = set()
    for i, m in enumerate(mounts):
        ip = f"{path}[{i}]"
        name = m.get("name") or ""
        if not name:
            errs.append(FieldError.required(f"{ip}.name"))
        if name not in volumes:
            errs.append(FieldError.not_found(f"{ip}.name", name))
        mp = m.get("mountPath") or ""
        if not mp:
            errs.append(FieldError.required(f"{ip}.mountPath"))
        if mp in seen:
            errs.append(FieldError.invalid(f"{ip}.mountPath", mp, "must be unique"))
        seen.add(mp)
        if name in devices:
            errs.append(FieldError.invalid(f"{ip}.name", name, "must not already exist in volumeDevices"))
        if mp in devices.values():
            errs.append(FieldError.invalid(f"{ip}.mountPath", mp, "must not already exist as a path in volumeDevices"))
        sub = m.get("subPath") or ""
        if sub:
            # Upstream reports these at the list path, not the item's.
            local_descending_path(sub, f"{path}.subPath", errs)
        expr = m.get("subPathExpr") or ""
        if expr:
            if sub:
                errs.append(FieldError.invalid(f"{ip}.subPathExpr", expr, "subPathExpr and subPath are mutually exclusive"))
            local_descending_path(expr, f"{path}.subPathExpr", errs)
        prop = m.get("mountPropagation")
        if prop is not None:
            if prop not in _SUPPORTED_PROPAGATIONS:
                errs.append(FieldError.not_supported(f"{path}.mountPropagation", prop, _SUPPORTED_PROPAGATIONS))
            sc = c.get("securityContext") or {}
            if prop == "Bidirectional" and not sc.get("privileged"):
                errs.append(FieldError.forbidden(f"{path}.mountPropagation",
                                                 "Bidirectional mount propagation is available only to privileged "
                                                 "containers"))
        rro = m.get("recursiveReadOnly")
        if rro is not None:
            rp = f"{path}.recursiveReadOnly"
            if rro in ("Enabled", "IfPossible"):
                if not m.get("readOnly"):
                    errs.append(FieldError.forbidden(rp, "may only be specified when readOnly is true"))
                if prop not in (None, "None"):
                    errs.append(FieldError.forbidden(
                        rp, "may only be specified when mountPropagation is None or not specified"))
            elif rro != "Disabled":
                errs.append(FieldError.not_supported(rp, rro, _SUPPORTED_RRO))


# (limits items, requests items) already found valid: their check depends on nothing else.
_VALID_RESOURCES: set[tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, Any], ...]]] = set()


def validate_resources(res: Any, path: str, errs: Errs) -> None:
    """ValidateResourceRequirements."""
    if not isinstance(res, dict):
        return
    limits = res.get("limits") or {}
    requests = res.get("requests") or {}
    try:
        key = (tuple(limits.items()), tuple(requests.items()))
        if key in _VALID_RESOURCES:
            return
    except TypeError:
        key = None
    before = len(errs)
    _validate_resources(limits, requests, path, errs)
    if key is not None and len(errs) == before:
        if len(_VALID_RESOURCES) > 4096:
            _VALID_RESOURCES.clear()
        _VALID_RESOURCES.add(key)


def _validate_resources(limits: Obj, requests: Obj, path: str, errs: Errs) -> None:
    lim_path, req_path = f"{path}.limits", f"{path}.requests"
    lim_cpu_mem = req_cpu_mem = lim_huge = req_huge = False
    for name in sorted(limits):
        fp = f"{lim_path}[{name}]"
        validate_container_resource_name(name, fp, errs)
        validate_quantity_value(name, limits[name], fp, errs)
        lim_huge = lim_huge or is_hugepages(name)
        lim_cpu_mem = lim_cpu_mem or name in ("cpu", "memory")
    for name in sorted(requests):
        fp = f"{req_path}[{name}]"
        value = requests[name]
        validate_container_resource_name(name, fp, errs)
        validate_quantity_value(name, value, fp, errs)
        if name in limits:
            c = q.cmp(value, limits[name])
            if c != 0 and not overcommit_allowed(name):
                errs.append(FieldError.invalid(req_path, q.canonical(value),
                                               f"must be equal to {name} limit of {q.canonical(limits[name])}"))
            elif c > 0:
                errs.append(FieldError.invalid(
                    req_path, q.canonical(value),
                    f"must be less than or equal to {name} limit of {q.canonical(limits[name])}"))
        elif not overcommit_allowed(name):
            errs.append(FieldError.required(lim_path, "Limit must be set for non overcommitable resources"))
        req_huge = req_huge or is_hugepages(name)
        req_cpu_mem = req_cpu_mem or name in ("cpu", "memory")
    if not lim_cpu_mem and not req_cpu_mem and (lim_huge or req_huge):
        errs.append(FieldError.forbidden(path, "HugePages require cpu or memory"))


def _security_context(sc: Any, path: str, errs: Errs) -> None:
    """ValidateSecurityContext (the checks a learner can hit)."""
    if not isinstance(sc, dict):
        return
    for f in ("runAsUser", "runAsGroup"):
        v = sc.get(f)
        if isinstance(v, int) and not 0 <= v <= MAX_INT32:
            errs.append(FieldError.invalid(f"{path}.{f}", v, _UID_RANGE))
    pm = sc.get("procMount")
    if pm is not None and pm not in ("Default", "Unmasked"):
        errs.append(FieldError.not_supported(f"{path}.procMount", pm, ("Default", "Unmasked")))
    if sc.get("allowPrivilegeEscalation") is False and sc.get("privileged") is True:
        errs.append(invalid_rendered(path, go_json(sc), "cannot set `allowPrivilegeEscalation` to false and "
                                                        "`privileged` to true"))


def _container_common(c: Obj, volumes: dict[str, Obj], path: str, errs: Errs) -> None:
    """validateContainerCommon."""
    name = c.get("name") or ""
    if not name:
        errs.append(FieldError.required(f"{path}.name"))
    else:
        msgs = dns_label_errors(name)
        if msgs:
            errs.extend(FieldError.invalid(f"{path}.name", name, m) for m in msgs)
    if not c.get("image"):
        errs.append(FieldError.required(f"{path}.image"))
    tmp = c.get("terminationMessagePolicy") or ""
    if not tmp:
        errs.append(FieldError.required(f"{path}.terminationMessagePolicy"))
    elif tmp not in _TERMINATION_MESSAGE_POLICIES:
        errs.append(FieldError.not_supported(f"{path}.terminationMessagePolicy", tmp, _TERMINATION_MESSAGE_POLICIES))
    if "ports" in c:
        _ports(c["ports"], f"{path}.ports", errs)
    if "env" in c:
        _env(c["env"], f"{path}.env", errs)
    if "envFrom" in c:
        _env_from(c["envFrom"], f"{path}.envFrom", errs)
    if "volumeMounts" in c:
        _volume_mounts(c, volumes, f"{path}.volumeMounts", errs)
    for i, d in enumerate(c.get("volumeDevices") or []):
        dn = d.get("name") or ""
        if dn not in volumes:
            errs.append(FieldError.not_found(f"{path}.volumeDevices[{i}].name", dn))
        elif not ({"persistentVolumeClaim", "ephemeral"} & set(volumes[dn])):
            errs.append(FieldError.invalid(f"{path}.volumeDevices[{i}].name", dn, "can only use volume source "
                                           "type of PersistentVolumeClaim or Ephemeral for block mode"))
    pp = c.get("imagePullPolicy") or ""
    if not pp:
        errs.append(FieldError.required(f"{path}.imagePullPolicy"))
    elif pp not in _PULL_POLICIES:
        errs.append(FieldError.not_supported(f"{path}.imagePullPolicy", pp, _PULL_POLICIES))
    if "resources" in c:
        validate_resources(c["resources"], f"{path}.resources", errs)
    if "securityContext" in c:
        _security_context(c["securityContext"], f"{path}.securityContext", errs)


def _host_port_conflicts(containers: list[Obj], path: str, seen: set[str], errs: Errs) -> None:
    """AccumulateUniqueHostPorts."""
    for ci, c in enumerate(containers):
        for pi, p in enumerate(c.get("ports") or []):
            hp = p.get("hostPort") or 0
            if not hp:
                continue
            key = f"{p.get('protocol') or ''}/{p.get('hostIP') or ''}/{hp}"
            if key in seen:
                errs.append(FieldError.duplicate(f"{path}[{ci}].ports[{pi}].hostPort", key))
            else:
                seen.add(key)


def validate_containers(containers: Any, volumes: dict[str, Obj], grace: Any, path: str, is_pod: bool,
                        errs: Errs) -> None:
    """validateContainers (+ validateContainersOnlyForPod)."""
    if not containers:
        errs.append(FieldError.required(path))
        return
    names: set[str] = set()
    for i, c in enumerate(containers):
        cp = f"{path}[{i}]"
        _container_common(c, volumes, cp, errs)
        name = c.get("name") or ""
        if name in names:
            errs.append(FieldError.duplicate(f"{cp}.name", name))
        else:
            names.add(name)
        _probes_and_lifecycle(c, grace, cp, errs)
        rp = c.get("restartPolicy")
        if rp is not None and rp not in ("Always", "OnFailure", "Never"):
            errs.append(FieldError.not_supported(f"{cp}.restartPolicy", rp, ("Always", "OnFailure", "Never")))
        if is_pod:
            img = c.get("image") or ""
            if img != img.strip():
                errs.append(FieldError.invalid(f"{cp}.image", img, "must not have leading or trailing whitespace"))
    _host_port_conflicts(containers, path, set(), errs)


def validate_init_containers(init: Any, regular: Any, volumes: dict[str, Obj], grace: Any, path: str,
                             is_pod: bool, errs: Errs) -> None:
    """validateInitContainers: unique names across init and regular containers; sidecars may probe."""
    if not init:
        return
    names = {c.get("name") for c in regular or []}
    for i, c in enumerate(init):
        cp = f"{path}[{i}]"
        _container_common(c, volumes, cp, errs)
        rp = c.get("restartPolicy")
        always = False
        if rp is not None:
            if rp != "Always":
                errs.append(FieldError.not_supported(f"{cp}.restartPolicy", rp, ("Always",)))
            always = rp == "Always"
        name = c.get("name") or ""
        if name in names:
            errs.append(FieldError.duplicate(f"{cp}.name", name))
        elif name:
            names.add(name)
        _host_port_conflicts([c], path, set(), errs)
        if always:
            _probes_and_lifecycle(c, grace, cp, errs)
        else:
            for f in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(f) is not None:
                    errs.append(FieldError.forbidden(
                        f"{cp}.{f}", "may not be set for init containers without restartPolicy=Always"))
        if c.get("resizePolicy"):
            errs.append(FieldError.invalid(f"{cp}.resizePolicy", c["resizePolicy"], "must not be set for init containers"))
        if is_pod:
            img = c.get("image") or ""
            if img != img.strip():
                errs.append(FieldError.invalid(f"{cp}.image", img, "must not have leading or trailing whitespace"))


def validate_qualified(value: str, path: str, errs: Errs) -> None:
    errs.extend(FieldError.invalid(path, value, m) for m in is_qualified_name(value))
