"""Smaller core/v1 kinds with defaults of their own: Endpoints, ReplicationController, PodTemplate."""

from __future__ import annotations

from typing import Any

from labk8s.apiserver.strategies._errors import Errs, nonnegative
from labk8s.apiserver.strategies.podspec_defaults import default_pod_template
from labk8s.apiserver.strategies.podspec_validation import validate_pod_template
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]


class EndpointsStrategy(Strategy):
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        for ss in obj.get("subsets") or []:
            for p in ss.get("ports") or []:
                if isinstance(p, dict) and not p.get("protocol"):
                    p["protocol"] = "TCP"


class PodTemplateStrategy(Strategy):
    tracks_generation = True

    def default(self, obj: Obj) -> None:
        default_pod_template(obj.get("template"))

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        validate_pod_template(obj.get("template"), "template", errs)
        return errs


class ReplicationControllerStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = True

    def default(self, obj: Obj) -> None:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            spec = obj["spec"] = {}
        labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
        if labels is not None:
            if not spec.get("selector"):
                spec["selector"] = dict(labels)
            meta = obj.setdefault("metadata", {})
            if not meta.get("labels"):
                meta["labels"] = dict(labels)
        if spec.get("replicas") is None:
            spec["replicas"] = 1
        default_pod_template(spec.get("template"))

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"replicas": 0}

    def validate(self, obj: Obj) -> list[FieldError]:
        """ValidateReplicationControllerSpec and ValidatePodTemplateSpecForRC."""
        errs: Errs = []
        spec = obj.get("spec") or {}
        nonnegative(spec.get("minReadySeconds", 0), "spec.minReadySeconds", errs)
        selector = spec.get("selector") or {}
        if not selector:
            errs.append(FieldError.required("spec.selector"))
        nonnegative(spec.get("replicas", 0), "spec.replicas", errs)
        tmpl = spec.get("template")
        if not isinstance(tmpl, dict):
            errs.append(FieldError.required("spec.template"))
            return errs
        labels = (tmpl.get("metadata") or {}).get("labels")
        if selector and any((labels or {}).get(k) != v for k, v in selector.items()):
            errs.append(FieldError.invalid("spec.template.metadata.labels", labels,
                                           "`selector` does not match template `labels`"))
        validate_pod_template(tmpl, "spec.template", errs)
        tspec = tmpl.get("spec") or {}
        rp = tspec.get("restartPolicy") or ""
        if rp != "Always":
            errs.append(FieldError.not_supported("spec.template.spec.restartPolicy", rp, ("Always",)))
        if tspec.get("activeDeadlineSeconds") is not None:
            errs.append(FieldError.forbidden("spec.template.spec.activeDeadlineSeconds",
                                             "activeDeadlineSeconds in ReplicationController is not Supported"))
        return errs
