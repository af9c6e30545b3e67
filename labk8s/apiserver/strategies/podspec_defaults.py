"""Pod and PodSpec defaulting (pkg/apis/core/v1/defaults.go and the generated SetObjectDefaults_Pod).

``default_pod_spec`` is applied to pods and to every pod template (Deployment, Job, ...); the pod-only
part (SetDefaults_Pod: requests from limits, enableServiceLinks, host ports under hostNetwork) runs only
when ``is_pod`` is true, exactly as upstream keeps it out of templates.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from labk8s.apiserver.strategies._quantities import round_resource_list

Obj = dict[str, Any]

DEFAULT_TERMINATION_GRACE_PERIOD = 30
DEFAULT_MODE = 420  # 0644, SecretVolumeSourceDefaultMode and friends
_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


@lru_cache(maxsize=4096)
def image_tag(image: str) -> str:
    """The tag parsers.ParseImageName returns: "latest" when there is neither tag nor digest, "" when the
    reference has only a digest or does not parse (an upper-case repository, an empty string)."""
    if not image or image != image.strip() or " " in image:
        return ""
    ref, _, digest = image.partition("@")
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    tag = ref[colon + 1:] if colon > slash else ""
    repo = ref[:colon] if colon > slash else ref
    # The first path component may be a registry host (it may hold upper case and a port).
    first, sep, rest = repo.partition("/")
    path = rest if sep and ("." in first or ":" in first or first == "localhost" or first != first.lower()) \
        else repo
    if not path or path != path.lower():
        return ""
    if not tag and not digest:
        return "latest"
    return tag


def pull_policy_for(image: str) -> str:
    return "Always" if image_tag(image) == "latest" else "IfNotPresent"


def _default_handler(h: Any) -> None:
    if not isinstance(h, dict):
        return
    http = h.get("httpGet")
    if isinstance(http, dict):
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"
    grpc = h.get("grpc")
    if isinstance(grpc, dict) and grpc.get("service") is None:
        grpc["service"] = ""


def _default_probe(p: Obj) -> None:
    if not p.get("timeoutSeconds"):
        p["timeoutSeconds"] = 1
    if not p.get("periodSeconds"):
        p["periodSeconds"] = 10
    if not p.get("successThreshold"):
        p["successThreshold"] = 1
    if not p.get("failureThreshold"):
        p["failureThreshold"] = 3
    _default_handler(p)


def _default_env(env: Any) -> None:
    if not isinstance(env, list):
        return
    for ev in env:
        vf = ev.get("valueFrom") if isinstance(ev, dict) else None
        if isinstance(vf, dict):
            fr = vf.get("fieldRef")
            if isinstance(fr, dict) and not fr.get("apiVersion"):
                fr["apiVersion"] = "v1"


def default_container(c: Obj) -> None:
    """SetDefaults_Container plus the generated defaults of its nested structs."""
    if not c.get("imagePullPolicy"):
        img = c.get("image")
        c["imagePullPolicy"] = pull_policy_for(img) if isinstance(img, str) else "IfNotPresent"
    if not c.get("terminationMessagePath"):
        c["terminationMessagePath"] = "/dev/termination-log"
    if not c.get("terminationMessagePolicy"):
        c["terminationMessagePolicy"] = "File"
    ports = c.get("ports")
    if ports:
        for p in ports:
            if isinstance(p, dict) and not p.get("protocol"):
                p["protocol"] = "TCP"
    if "env" in c:
        _default_env(c["env"])
    res = c.get("resources")
    if res is None:
        c["resources"] = {}  # ResourceRequirements is a struct: it always serialises
    elif isinstance(res, dict):
        if "limits" in res:
            round_resource_list(res["limits"])
        if "requests" in res:
            round_resource_list(res["requests"])
    for name in _PROBES:
        p = c.get(name)
        if isinstance(p, dict):
            _default_probe(p)
    lc = c.get("lifecycle")
    if isinstance(lc, dict):
        _default_handler(lc.get("postStart"))
        _default_handler(lc.get("preStop"))


def _default_items_field_refs(items: Any) -> None:
    if isinstance(items, list):
        for it in items:
            fr = it.get("fieldRef") if isinstance(it, dict) else None
            if isinstance(fr, dict) and not fr.get("apiVersion"):
                fr["apiVersion"] = "v1"


def default_pvc_spec(spec: Any) -> None:
    """SetDefaults_PersistentVolumeClaimSpec and its ResourceLists."""
    if not isinstance(spec, dict):
        return
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    res = spec.get("resources")
    if isinstance(res, dict):
        round_resource_list(res.get("limits"))
        round_resource_list(res.get("requests"))


def default_volume(v: Obj) -> None:
    """SetDefaults_Volume and the volume sources' defaults."""
    if not any(val is not None for k, val in v.items() if k != "name"):
        v["emptyDir"] = {}
        return
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        src = v.get(key)
        if isinstance(src, dict):
            if src.get("defaultMode") is None:
                src["defaultMode"] = DEFAULT_MODE
            if key == "downwardAPI":
                _default_items_field_refs(src.get("items"))
            elif key == "projected":
                for s in src.get("sources") or []:
                    if not isinstance(s, dict):
                        continue
                    sat = s.get("serviceAccountToken")
                    if isinstance(sat, dict) and sat.get("expirationSeconds") is None:
                        sat["expirationSeconds"] = 3600
                    da = s.get("downwardAPI")
                    if isinstance(da, dict):
                        _default_items_field_refs(da.get("items"))
    hp = v.get("hostPath")
    if isinstance(hp, dict) and hp.get("type") is None:
        hp["type"] = ""
    eph = v.get("ephemeral")
    if isinstance(eph, dict) and isinstance(eph.get("volumeClaimTemplate"), dict):
        default_pvc_spec(eph["volumeClaimTemplate"].get("spec"))
    img = v.get("image")
    if isinstance(img, dict) and not img.get("pullPolicy"):
        ref = img.get("reference")
        img["pullPolicy"] = pull_policy_for(ref) if isinstance(ref, str) else "IfNotPresent"


def _requests_from_limits(containers: Any) -> None:
    if not isinstance(containers, list):
        return
    for c in containers:
        res = c.get("resources") if isinstance(c, dict) else None
        if not isinstance(res, dict):
            continue
        limits = res.get("limits")
        if isinstance(limits, dict):
            requests = res.get("requests")
            if not isinstance(requests, dict):
                requests = res["requests"] = {}
            for k, val in limits.items():
                if k not in requests:
                    requests[k] = val


def _host_ports(containers: Any) -> None:
    if not isinstance(containers, list):
        return
    for c in containers:
        for p in (c.get("ports") or []) if isinstance(c, dict) else []:
            if isinstance(p, dict) and not p.get("hostPort"):
                p["hostPort"] = p.get("containerPort", 0)


def default_pod_spec(spec: Obj, is_pod: bool) -> None:
    """SetDefaults_PodSpec and everything generated below it; SetDefaults_Pod when ``is_pod``."""
    if is_pod:
        _requests_from_limits(spec.get("containers"))
        _requests_from_limits(spec.get("initContainers"))
        if spec.get("enableServiceLinks") is None:
            spec["enableServiceLinks"] = True
        if spec.get("hostNetwork"):
            _host_ports(spec.get("containers"))
            _host_ports(spec.get("initContainers"))
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_TERMINATION_GRACE_PERIOD
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    vols = spec.get("volumes")
    if vols:
        for v in vols:
            if isinstance(v, dict):
                default_volume(v)
    for key in _CONTAINER_LISTS:
        cs = spec.get(key)
        if cs:
            for c in cs:
                if isinstance(c, dict):
                    default_container(c)
    if "overhead" in spec:
        round_resource_list(spec["overhead"])
    res = spec.get("resources")
    if isinstance(res, dict):
        round_resource_list(res.get("limits"))
        round_resource_list(res.get("requests"))


def default_pod_template(template: Any) -> None:
    """Defaults of a PodTemplateSpec embedded in a workload (no SetDefaults_Pod)."""
    if not isinstance(template, dict):
        return
    spec = template.get("spec")
    if isinstance(spec, dict):
        default_pod_spec(spec, False)
