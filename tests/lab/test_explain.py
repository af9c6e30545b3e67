"""labk8s.analysis.explain: the documented shape of scheduler.explain() and its per-node frame."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from labk8s.analysis import check_explanation, explain_frame, normalize_explanation

EXPLANATION: dict[str, Any] = {
    "pod": "default/web-1",
    "time_ms": 1500,
    "result": "Scheduled",
    "node": "node-2",
    "message": "",
    "nodes": [
        {"name": "control-plane", "feasible": False,
         "filters": [{"plugin": "NodeUnschedulable", "code": "Success", "reasons": []},
                     {"plugin": "TaintToleration", "code": "UnschedulableAndUnresolvable",
                      "reasons": ["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"]}],
         "scores": {}, "total": None},
        {"name": "node-1", "feasible": True, "filters": [], "scores": {"NodeResourcesFit": 37, "TaintToleration": 300},
         "total": 337},
        {"name": "node-2", "feasible": True, "filters": [], "scores": {"NodeResourcesFit": 50, "TaintToleration": 300},
         "total": 350},
    ],
}


def test_frame_has_one_row_per_node_in_the_schedulers_order() -> None:
    frame = explain_frame(check_explanation(copy.deepcopy(EXPLANATION)))
    assert list(frame.columns) == ["node", "selected", "feasible", "filtered_by", "reasons", "NodeResourcesFit",
                                   "TaintToleration", "total"]
    records = frame.to_dict("records")
    assert [r["node"] for r in records] == ["control-plane", "node-1", "node-2"]
    assert [r["selected"] for r in records] == [False, False, True]
    assert records[0]["filtered_by"] == "TaintToleration"
    assert records[0]["reasons"].startswith("node(s) had untolerated taint")
    assert (records[2]["NodeResourcesFit"], records[2]["total"]) == (50, 350)


def test_unschedulable_without_nodes() -> None:
    ex = {"pod": "default/big", "time_ms": 0, "result": "Unschedulable", "node": None, "nodes": [],
          "message": "0/4 nodes are available: 1 node(s) had untolerated taint, 3 Insufficient cpu."}
    assert explain_frame(check_explanation(ex)).empty


def _broken(path: list[Any], value: Any) -> dict[str, Any]:
    ex = copy.deepcopy(EXPLANATION)
    target: Any = ex
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return ex


BROKEN = [
    (["pod"], KeyError, "pod must be a string"),
    (["time_ms"], "1500", "time_ms must be an integer"),
    (["result"], "Bound", "result must be Scheduled | Unschedulable | Error"),
    (["node"], 3, "node must be a string or None"),
    (["nodes"], {}, "nodes must be a list"),
    (["nodes", 0, "feasible"], "no", "nodes[0].feasible must be a bool"),
    (["nodes", 0, "filters", 1, "code"], "Fail", "nodes[0].filters[1] must be"),
    (["nodes", 1, "scores"], {"NodeResourcesFit": 3.5}, "nodes[1].scores must be a dict of plugin -> int"),
    (["nodes", 1, "total"], "337", "nodes[1].total must be an integer or None"),
]


@pytest.mark.parametrize(("path", "value", "message"), BROKEN, ids=[m for _, _, m in BROKEN])
def test_shape_errors_name_the_field(path: list[Any], value: Any, message: str) -> None:
    with pytest.raises(ValueError, match="scheduler explanation: " + re.escape(message)):
        check_explanation(_broken(path, value))


# labk8s.scheduler's own shape (Explanation.to_dict), converted by normalize_explanation.
SCHEDULER_SHAPE: dict[str, Any] = {
    "pod": "default/big", "attempt": 1, "time": 0.001, "outcome": "Unschedulable", "node": None,
    "message": "0/2 nodes are available: 1 node(s) had untolerated taint(s), 1 Insufficient cpu.",
    "nominatedNode": None, "preFilter": None, "evaluatedNodes": 2, "feasibleNodes": 0,
    "nodes": {
        "control-plane": {"filters": {"NodeUnschedulable": "Success", "NodeAffinity": "Skip",
                                      "TaintToleration": "UnschedulableAndUnresolvable: node(s) had untolerated taint(s)",
                                      "NodeResourcesFit": "not run"}},
        "node-1": {"filters": {"NodeUnschedulable": "Success", "TaintToleration": "Success",
                               "NodeResourcesFit": "Unschedulable: Insufficient cpu"}},
    },
}


def test_normalize_converts_the_schedulers_shape() -> None:
    ex = normalize_explanation(copy.deepcopy(SCHEDULER_SHAPE))
    assert (ex["pod"], ex["time_ms"], ex["result"], ex["node"]) == ("default/big", 1, "Unschedulable", None)
    assert ex["nodes"][0]["filters"] == [
        {"plugin": "NodeUnschedulable", "code": "Success", "reasons": []},
        {"plugin": "NodeAffinity", "code": "Skip", "reasons": []},
        {"plugin": "TaintToleration", "code": "UnschedulableAndUnresolvable",
         "reasons": ["node(s) had untolerated taint(s)"]},
    ]
    assert [n["feasible"] for n in ex["nodes"]] == [False, False]
    assert ex["extra"]["evaluatedNodes"] == 2
    frame = explain_frame(ex)
    assert list(frame["filtered_by"]) == ["TaintToleration", "NodeResourcesFit"]
    assert list(frame["reasons"]) == ["node(s) had untolerated taint(s)", "Insufficient cpu"]
    scheduled = {**copy.deepcopy(SCHEDULER_SHAPE), "outcome": "SchedulerError"}
    assert normalize_explanation(scheduled)["result"] == "Error"


def test_scores_are_nullable_integers() -> None:
    frame = explain_frame(check_explanation(copy.deepcopy(EXPLANATION)))
    assert str(frame["total"].dtype) == "Int64"
    assert frame["total"].isna().tolist() == [True, False, False]
