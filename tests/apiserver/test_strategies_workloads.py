"""apps/v1 and batch/v1 strategies: pkg/apis/apps/validation, pkg/apis/batch/validation,
pkg/registry/{apps,batch}/*/strategy.go, and robfig/cron/v3 ParseStandard errors for CronJob schedules.

Bad values that are Go maps and structs render as JSON (apimachinery field.Error.ErrorBody marshals them;
v1.33+), e.g. ``Invalid value: {"app":"x"}`` where releases before the change printed ``map[string]string{...}``.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from labk8s.apiserver.strategies import strategy_for
from labk8s.apiserver.strategies._cron import parse_standard
from labk8s.apiserver.strategy import Strategy

Obj = dict[str, Any]
MISMATCH = "`selector` does not match template `labels`"


def template(labels: Obj | None = None, restart: str | None = None) -> Obj:
    t: Obj = {"metadata": {"labels": labels if labels is not None else {"app": "web"}},
              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    if restart:
        t["spec"]["restartPolicy"] = restart
    return t


def workload(kind: str, **spec: Any) -> Obj:
    base: Obj = {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
                 "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template()}}
    base["spec"].update(spec)
    return base


def create(s: Strategy, obj: Obj) -> tuple[Obj, list[str]]:
    obj = copy.deepcopy(obj)
    s.default(obj)
    s.prepare_for_create(obj)
    return obj, [str(e) for e in s.validate(obj)]


def update(s: Strategy, old: Obj, new: Obj) -> list[str]:
    new = copy.deepcopy(new)
    s.default(new)
    s.prepare_for_update(new, old)
    return [str(e) for e in s.validate_update(new, old)]


KINDS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet")


@pytest.mark.parametrize("kind", KINDS)
def test_valid_workloads(kind: str) -> None:
    obj, errs = create(strategy_for("apps", kind), workload(kind))
    assert errs == []
    assert obj["status"] == {"Deployment": {}, "ReplicaSet": {"replicas": 0},
                             "DaemonSet": {"currentNumberScheduled": 0, "numberMisscheduled": 0,
                                           "desiredNumberScheduled": 0, "numberReady": 0},
                             "StatefulSet": {"replicas": 0, "availableReplicas": 0}}[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_selector_must_match_template_labels(kind: str) -> None:
    _, errs = create(strategy_for("apps", kind), workload(kind, template=template({"app": "x"})))
    assert f'spec.template.metadata.labels: Invalid value: {{"app":"x"}}: {MISMATCH}' in errs


@pytest.mark.parametrize("kind", ("Deployment", "ReplicaSet", "StatefulSet"))
def test_selector_is_required(kind: str) -> None:
    obj = workload(kind)
    del obj["spec"]["selector"]
    _, errs = create(strategy_for("apps", kind), obj)
    assert "spec.selector: Required value" in errs


@pytest.mark.parametrize("kind,word", [("Deployment", "deployment"), ("ReplicaSet", "deployment"),
                                       ("DaemonSet", "daemonset"), ("StatefulSet", "statefulset")])
def test_empty_selector_is_invalid(kind: str, word: str) -> None:
    _, errs = create(strategy_for("apps", kind), workload(kind, selector={}))
    assert f"spec.selector: Invalid value: {{}}: empty selector is invalid for {word}" in errs


@pytest.mark.parametrize("kind", ("Deployment", "ReplicaSet", "StatefulSet"))
def test_negative_replicas(kind: str) -> None:
    _, errs = create(strategy_for("apps", kind), workload(kind, replicas=-1))
    assert "spec.replicas: Invalid value: -1: must be greater than or equal to 0" in errs


@pytest.mark.parametrize("kind", KINDS)
def test_template_restart_policy_must_be_always(kind: str) -> None:
    _, errs = create(strategy_for("apps", kind), workload(kind, template=template(restart="OnFailure")))
    assert 'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"' in errs


@pytest.mark.parametrize("kind", ("Deployment", "ReplicaSet", "DaemonSet"))
def test_template_pod_spec_is_validated(kind: str) -> None:
    t = template()
    t["spec"]["containers"][0].pop("image")
    _, errs = create(strategy_for("apps", kind), workload(kind, template=t))
    assert "spec.template.spec.containers[0].image: Required value" in errs


@pytest.mark.parametrize("kind", ("Deployment", "ReplicaSet", "DaemonSet"))
def test_selector_is_immutable(kind: str) -> None:
    s = strategy_for("apps", kind)
    old, _ = create(s, workload(kind))
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"app": "web", "tier": "fe"}}
    new["spec"]["template"]["metadata"]["labels"]["tier"] = "fe"
    assert update(s, old, new) == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"fe"}}: field is immutable']


def test_deployment_strategy_validation() -> None:
    s = strategy_for("apps", "Deployment")
    zero = workload("Deployment", strategy={"type": "RollingUpdate",
                                            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}})
    assert "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0" in \
        create(s, zero)[1]
    pct = workload("Deployment", strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "ten"}})
    assert ('spec.strategy.rollingUpdate.maxSurge: Invalid value: "ten": a valid percent string must be a numeric '
            "string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')") in \
        create(s, pct)[1]
    over = workload("Deployment", strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "120%"}})
    assert 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "120%": must not be greater than 100%' in \
        create(s, over)[1]
    recreate = workload("Deployment", strategy={"type": "Recreate", "rollingUpdate": {}})
    assert "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'" in \
        create(s, recreate)[1]
    pds = workload("Deployment", minReadySeconds=600, progressDeadlineSeconds=600)
    assert "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds" in \
        create(s, pds)[1]


def test_deployment_generation_bumps_on_annotation_change() -> None:
    s = strategy_for("apps", "Deployment")
    old, _ = create(s, workload("Deployment"))
    old["metadata"]["generation"] = 3
    new = copy.deepcopy(old)
    new["metadata"]["annotations"] = {"kubernetes.io/change-cause": "x"}
    s.prepare_for_update(new, old)
    assert new["metadata"]["generation"] == 4


def test_daemonset_template_generation_annotation() -> None:
    s = strategy_for("apps", "DaemonSet")
    old, _ = create(s, workload("DaemonSet"))
    assert old["metadata"]["annotations"] == {"deprecated.daemonset.template.generation": "1"}
    new = copy.deepcopy(old)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2"
    s.prepare_for_update(new, old)
    assert new["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    assert s.validate_update(new, old) == []


def test_daemonset_rolling_update_rules() -> None:
    s = strategy_for("apps", "DaemonSet")
    both = workload("DaemonSet", updateStrategy={"type": "RollingUpdate",
                                                 "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 1}})
    assert "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is " \
           "non-zero" in create(s, both)[1]
    none = workload("DaemonSet", updateStrategy={"type": "RollingUpdate",
                                                 "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}})
    assert "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0" in \
        create(s, none)[1]


def test_statefulset_rules() -> None:
    s = strategy_for("apps", "StatefulSet")
    assert s.name_rule == "dns1123label"  # ValidateStatefulSetName = NameIsDNSLabel
    _, errs = create(s, workload("StatefulSet", podManagementPolicy="Random"))
    assert "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'" in errs
    old, _ = create(s, workload("StatefulSet", serviceName="web"))
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 5
    assert update(s, old, new) == []
    new["spec"]["serviceName"] = "other"
    assert update(s, old, new) == [
        "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
        "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]


@pytest.mark.parametrize("kind", KINDS)
def test_apps_flags(kind: str) -> None:
    s = strategy_for("apps", kind)
    assert s.has_status_subresource and s.tracks_generation


# -- Job --------------------------------------------------------------------------------------------------------

def job(**spec: Any) -> Obj:
    base: Obj = {"apiVersion": "batch/v1", "kind": "Job",
                 "metadata": {"name": "pi", "namespace": "default", "uid": "0f0e"},
                 "spec": {"template": template({"app": "pi"}, restart="Never")}}
    base["spec"].update(spec)
    return base


JOB = strategy_for("batch", "Job")


def test_job_selector_generated_from_uid() -> None:
    obj, errs = create(JOB, job())
    assert errs == []
    assert obj["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "0f0e"}}
    assert obj["spec"]["template"]["metadata"]["labels"] == {
        "app": "pi", "job-name": "pi", "batch.kubernetes.io/job-name": "pi", "controller-uid": "0f0e",
        "batch.kubernetes.io/controller-uid": "0f0e"}
    assert obj["metadata"]["labels"] == {"app": "pi"}
    assert obj["status"] == {}


@pytest.mark.parametrize("restart,expected", [
    ("Always", 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'),
    ("Sometimes", 'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", '
                  '"Never"'),
])
def test_job_restart_policy(restart: str, expected: str) -> None:
    assert expected in create(JOB, job(template=template({"app": "pi"}, restart=restart)))[1]


def test_job_manual_selector_mismatch() -> None:
    _, errs = create(JOB, job(manualSelector=True, selector={"matchLabels": {"app": "other"}}))
    assert f'spec.template.metadata.labels: Invalid value: {{"app":"pi"}}: {MISMATCH}' in errs


def test_job_negative_counts() -> None:
    _, errs = create(JOB, job(parallelism=-1, backoffLimit=-2))
    assert "spec.parallelism: Invalid value: -1: must be greater than or equal to 0" in errs
    assert "spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0" in errs


def test_job_template_and_completions_are_immutable() -> None:
    old, _ = create(JOB, job())
    new = copy.deepcopy(old)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "perl"
    errs = update(JOB, old, new)
    assert len(errs) == 1
    assert errs[0].startswith("spec.template: Invalid value: ") and errs[0].endswith(": field is immutable")
    new = copy.deepcopy(old)
    new["spec"]["completions"] = 3
    assert "spec.completions: Invalid value: 3: field is immutable" in update(JOB, old, new)
    new = copy.deepcopy(old)
    new["spec"]["parallelism"] = 4  # parallelism may change
    assert update(JOB, old, new) == []


def test_suspended_job_may_change_scheduling_directives() -> None:
    old, _ = create(JOB, job(suspend=True))
    new = copy.deepcopy(old)
    new["spec"]["template"]["spec"]["nodeSelector"] = {"zone": "a"}
    assert update(JOB, old, new) == []


# -- CronJob ----------------------------------------------------------------------------------------------------

CRON = strategy_for("batch", "CronJob")


def cronjob(schedule: str = "*/5 * * * *", **spec: Any) -> Obj:
    base: Obj = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello", "namespace": "default"},
                 "spec": {"schedule": schedule,
                          "jobTemplate": {"spec": {"template": template({"app": "h"}, restart="OnFailure")}}}}
    base["spec"].update(spec)
    return base


# robfig/cron/v3 parser.go error texts.
@pytest.mark.parametrize("schedule,error", [
    ("*/5 * * * *", None),
    ("0 0 1 jan-mar mon-fri", None),
    ("@hourly", None),
    ("@every 1h30m", None),
    ("x", "expected exactly 5 fields, found 1: [x]"),
    ("* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"),
    ("61 * * * *", "end of range (61) above maximum (59): 61"),
    ("* 24 * * *", "end of range (24) above maximum (23): 24"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("a * * * *", 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("@every soon", 'failed to parse duration @every soon: time: invalid duration "soon"'),
])
def test_cron_parse_standard(schedule: str, error: str | None) -> None:
    assert parse_standard(schedule) == error


def test_cronjob_schedule_error_message() -> None:
    _, errs = create(CRON, cronjob("x"))
    assert errs == ['spec.schedule: Invalid value: "x": expected exactly 5 fields, found 1: [x]']


def test_cronjob_rules() -> None:
    assert 'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone ' \
           'field instead' in create(CRON, cronjob("TZ=UTC 0 * * * *"))[1]
    assert 'spec.concurrencyPolicy: Unsupported value: "Never": supported values: "Allow", "Forbid", "Replace"' in \
        create(CRON, cronjob(concurrencyPolicy="Never"))[1]
    long = cronjob()
    long["metadata"]["name"] = "a" * 53
    assert f'metadata.name: Invalid value: "{"a" * 53}": must be no more than 52 characters' in create(CRON, long)[1]
    with_sel = cronjob()
    with_sel["spec"]["jobTemplate"]["spec"]["selector"] = {"matchLabels": {"app": "h"}}
    assert 'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"app":"h"}}: `selector` will be ' \
           'auto-generated' in create(CRON, with_sel)[1]
    assert create(CRON, cronjob())[1] == []
    assert CRON.tracks_generation and JOB.tracks_generation
