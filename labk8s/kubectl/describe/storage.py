"""PersistentVolume, PersistentVolumeClaim and StorageClass describers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labk8s.kubectl.describe._quantity import parse_or_zero
from labk8s.kubectl.describe._selectors import format_labels
from labk8s.kubectl.describe._timefmt import rfc1123z, translate_timestamp_since
from labk8s.kubectl.describe.common import (
    Lookup,
    Obj,
    g,
    go_v,
    print_annotations_multiline,
    print_bool_ptr,
    print_labels_multiline,
    print_pods_multiline,
)
from labk8s.kubectl.describe.events import describe_events, search_events_for
from labk8s.kubectl.describe.volumes import (
    access_modes_string,
    describe_pv_source,
    print_persistent_volume_claim,
)
from labk8s.kubectl.describe.writer import LEVEL_0, LEVEL_1, LEVEL_2, PrefixWriter, tabbed_string

BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"
DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
BETA_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class"


def pv_class(pv: Mapping[str, Any]) -> str:
    """storageutil.GetPersistentVolumeClass."""
    annotations = g(pv, "metadata", "annotations", default={})
    if BETA_STORAGE_CLASS in annotations:
        return str(annotations[BETA_STORAGE_CLASS])
    return str(g(pv, "spec", "storageClassName", default=""))


def _node_selector_terms(w: PrefixWriter, level: int, title: str, reqs: list[Mapping[str, Any]], op_lower: bool) -> None:
    w.write(level, f"{title}:\t")
    if not reqs:
        w.write_line("<none>")
        return
    for i, req in enumerate(reqs):
        if i != 0:
            w.write(level, "\t")
        op = str(req.get("operator", "")).lower() if op_lower else "in"
        text = f"{req.get('key', '')} {op}"
        values = req.get("values") or []
        if values:
            text = f"{text} [{', '.join(values)}]"
        w.write(LEVEL_0, f"{text}\n")


def _volume_node_affinity(w: PrefixWriter, affinity: Mapping[str, Any] | None) -> None:
    w.write(LEVEL_0, "Node Affinity:\t")
    if affinity is None or affinity.get("required") is None:
        w.write_line("<none>")
        return
    w.write_line("")
    w.write(LEVEL_1, "Required Terms:\t")
    terms = affinity["required"].get("nodeSelectorTerms") or []
    if not terms:
        w.write_line("<none>")
        return
    w.write_line("")
    for i, term in enumerate(terms):
        _node_selector_terms(w, LEVEL_2, f"Term {i}", term.get("matchExpressions") or [], True)


def describe_persistent_volume(pv: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, pv)
    spec: Mapping[str, Any] = pv.get("spec") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(pv, 'metadata', 'name', default='')}\n")
        print_labels_multiline(w, "Labels", g(pv, "metadata", "labels"))
        print_annotations_multiline(w, "Annotations", g(pv, "metadata", "annotations"))
        w.write(LEVEL_0, f"Finalizers:\t{go_v(list(g(pv, 'metadata', 'finalizers', default=[])))}\n")
        w.write(LEVEL_0, f"StorageClass:\t{pv_class(pv)}\n")
        deletion = g(pv, "metadata", "deletionTimestamp")
        if deletion is not None:
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {translate_timestamp_since(deletion, now_ms)})\n")
        else:
            w.write(LEVEL_0, f"Status:\t{g(pv, 'status', 'phase', default='')}\n")
        claim = spec.get("claimRef")
        claim_text = f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim is not None else ""
        w.write(LEVEL_0, f"Claim:\t{claim_text}\n")
        w.write(LEVEL_0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy') or ''}\n")
        w.write(LEVEL_0, f"Access Modes:\t{access_modes_string(spec.get('accessModes'))}\n")
        if spec.get("volumeMode") is not None:
            w.write(LEVEL_0, f"VolumeMode:\t{spec['volumeMode']}\n")
        w.write(LEVEL_0, f"Capacity:\t{parse_or_zero(g(spec, 'capacity', 'storage')).string()}\n")
        _volume_node_affinity(w, spec.get("nodeAffinity"))
        w.write(LEVEL_0, f"Message:\t{g(pv, 'status', 'message', default='')}\n")
        w.write(LEVEL_0, "Source:\n")
        describe_pv_source(spec, w)
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def pods_for_pvc(pods: list[Obj], pvc: Mapping[str, Any]) -> list[Obj]:
    """getPodsForPVC: pods mounting the claim (once per volume), then owning pods."""
    name = g(pvc, "metadata", "name", default="")
    result: list[Obj] = []
    for pod in pods:
        for volume in g(pod, "spec", "volumes", default=[]):
            if g(volume, "persistentVolumeClaim", "claimName") == name:
                result.append(pod)
    for ref in g(pvc, "metadata", "ownerReferences", default=[]):
        if ref.get("kind") != "Pod":
            continue
        owner = next((p for p in pods if g(p, "metadata", "uid") == ref.get("uid")), None)
        if owner is None:
            continue
        if any(g(p, "metadata", "uid") == g(owner, "metadata", "uid") for p in result):
            continue
        result.append(owner)
    return result


def describe_persistent_volume_claim(pvc: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    pods = pods_for_pvc(lookup.list("pods", "", str(g(pvc, "metadata", "namespace", default=""))), pvc)
    events = search_events_for(lookup, pvc)

    def body(w: PrefixWriter) -> None:
        print_persistent_volume_claim(w, pvc, True, now_ms)
        print_pods_multiline(w, "Used By", pods)
        conditions = g(pvc, "status", "conditions", default=[])
        if conditions:
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n")
            for c in conditions:
                w.write(
                    LEVEL_1,
                    f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastProbeTime'))} \t"
                    f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n",
                )
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def _is_default_text(sc: Mapping[str, Any]) -> str:
    annotations = g(sc, "metadata", "annotations", default={})
    if annotations.get(DEFAULT_CLASS) == "true" or annotations.get(BETA_DEFAULT_CLASS) == "true":
        return "Yes"
    return "No"


def describe_storage_class(sc: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, sc)

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{g(sc, 'metadata', 'name', default='')}\n")
        w.write(LEVEL_0, f"IsDefaultClass:\t{_is_default_text(sc)}\n")
        w.write(LEVEL_0, f"Annotations:\t{format_labels(g(sc, 'metadata', 'annotations'))}\n")
        w.write(LEVEL_0, f"Provisioner:\t{sc.get('provisioner') or ''}\n")
        w.write(LEVEL_0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
        w.write(LEVEL_0, f"AllowVolumeExpansion:\t{print_bool_ptr(sc.get('allowVolumeExpansion'))}\n")
        options = sc.get("mountOptions") or []
        if not options:
            w.write(LEVEL_0, "MountOptions:\t<none>\n")
        else:
            w.write(LEVEL_0, "MountOptions:\n")
            for option in options:
                w.write(LEVEL_1, f"{option}\n")
        if sc.get("reclaimPolicy") is not None:
            w.write(LEVEL_0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
        if sc.get("volumeBindingMode") is not None:
            w.write(LEVEL_0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
        topologies = sc.get("allowedTopologies")
        if topologies is not None:
            w.write(LEVEL_0, "AllowedTopologies:\t")
            if not topologies:
                w.write_line("<none>")
            else:
                w.write_line("")
                for i, term in enumerate(topologies):
                    _node_selector_terms(w, LEVEL_1, f"Term {i}", term.get("matchLabelExpressions") or [], False)
        describe_events(events, w, now_ms)

    return tabbed_string(body)
