"""Namespaces (pkg/registry/core/namespace/strategy.go, ValidateNamespace*): the
``kubernetes.io/metadata.name`` label, status.phase Active, and the ``kubernetes`` finalizer at create.
"""

from __future__ import annotations

from typing import Any

from labk8s.api.validation import validate_finalizer_name
from labk8s.apiserver.strategies._errors import Errs
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]

METADATA_NAME_LABEL = "kubernetes.io/metadata.name"
FINALIZER_KUBERNETES = "kubernetes"
_STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})


def _name_label(obj: Obj) -> None:
    """SetDefaults_Namespace and Canonicalize: the label always equals the name."""
    meta = obj.setdefault("metadata", {})
    name = meta.get("name")
    if name:
        labels = meta.get("labels")
        if not isinstance(labels, dict):
            labels = meta["labels"] = {}
        labels[METADATA_NAME_LABEL] = name


def validate_kube_finalizer(name: str, path: str, errs: Errs) -> None:
    """validateFinalizerName: a qualified name, and either standard or domain-prefixed."""
    errs.extend(validate_finalizer_name(name, path))
    if "/" not in name and name not in _STANDARD_FINALIZERS:
        errs.append(FieldError.invalid(path, name, "name is neither a standard finalizer name nor is it fully "
                                                   "qualified"))


class NamespaceStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = False
    name_rule = "dns1123label"

    def default(self, obj: Obj) -> None:
        _name_label(obj)
        status = obj.get("status")
        if isinstance(status, dict) and not status.get("phase"):
            status["phase"] = "Active"

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Active"}
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            spec = obj["spec"] = {}
        finalizers = spec.get("finalizers")
        if not isinstance(finalizers, list):
            finalizers = spec["finalizers"] = []
        if FINALIZER_KUBERNETES not in finalizers:
            finalizers.append(FINALIZER_KUBERNETES)
        _name_label(obj)

    def prepare_for_update(self, new: Obj, old: Obj) -> None:
        super().prepare_for_update(new, old)
        # spec.finalizers change only through the finalize subresource.
        ospec = old.get("spec") or {}
        if "finalizers" in ospec:
            new.setdefault("spec", {})["finalizers"] = ospec["finalizers"]
        elif isinstance(new.get("spec"), dict):
            new["spec"].pop("finalizers", None)
        _name_label(new)

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        for f in (obj.get("spec") or {}).get("finalizers") or []:
            validate_kube_finalizer(f, "spec.finalizers", errs)
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return []

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        phase = (new.get("status") or {}).get("phase") or ""
        if not (new.get("metadata") or {}).get("deletionTimestamp"):
            if phase != "Active":
                return [FieldError.invalid("status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is "
                                                                  "empty")]
        elif phase != "Terminating":
            return [FieldError.invalid("status.Phase", phase, "may only be 'Terminating' if `deletionTimestamp` is "
                                                              "not empty")]
        return []
