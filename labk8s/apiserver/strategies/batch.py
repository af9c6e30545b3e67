"""batch/v1: Job and CronJob (pkg/apis/batch/v1/defaults.go, pkg/apis/batch/validation,
pkg/registry/batch/{job,cronjob}/strategy.go).

A Job's selector is generated at create from ``metadata.uid`` (the registry sets the uid first):
``batch.kubernetes.io/controller-uid`` in the selector, the four job-name / controller-uid labels on the
template.
"""

from __future__ import annotations

import re
from typing import Any

from labk8s.api.labels import SelectorError, selector_from_label_selector, validate_label_selector
from labk8s.api.validation import is_dns1123_label
from labk8s.apiserver.strategies._cron import parse_standard
from labk8s.apiserver.strategies._errors import MAX_INT32, Errs, go_json, invalid_rendered, nonnegative
from labk8s.apiserver.strategies._workload import immutable_rendered, render_selector, semantic_equal
from labk8s.apiserver.strategies.podspec_defaults import default_pod_template
from labk8s.apiserver.strategies.podspec_validation import validate_pod_template
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]

CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
JOB_NAME = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID = "controller-uid"
LEGACY_JOB_NAME = "job-name"
_MAX_INDEXED_PARALLELISM = 100000
_TIME_ZONE_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}")


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


def default_job_spec_template(spec: Obj) -> None:
    default_pod_template(spec.get("template"))


def _validate_job_spec_common(spec: Obj, path: str, errs: Errs) -> None:
    """validateJobSpec (shared by Jobs and CronJob job templates)."""
    for f in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished",
              "backoffLimitPerIndex", "maxFailedIndexes"):
        if spec.get(f) is not None:
            nonnegative(spec[f], f"{path}.{f}", errs)
    if spec.get("maxFailedIndexes") is not None and spec.get("backoffLimitPerIndex") is None:
        errs.append(FieldError.required(f"{path}.backoffLimitPerIndex", "when maxFailedIndexes is specified"))
    mode = spec.get("completionMode")
    if mode is not None:
        if mode not in ("NonIndexed", "Indexed"):
            errs.append(FieldError.not_supported(f"{path}.completionMode", mode, ("NonIndexed", "Indexed")))
        if mode == "Indexed":
            if spec.get("completions") is None:
                errs.append(FieldError.required(f"{path}.completions", "when completion mode is Indexed"))
            par = spec.get("parallelism")
            if par is not None and par > _MAX_INDEXED_PARALLELISM:
                errs.append(FieldError.invalid(f"{path}.parallelism", par, "must be less than or equal to 100000 "
                                                                         "when completion mode is Indexed"))
    if mode in (None, "NonIndexed"):
        for f in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if spec.get(f) is not None:
                errs.append(FieldError.invalid(f"{path}.{f}", spec[f], "requires indexed completion mode"))
    prp = spec.get("podReplacementPolicy")
    if prp is not None:
        if spec.get("podFailurePolicy") is not None:
            if prp != "Failed":
                errs.append(FieldError.not_supported(f"{path}.podReplacementPolicy", prp, ("Failed",)))
        elif prp not in ("Failed", "TerminatingOrFailed"):
            errs.append(FieldError.not_supported(f"{path}.podReplacementPolicy", prp, ("Failed", "TerminatingOrFailed")))
    validate_pod_template(spec.get("template"), f"{path}.template", errs)
    rp = ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy") or ""
    rpp = f"{path}.template.spec.restartPolicy"
    if rp in ("Always", ""):
        errs.append(FieldError.required(rpp, 'valid values: "OnFailure", "Never"'))
    elif rp not in ("OnFailure", "Never"):
        errs.append(FieldError.not_supported(rpp, rp, ("OnFailure", "Never")))
    elif spec.get("podFailurePolicy") is not None and rp != "Never":
        errs.append(FieldError.invalid(rpp, rp, 'only "Never" is supported when podFailurePolicy is specified'))


def _validate_job_spec(spec: Obj, errs: Errs) -> None:
    """ValidateJobSpec: the common checks, the selector and the selector/template match."""
    _validate_job_spec_common(spec, "spec", errs)
    sel = spec.get("selector")
    if sel is None:
        errs.append(FieldError.required("spec.selector"))
    else:
        errs.extend(validate_label_selector(sel, "spec.selector"))
    try:
        selector = selector_from_label_selector(sel)
    except SelectorError:
        return
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    if not selector.matches(labels or {}):
        errs.append(FieldError.invalid("spec.template.metadata.labels", labels,
                                       "`selector` does not match template `labels`"))


def _has_label(meta: Obj, key: str, expected: str, errs: Errs) -> None:
    """ValidateHasLabel."""
    labels = meta.get("labels") or {}
    path = f"spec.template.metadata.labels[{key}]"
    if key not in labels:
        errs.append(FieldError.required(path, f"must be '{expected}'"))
    elif labels[key] != expected:
        errs.append(FieldError.invalid(path, labels, f"must be '{expected}'"))


def _generated_selector(obj: Obj, prefixed: bool, errs: Errs) -> None:
    """validateGeneratedSelector."""
    spec = obj.get("spec") or {}
    if spec.get("manualSelector") or spec.get("selector") is None:
        return
    meta = obj.get("metadata") or {}
    uid, name = meta.get("uid") or "", meta.get("name") or ""
    if not uid:
        errs.append(FieldError.required("metadata.uid"))
    tmeta = (spec.get("template") or {}).get("metadata") or {}
    _has_label(tmeta, LEGACY_CONTROLLER_UID, uid, errs)
    _has_label(tmeta, LEGACY_JOB_NAME, name, errs)
    expected = {LEGACY_CONTROLLER_UID: uid, LEGACY_JOB_NAME: name}
    if prefixed:
        _has_label(tmeta, CONTROLLER_UID, uid, errs)
        _has_label(tmeta, JOB_NAME, name, errs)
        expected[CONTROLLER_UID] = uid
        expected[JOB_NAME] = name
    try:
        selector = selector_from_label_selector(spec["selector"])
    except SelectorError:
        return
    if not selector.matches(expected):
        errs.append(invalid_rendered("spec.selector", render_selector(spec["selector"]), "`selector` not auto-generated"))


class JobStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = True

    def default(self, obj: Obj) -> None:
        spec = _spec(obj)
        if spec.get("completions") is None and spec.get("parallelism") is None:
            spec["completions"] = 1
            spec["parallelism"] = 1
        if spec.get("parallelism") is None:
            spec["parallelism"] = 1
        if spec.get("backoffLimit") is None:
            spec["backoffLimit"] = MAX_INT32 if spec.get("backoffLimitPerIndex") is not None else 6
        tlabels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
        meta = obj.setdefault("metadata", {})
        if tlabels is not None and not meta.get("labels"):
            meta["labels"] = dict(tlabels)
        if spec.get("completionMode") is None:
            spec["completionMode"] = "NonIndexed"
        if spec.get("suspend") is None:
            spec["suspend"] = False
        pfp = spec.get("podFailurePolicy")
        if isinstance(pfp, dict):
            for rule in pfp.get("rules") or []:
                for pattern in rule.get("onPodConditions") or []:
                    if not pattern.get("status"):
                        pattern["status"] = "True"
        if spec.get("podReplacementPolicy") is None:
            spec["podReplacementPolicy"] = "Failed" if pfp is not None else "TerminatingOrFailed"
        if spec.get("manualSelector") is None:
            spec["manualSelector"] = False
        default_job_spec_template(spec)

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {}
        spec = obj["spec"]
        if spec.get("manualSelector"):
            return
        meta = obj.get("metadata") or {}
        uid, name = meta.get("uid") or "", meta.get("name") or ""
        tmpl = spec.get("template")
        if not isinstance(tmpl, dict):
            tmpl = spec["template"] = {}
        tmeta = tmpl.get("metadata")
        if not isinstance(tmeta, dict):
            tmeta = tmpl["metadata"] = {}
        labels = tmeta.get("labels")
        if not isinstance(labels, dict):
            labels = tmeta["labels"] = {}
        for key in (LEGACY_JOB_NAME, JOB_NAME):
            labels.setdefault(key, name)
        for key in (LEGACY_CONTROLLER_UID, CONTROLLER_UID):
            labels.setdefault(key, uid)
        sel = spec.get("selector")
        if not isinstance(sel, dict):
            sel = spec["selector"] = {}
        ml = sel.get("matchLabels")
        if not isinstance(ml, dict):
            ml = sel["matchLabels"] = {}
        ml.setdefault(CONTROLLER_UID, uid)

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        _generated_selector(obj, True, errs)
        spec = obj.get("spec") or {}
        _validate_job_spec(spec, errs)
        comps = spec.get("completions")
        if spec.get("completionMode") == "Indexed" and comps is not None and comps > 0:
            name = (obj.get("metadata") or {}).get("name") or ""
            host = f"{name}-{comps - 1}"
            if is_dns1123_label(host):
                errs.append(FieldError.invalid("metadata.name", name,
                                               f"will not able to create pod with invalid DNS label: {host}"))
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs = self.validate(new)
        spec, ospec = new.get("spec") or {}, old.get("spec") or {}
        _validate_job_spec(spec, errs)
        if spec.get("completionMode") == "Indexed" and spec.get("completions") != ospec.get("completions"):
            if spec.get("completions") is not None and spec.get("completions") != spec.get("parallelism"):
                errs.append(FieldError.invalid("spec.completions", spec["completions"],
                                               "can only be modified in tandem with spec.parallelism"))
        elif spec.get("completions") != ospec.get("completions"):
            errs.append(FieldError.invalid("spec.completions", spec.get("completions"), "field is immutable"))
        if not semantic_equal(spec.get("selector"), ospec.get("selector")):
            errs.append(invalid_rendered("spec.selector", render_selector(spec.get("selector")), "field is immutable"))
        self._template_update(spec, ospec, old, errs)
        for f in ("completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"):
            immutable_rendered(spec.get(f), ospec.get(f), f"spec.{f}", errs)
        return errs

    @staticmethod
    def _template_update(spec: Obj, ospec: Obj, old: Obj, errs: Errs) -> None:
        """validatePodTemplateUpdate: suspended jobs that never started may change scheduling directives."""
        tmpl, otmpl = spec.get("template") or {}, ospec.get("template") or {}
        if ospec.get("suspend") and not (old.get("status") or {}).get("startTime"):
            otmpl = dict(otmpl)
            ometa = dict(otmpl.get("metadata") or {})
            tmeta = tmpl.get("metadata") or {}
            for k in ("labels", "annotations"):
                ometa.pop(k, None)
                if k in tmeta:
                    ometa[k] = tmeta[k]
            otmpl["metadata"] = ometa
            ots = dict(otmpl.get("spec") or {})
            ts = tmpl.get("spec") or {}
            for k in ("nodeSelector", "tolerations", "schedulingGates"):
                ots.pop(k, None)
                if k in ts:
                    ots[k] = ts[k]
            aff = dict(ots.get("affinity") or {})
            aff.pop("nodeAffinity", None)
            if (ts.get("affinity") or {}).get("nodeAffinity") is not None:
                aff["nodeAffinity"] = ts["affinity"]["nodeAffinity"]
            if aff or "affinity" in ts:
                ots["affinity"] = aff
            else:
                ots.pop("affinity", None)
            otmpl["spec"] = ots
        if not semantic_equal(tmpl, otmpl):
            errs.append(invalid_rendered("spec.template", go_json(tmpl), "field is immutable"))


def _validate_time_zone(tz: Any, errs: Errs) -> None:
    if tz is None:
        return
    path = "spec.timeZone"
    if tz == "":
        errs.append(FieldError.invalid(path, tz, "timeZone must be nil or non-empty string"))
        return
    for part in tz.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TIME_ZONE_PART.fullmatch(part):
            errs.append(FieldError.invalid(path, tz, f"unknown time zone {tz}"))
            return
    if tz.lower() == "local":
        errs.append(FieldError.invalid(path, tz, "timeZone must be an explicit time zone as defined in "
                                                 "https://www.iana.org/time-zones"))


class CronJobStrategy(Strategy):
    has_status_subresource = True
    tracks_generation = True

    def default(self, obj: Obj) -> None:
        spec = _spec(obj)
        if not spec.get("concurrencyPolicy"):
            spec["concurrencyPolicy"] = "Allow"
        if spec.get("suspend") is None:
            spec["suspend"] = False
        if spec.get("successfulJobsHistoryLimit") is None:
            spec["successfulJobsHistoryLimit"] = 3
        if spec.get("failedJobsHistoryLimit") is None:
            spec["failedJobsHistoryLimit"] = 1
        jt = spec.get("jobTemplate")
        if isinstance(jt, dict) and isinstance(jt.get("spec"), dict):
            default_job_spec_template(jt["spec"])

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {}

    def _validate_spec(self, spec: Obj, old_spec: Obj | None, errs: Errs) -> None:
        schedule = spec.get("schedule") or ""
        if not schedule:
            errs.append(FieldError.required("spec.schedule"))
        else:
            err = parse_standard(schedule)
            if err is not None:
                errs.append(FieldError.invalid("spec.schedule", schedule, err))
            allow_tz = old_spec is not None and "TZ" in (old_spec.get("schedule") or "")
            if allow_tz and "TZ" in schedule and spec.get("timeZone") is not None:
                errs.append(FieldError.invalid("spec.schedule", schedule,
                                               "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
            elif not allow_tz and "TZ" in schedule:
                errs.append(FieldError.invalid("spec.schedule", schedule,
                                               "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
        if spec.get("startingDeadlineSeconds") is not None:
            nonnegative(spec["startingDeadlineSeconds"], "spec.startingDeadlineSeconds", errs)
        if old_spec is None or old_spec.get("timeZone") != spec.get("timeZone"):
            _validate_time_zone(spec.get("timeZone"), errs)
        cp = spec.get("concurrencyPolicy") or ""
        if not cp:
            errs.append(FieldError.required("spec.concurrencyPolicy"))
        elif cp not in ("Allow", "Forbid", "Replace"):
            errs.append(FieldError.not_supported("spec.concurrencyPolicy", cp, ("Allow", "Forbid", "Replace")))
        jspec = (spec.get("jobTemplate") or {}).get("spec") or {}
        _validate_job_spec_common(jspec, "spec.jobTemplate.spec", errs)
        if jspec.get("selector") is not None:
            errs.append(invalid_rendered("spec.jobTemplate.spec.selector", render_selector(jspec["selector"]),
                                         "`selector` will be auto-generated"))
        if jspec.get("manualSelector"):
            errs.append(FieldError.not_supported("spec.jobTemplate.spec.manualSelector", True, ("nil", "false")))
        for f in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
            if spec.get(f) is not None:
                nonnegative(spec[f], f"spec.{f}", errs)

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        self._validate_spec(obj.get("spec") or {}, None, errs)
        name = (obj.get("metadata") or {}).get("name") or ""
        if len(name) > 52:
            errs.append(FieldError.invalid("metadata.name", name, "must be no more than 52 characters"))
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        self._validate_spec(new.get("spec") or {}, old.get("spec") or {}, errs)
        return errs
