"""apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet (pkg/apis/apps/v1/defaults.go,
pkg/apis/apps/validation, pkg/registry/apps/*/strategy.go).
"""

from __future__ import annotations

from typing import Any

from labk8s.api.validation import validate_annotations, validate_labels
from labk8s.apiserver.strategies._errors import Errs, RenderedError, go_json, invalid_rendered, nonnegative
from labk8s.apiserver.strategies._quantities import round_resource_list
from labk8s.apiserver.strategies._workload import (
    int_or_percent_value,
    not_more_than_100_percent,
    positive_int_or_percent,
    selector_and_template,
    selector_immutable,
    semantic_equal,
    template_labels_match,
)
from labk8s.apiserver.strategies.podspec_defaults import default_pod_template, default_pvc_spec
from labk8s.apiserver.strategies.podspec_validation import validate_pod_template
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]

TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


def _rs_template(spec: Obj, selector: Any, kind: str, errs: Errs) -> None:
    """ValidatePodTemplateSpecForReplicaSet."""
    tmpl = spec.get("template")
    template_labels_match(selector, tmpl, errs)
    validate_pod_template(tmpl, "spec.template", errs)
    tspec = (tmpl or {}).get("spec") or {}
    rp = tspec.get("restartPolicy") or ""
    if rp != "Always":
        errs.append(FieldError.not_supported("spec.template.spec.restartPolicy", rp, ("Always",)))
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(FieldError.forbidden("spec.template.spec.activeDeadlineSeconds",
                                         f"activeDeadlineSeconds in {kind} is not Supported"))


class _AppsStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = True
    zero_status: Obj = {}

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = dict(self.zero_status)


# -- Deployment -----------------------------------------------------------------------------------------------


def _validate_deployment_spec(spec: Obj, errs: Errs) -> None:
    nonnegative(spec.get("replicas", 0), "spec.replicas", errs)
    selector = selector_and_template(spec, "deployment", errs)
    if selector is None:
        errs.append(invalid_rendered("spec.selector", go_json(spec.get("selector")), "invalid label selector"))
    else:
        _rs_template(spec, selector, "ReplicaSet", errs)
    strategy = spec.get("strategy") or {}
    stype = strategy.get("type") or ""
    if stype == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            errs.append(FieldError.forbidden("spec.strategy.rollingUpdate",
                                             "may not be specified when strategy `type` is 'Recreate'"))
    elif stype == "RollingUpdate":
        ru = strategy.get("rollingUpdate")
        if not isinstance(ru, dict):
            errs.append(FieldError.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"))
        else:
            mu, ms = ru.get("maxUnavailable", 0), ru.get("maxSurge", 0)
            positive_int_or_percent(mu, "spec.strategy.rollingUpdate.maxUnavailable", errs)
            positive_int_or_percent(ms, "spec.strategy.rollingUpdate.maxSurge", errs)
            if int_or_percent_value(mu) == 0 and int_or_percent_value(ms) == 0:
                errs.append(FieldError.invalid("spec.strategy.rollingUpdate.maxUnavailable", mu,
                                               "may not be 0 when `maxSurge` is 0"))
            not_more_than_100_percent(mu, "spec.strategy.rollingUpdate.maxUnavailable", errs)
    else:
        errs.append(RenderedError("FieldValueNotSupported", "spec.strategy", go_json(strategy),
                               'supported values: "Recreate", "RollingUpdate"'))
    nonnegative(spec.get("minReadySeconds", 0), "spec.minReadySeconds", errs)
    if spec.get("revisionHistoryLimit") is not None:
        nonnegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit", errs)
    pds = spec.get("progressDeadlineSeconds")
    if pds is not None:
        nonnegative(pds, "spec.progressDeadlineSeconds", errs)
        if pds <= spec.get("minReadySeconds", 0):
            errs.append(FieldError.invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"))


class DeploymentStrategy(_AppsStrategy):
    def default(self, obj: Obj) -> None:
        spec = _spec(obj)
        if spec.get("replicas") is None:
            spec["replicas"] = 1
        strategy = spec.get("strategy")
        if not isinstance(strategy, dict):
            strategy = spec["strategy"] = {}
        if not strategy.get("type"):
            strategy["type"] = "RollingUpdate"
        if strategy["type"] == "RollingUpdate":
            ru = strategy.get("rollingUpdate")
            if not isinstance(ru, dict):
                ru = strategy["rollingUpdate"] = {}
            if ru.get("maxUnavailable") is None:
                ru["maxUnavailable"] = "25%"
            if ru.get("maxSurge") is None:
                ru["maxSurge"] = "25%"
        if spec.get("revisionHistoryLimit") is None:
            spec["revisionHistoryLimit"] = 10
        if spec.get("progressDeadlineSeconds") is None:
            spec["progressDeadlineSeconds"] = 600
        default_pod_template(spec.get("template"))

    def prepare_for_update(self, new: Obj, old: Obj) -> None:
        super().prepare_for_update(new, old)
        # Annotation changes bump the generation too: they are copied to the ReplicaSets.
        nmeta, ometa = new.get("metadata") or {}, old.get("metadata") or {}
        if (nmeta.get("annotations") or {}) != (ometa.get("annotations") or {}):
            nmeta["generation"] = int(ometa.get("generation") or 0) + 1

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        _validate_deployment_spec(obj.get("spec") or {}, errs)
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs = self.validate(new)
        selector_immutable(new.get("spec") or {}, old.get("spec") or {}, errs)
        return errs


# -- ReplicaSet -----------------------------------------------------------------------------------------------


class ReplicaSetStrategy(_AppsStrategy):
    zero_status = {"replicas": 0}

    def default(self, obj: Obj) -> None:
        spec = _spec(obj)
        if spec.get("replicas") is None:
            spec["replicas"] = 1
        default_pod_template(spec.get("template"))

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        spec = obj.get("spec") or {}
        nonnegative(spec.get("replicas", 0), "spec.replicas", errs)
        nonnegative(spec.get("minReadySeconds", 0), "spec.minReadySeconds", errs)
        selector = selector_and_template(spec, "deployment", errs)  # sic: upstream says "deployment"
        if selector is None:
            errs.append(invalid_rendered("spec.selector", go_json(spec.get("selector")), "invalid label selector"))
        else:
            _rs_template(spec, selector, "ReplicaSet", errs)
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs = self.validate(new)
        selector_immutable(new.get("spec") or {}, old.get("spec") or {}, errs)
        return errs


# -- DaemonSet ------------------------------------------------------------------------------------------------


def _template_generation(obj: Obj) -> int:
    ann = (obj.get("metadata") or {}).get("annotations") or {}
    value = ann.get(TEMPLATE_GENERATION)
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


def _set_template_generation(obj: Obj, gen: int) -> None:
    obj.setdefault("metadata", {}).setdefault("annotations", {})[TEMPLATE_GENERATION] = str(gen)


class DaemonSetStrategy(_AppsStrategy):
    zero_status = {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0,
                   "numberReady": 0}

    def default(self, obj: Obj) -> None:
        spec = _spec(obj)
        us = spec.get("updateStrategy")
        if not isinstance(us, dict):
            us = spec["updateStrategy"] = {}
        if not us.get("type"):
            us["type"] = "RollingUpdate"
        if us["type"] == "RollingUpdate":
            ru = us.get("rollingUpdate")
            if not isinstance(ru, dict):
                ru = us["rollingUpdate"] = {}
            if ru.get("maxUnavailable") is None:
                ru["maxUnavailable"] = 1
            if ru.get("maxSurge") is None:
                ru["maxSurge"] = 0
        if spec.get("revisionHistoryLimit") is None:
            spec["revisionHistoryLimit"] = 10
        default_pod_template(spec.get("template"))

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        # spec.templateGeneration = 1, surfaced in apps/v1 as this annotation by conversion.
        _set_template_generation(obj, 1)

    def prepare_for_update(self, new: Obj, old: Obj) -> None:
        super().prepare_for_update(new, old)
        old_gen = _template_generation(old)
        ann = (new.get("metadata") or {}).get("annotations") or {}
        gen = _template_generation(new) if TEMPLATE_GENERATION in ann else old_gen
        if not semantic_equal((new.get("spec") or {}).get("template"), (old.get("spec") or {}).get("template")):
            gen = old_gen + 1
        _set_template_generation(new, gen)

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        spec = obj.get("spec") or {}
        selector = selector_and_template(spec, "daemonset", errs, required=False)
        template_labels_match(selector, spec.get("template"), errs, skip_empty=False)
        validate_pod_template(spec.get("template"), "spec.template", errs)
        tspec = (spec.get("template") or {}).get("spec") or {}
        rp = tspec.get("restartPolicy") or ""
        if rp != "Always":
            errs.append(FieldError.not_supported("spec.template.spec.restartPolicy", rp, ("Always",)))
        if tspec.get("activeDeadlineSeconds") is not None:
            errs.append(FieldError.forbidden("spec.template.spec.activeDeadlineSeconds",
                                             "activeDeadlineSeconds in DaemonSet is not Supported"))
        nonnegative(spec.get("minReadySeconds", 0), "spec.minReadySeconds", errs)
        us = spec.get("updateStrategy") or {}
        utype = us.get("type") or ""
        if utype == "RollingUpdate":
            ru = us.get("rollingUpdate")
            if not isinstance(ru, dict):
                errs.append(FieldError.required("spec.updateStrategy.rollingUpdate"))
            else:
                p = "spec.updateStrategy.rollingUpdate"
                mu, ms = ru.get("maxUnavailable", 0), ru.get("maxSurge", 0)
                positive_int_or_percent(mu, f"{p}.maxUnavailable", errs)
                positive_int_or_percent(ms, f"{p}.maxSurge", errs)
                not_more_than_100_percent(mu, f"{p}.maxUnavailable", errs)
                not_more_than_100_percent(ms, f"{p}.maxSurge", errs)
                has_u, has_s = int_or_percent_value(mu) != 0, int_or_percent_value(ms) != 0
                if has_u and has_s:
                    errs.append(FieldError.invalid(f"{p}.maxSurge", ms, "may not be set when maxUnavailable is "
                                                                      "non-zero"))
                elif not has_u and not has_s:
                    errs.append(FieldError.required(f"{p}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
        elif utype != "OnDelete":
            errs.append(RenderedError("FieldValueNotSupported", "spec.updateStrategy", go_json(us),
                                   'supported values: "RollingUpdate", "OnDelete"'))
        if spec.get("revisionHistoryLimit") is not None:
            nonnegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit", errs)
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        ng, og = _template_generation(new), _template_generation(old)
        changed = not semantic_equal((new.get("spec") or {}).get("template"), (old.get("spec") or {}).get("template"))
        if ng < og:
            errs.append(FieldError.invalid("spec.templateGeneration", ng, "must not be decremented"))
        if ng == og and changed:
            errs.append(FieldError.invalid("spec.templateGeneration", ng, "must be incremented upon template update"))
        elif ng > og and not changed:
            errs.append(FieldError.invalid("spec.templateGeneration", ng,
                                           "must not be incremented without template update"))
        errs.extend(self.validate(new))
        selector_immutable(new.get("spec") or {}, old.get("spec") or {}, errs)
        return errs


# -- StatefulSet ----------------------------------------------------------------------------------------------

_STS_MUTABLE = ("replicas", "template", "updateStrategy", "minReadySeconds", "ordinals",
                "persistentVolumeClaimRetentionPolicy")


class StatefulSetStrategy(_AppsStrategy):
    name_rule = "dns1123label"
    zero_status = {"replicas": 0, "availableReplicas": 0}

    def default(self, obj: Obj) -> None:
        spec = _spec(obj)
        if not spec.get("podManagementPolicy"):
            spec["podManagementPolicy"] = "OrderedReady"
        us = spec.get("updateStrategy")
        if not isinstance(us, dict):
            us = spec["updateStrategy"] = {}
        if not us.get("type"):
            us["type"] = "RollingUpdate"
            if us.get("rollingUpdate") is None:
                us["rollingUpdate"] = {}
        ru = us.get("rollingUpdate")
        if us["type"] == "RollingUpdate" and isinstance(ru, dict):
            if ru.get("partition") is None:
                ru["partition"] = 0
            if ru.get("maxUnavailable") is None:  # MaxUnavailableStatefulSet is on by default in v1.37
                ru["maxUnavailable"] = 1
        pol = spec.get("persistentVolumeClaimRetentionPolicy")
        if not isinstance(pol, dict):
            pol = spec["persistentVolumeClaimRetentionPolicy"] = {}
        if not pol.get("whenDeleted"):
            pol["whenDeleted"] = "Retain"
        if not pol.get("whenScaled"):
            pol["whenScaled"] = "Retain"
        if spec.get("replicas") is None:
            spec["replicas"] = 1
        if spec.get("revisionHistoryLimit") is None:
            spec["revisionHistoryLimit"] = 10
        default_pod_template(spec.get("template"))
        for vct in spec.get("volumeClaimTemplates") or []:
            if not isinstance(vct, dict):
                continue
            status = vct.get("status")
            if not isinstance(status, dict):
                status = vct["status"] = {}
            if not status.get("phase"):
                status["phase"] = "Pending"
            round_resource_list(status.get("capacity"))
            spec_ = vct.get("spec")
            if not isinstance(spec_, dict):
                spec_ = vct["spec"] = {}
            default_pvc_spec(spec_)

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        spec = obj.get("spec") or {}
        pmp = spec.get("podManagementPolicy") or ""
        if not pmp:
            errs.append(FieldError.required("spec.podManagementPolicy"))
        elif pmp not in ("OrderedReady", "Parallel"):
            errs.append(FieldError.invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"))
        us = spec.get("updateStrategy") or {}
        utype = us.get("type") or ""
        ru = us.get("rollingUpdate")
        if not utype:
            errs.append(FieldError.required("spec.updateStrategy"))
        elif utype == "OnDelete":
            if ru is not None:
                errs.append(invalid_rendered("spec.updateStrategy.rollingUpdate", go_json(ru),
                                             "only allowed for updateStrategy 'RollingUpdate'"))
        elif utype == "RollingUpdate":
            if isinstance(ru, dict):
                p = "spec.updateStrategy.rollingUpdate"
                nonnegative(ru.get("partition", 0), f"{p}.partition", errs)
                mu = ru.get("maxUnavailable")
                if mu is not None:
                    positive_int_or_percent(mu, f"{p}.maxUnavailable", errs)
                    if int_or_percent_value(mu) == 0:
                        errs.append(FieldError.invalid(f"{p}.maxUnavailable", mu, "cannot be 0"))
                    not_more_than_100_percent(mu, f"{p}.maxUnavailable", errs)
        else:
            errs.append(invalid_rendered("spec.updateStrategy", go_json(us),
                                         "must be 'RollingUpdate' or 'OnDelete'"))
        pol = spec.get("persistentVolumeClaimRetentionPolicy")
        if isinstance(pol, dict):
            for f in ("whenDeleted", "whenScaled"):
                v = pol.get(f) or ""
                if v not in ("Retain", "Delete"):
                    errs.append(FieldError.not_supported(f"spec.persistentVolumeClaimRetentionPolicy.{f}", v,
                                                         ("Retain", "Delete")))
        nonnegative(spec.get("replicas", 0), "spec.replicas", errs)
        nonnegative(spec.get("minReadySeconds", 0), "spec.minReadySeconds", errs)
        ordinals = spec.get("ordinals")
        if isinstance(ordinals, dict):
            nonnegative(ordinals.get("start", 0), "spec.ordinals.start", errs)
        selector = selector_and_template(spec, "statefulset", errs)
        if selector is None:
            errs.append(invalid_rendered("spec.selector", go_json(spec.get("selector")), ""))
        else:
            # ValidatePodTemplateSpecForStatefulSet: the pod spec itself is not validated upstream.
            tmpl = spec.get("template") or {}
            template_labels_match(selector, tmpl, errs)
            meta = tmpl.get("metadata") or {}
            errs.extend(validate_labels(meta.get("labels"), "spec.template.labels"))
            errs.extend(validate_annotations(meta.get("annotations"), "spec.template.annotations"))
        tspec = (spec.get("template") or {}).get("spec") or {}
        rp = tspec.get("restartPolicy") or ""
        if rp != "Always":
            errs.append(FieldError.not_supported("spec.template.spec.restartPolicy", rp, ("Always",)))
        if tspec.get("activeDeadlineSeconds") is not None:
            errs.append(FieldError.forbidden("spec.template.spec.activeDeadlineSeconds",
                                             "activeDeadlineSeconds in StatefulSet is not Supported"))
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs = self.validate(new)
        nspec, ospec = new.get("spec") or {}, old.get("spec") or {}
        rest_new = {k: v for k, v in nspec.items() if k not in _STS_MUTABLE}
        rest_old = {k: v for k, v in ospec.items() if k not in _STS_MUTABLE}
        if not semantic_equal(rest_new, rest_old):
            errs.append(FieldError.forbidden("spec", "updates to statefulset spec for fields other than 'replicas', "
                                             "'ordinals', 'template', 'updateStrategy', "
                                             "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                                             "forbidden"))
        return errs
