"""The scheduler's explanation of one pod's placement, and its per-node frame.

The scheduler exposes ``scheduler.explain(namespace, name) -> dict`` (or None when the pod was never
tried). The dict has this shape (documented here so the scheduler and the views agree):

    {
      "pod": "default/web-1",            # namespace/name
      "time_ms": 1500,                   # virtual time of the scheduling attempt explained
      "result": "Scheduled",             # Scheduled | Unschedulable | Error
      "node": "node-2",                  # the selected node, None unless Scheduled
      "message": "",                     # the FitError / error message when not Scheduled, as in the
                                         # FailedScheduling event ("0/4 nodes are available: ...")
      "nodes": [                         # every node considered, in the scheduler's order
        {
          "name": "node-1",
          "feasible": False,             # passed every Filter plugin
          "filters": [                   # Filter plugins in the order they ran, up to the first failure
            {"plugin": "NodeUnschedulable", "code": "Success", "reasons": []},
            {"plugin": "NodeResourcesFit", "code": "Unschedulable", "reasons": ["Insufficient cpu"]},
          ],
          "scores": {},                  # feasible nodes: plugin -> weighted, normalized score
          "total": None,                 # feasible nodes: sum of scores
        },
        ...
      ],
    }

`code` uses the framework's Status codes: Success, Error, Unschedulable, UnschedulableAndUnresolvable,
Wait, Skip, Pending. A PreFilter failure that rejects every node may be given as a node-less
explanation: "nodes": [] with result Unschedulable and the message.

`normalize_explanation` also accepts the shape that labk8s.scheduler.explain returns today (keys
"outcome", "time" in seconds, and "nodes" as {name: {"filters": {plugin: verdict}, "scores", "total"}})
and converts it; whatever is not part of the shape above is kept under "extra".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

import pandas as pd

if TYPE_CHECKING:
    from labk8s.cluster import Cluster


class FilterVerdict(TypedDict):
    plugin: str
    code: str
    reasons: list[str]


class NodeVerdict(TypedDict):
    name: str
    feasible: bool
    filters: list[FilterVerdict]
    scores: dict[str, int]
    total: int | None


class Explanation(TypedDict):
    pod: str
    time_ms: int
    result: str
    node: str | None
    message: str
    nodes: list[NodeVerdict]
    extra: NotRequired[dict[str, Any]]


RESULTS = ("Scheduled", "Unschedulable", "Error")
CODES = ("Success", "Error", "Unschedulable", "UnschedulableAndUnresolvable", "Wait", "Skip", "Pending")

Explainer = Callable[[str, str], Any]


def explainer_of(cluster: Cluster) -> Explainer | None:
    """The cluster's `scheduler.explain`, or None when the cluster has no scheduler (yet)."""
    scheduler = getattr(cluster, "scheduler", None)
    fn = getattr(scheduler, "explain", None)
    return fn if callable(fn) else None


def check_explanation(value: Any) -> Explanation:
    """Validate the shape above; raises ValueError naming the first field that does not fit."""
    def fail(path: str, want: str) -> ValueError:
        return ValueError(f"scheduler explanation: {path} must be {want}")

    if not isinstance(value, dict):
        raise fail("the explanation", "a dict")
    for key, typ, want in (("pod", str, "a string"), ("time_ms", int, "an integer"), ("result", str, "a string"),
                           ("message", str, "a string"), ("nodes", list, "a list")):
        if not isinstance(value.get(key), typ):
            raise fail(key, want)
    if value["result"] not in RESULTS:
        raise fail("result", " | ".join(RESULTS))
    if value.get("node") is not None and not isinstance(value["node"], str):
        raise fail("node", "a string or None")
    for i, nv in enumerate(value["nodes"]):
        where = f"nodes[{i}]"
        if not isinstance(nv, dict) or not isinstance(nv.get("name"), str):
            raise fail(f"{where}.name", "a string")
        if not isinstance(nv.get("feasible"), bool):
            raise fail(f"{where}.feasible", "a bool")
        for j, fv in enumerate(nv.get("filters") or []):
            if not isinstance(fv, dict) or not isinstance(fv.get("plugin"), str) or fv.get("code") not in CODES:
                raise fail(f"{where}.filters[{j}]", "{plugin: str, code: a Status code, reasons: [str]}")
        scores = nv.get("scores") or {}
        if not isinstance(scores, dict) or not all(isinstance(s, int) for s in scores.values()):
            raise fail(f"{where}.scores", "a dict of plugin -> int")
        if nv.get("total") is not None and not isinstance(nv["total"], int):
            raise fail(f"{where}.total", "an integer or None")
    return value  # type: ignore[return-value]


def _from_scheduler(raw: dict[str, Any]) -> dict[str, Any]:
    """labk8s.scheduler's Explanation.to_dict() -> the shape above."""
    nodes: list[dict[str, Any]] = []
    for name, entry in (raw.get("nodes") or {}).items():
        filters: list[dict[str, Any]] = []
        for plugin, verdict in (entry.get("filters") or {}).items():
            code, _, message = str(verdict).partition(": ")
            if code not in CODES:  # "not run": the plugins after the first failure
                continue
            filters.append({"plugin": plugin, "code": code, "reasons": [message] if message else []})
        feasible = "total" in entry or all(f["code"] in ("Success", "Skip") for f in filters)
        nodes.append({"name": name, "feasible": feasible, "filters": filters,
                      "scores": dict(entry.get("scores") or {}), "total": entry.get("total")})
    known = {"pod", "time", "outcome", "node", "message", "nodes"}
    return {"pod": raw.get("pod"), "time_ms": int(round(float(raw.get("time", 0)) * 1000)),
            "result": {"SchedulerError": "Error"}.get(str(raw.get("outcome")), raw.get("outcome")),
            "node": raw.get("node"), "message": raw.get("message", ""), "nodes": nodes,
            "extra": {k: v for k, v in raw.items() if k not in known}}


def normalize_explanation(raw: Any) -> Explanation:
    """Validate an explanation in the shape above, converting labk8s.scheduler's own shape first."""
    if isinstance(raw, dict) and "outcome" in raw and "result" not in raw:
        raw = _from_scheduler(raw)
    return check_explanation(raw)


def explain_frame(explanation: Explanation) -> pd.DataFrame:
    """One row per node: node, selected, feasible, the failing plugin and its reasons, one column per
    score plugin (sorted by name), and total. Rows keep the scheduler's order."""
    plugins = sorted({p for nv in explanation["nodes"] for p in (nv.get("scores") or {})})
    rows: list[list[Any]] = []
    for nv in explanation["nodes"]:
        failed = next((f for f in nv.get("filters") or [] if f["code"] not in ("Success", "Skip")), None)
        scores = nv.get("scores") or {}
        rows.append([nv["name"], nv["name"] == explanation.get("node"), nv["feasible"],
                     failed["plugin"] if failed else "", "; ".join(failed["reasons"]) if failed else "",
                     *[scores.get(p) for p in plugins], nv.get("total")])
    frame = pd.DataFrame(rows, columns=["node", "selected", "feasible", "filtered_by", "reasons", *plugins, "total"])
    for column in [*plugins, "total"]:  # integers, with <NA> for nodes that were not scored
        frame[column] = frame[column].astype("Int64")
    return frame
