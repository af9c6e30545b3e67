"""Helpers shared by plugins: score normalisation, taints and tolerations, node selectors
(pkg/scheduler/framework/plugins/helper, component-helpers/scheduling/corev1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from labk8s.api.labels import selector_from_set

Obj = dict[str, Any]
IntArray = npt.NDArray[np.int64]


def default_normalize_score(max_priority: int, reverse: bool, scores: IntArray) -> None:
    """DefaultNormalizeScore, in place: scale to [0, max_priority] by the maximum; reverse flips it."""
    if len(scores) == 0:
        return
    max_count = int(scores.max())
    if max_count == 0:
        if reverse:
            scores[:] = max_priority
        return
    scores *= max_priority
    scores //= max_count  # the scores are non-negative, so floor division is Go's truncation
    if reverse:
        np.subtract(max_priority, scores, out=scores)


# -- taints and tolerations -------------------------------------------------------------------------
def toleration_tolerates_taint(tol: Obj, taint: Obj) -> bool:
    """Toleration.ToleratesTaint: effect (empty matches all), key (empty matches all), operator."""
    effect = tol.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = tol.get("key") or ""
    if key and key != taint.get("key"):
        return False
    op = tol.get("operator") or "Equal"
    if op == "Equal":
        return (tol.get("value") or "") == (taint.get("value") or "")
    return op == "Exists"


def tolerations_tolerate_taint(tolerations: list[Obj], taint: Obj) -> bool:
    return any(toleration_tolerates_taint(t, taint) for t in tolerations)


def do_not_schedule_taints(taint: Obj) -> bool:
    """helper.DoNotScheduleTaintsFilterFunc: NoSchedule and NoExecute taints."""
    return taint.get("effect") in ("NoSchedule", "NoExecute")


def find_matching_untolerated_taint(taints: list[Obj], tolerations: list[Obj],
                                    keep: Callable[[Obj], bool]) -> Obj | None:
    """FindMatchingUntoleratedTaint: the first kept taint no toleration tolerates."""
    for taint in taints:
        if keep(taint) and not tolerations_tolerate_taint(tolerations, taint):
            return taint
    return None


# -- node selectors ---------------------------------------------------------------------------------
def _parse_int64(s: str) -> int | None:
    try:
        v = int(s, 10)
    except ValueError:
        return None
    if not -(1 << 63) <= v < (1 << 63) or not s.lstrip("+-").isdigit():
        return None
    return v


def _requirement_matches(req: Obj, values: dict[str, str]) -> bool:
    """A NodeSelectorRequirement against labels (or fields): In, NotIn, Exists, DoesNotExist, Gt, Lt."""
    key = req.get("key") or ""
    op = req.get("operator") or ""
    vals = req.get("values") or []
    present = key in values
    if op == "In":
        return present and values[key] in vals
    if op == "NotIn":
        return not present or values[key] not in vals
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt"):
        if not present or len(vals) != 1:
            return False
        have, want = _parse_int64(values[key]), _parse_int64(str(vals[0]))
        if have is None or want is None:
            return False
        return have > want if op == "Gt" else have < want
    return False


def node_selector_term_matches(term: Obj, labels: dict[str, str], fields: dict[str, str]) -> bool:
    """A NodeSelectorTerm: its expressions and fields ANDed; an empty term matches nothing."""
    exprs = term.get("matchExpressions") or []
    flds = term.get("matchFields") or []
    if not exprs and not flds:
        return False
    for r in exprs:
        if not _requirement_matches(r, labels):
            return False
    for r in flds:
        if (r.get("key") or "") != "metadata.name" or (r.get("operator") or "") not in ("In", "NotIn"):
            return False
        if not _requirement_matches(r, fields):
            return False
    return True


def node_labels(node: Obj) -> dict[str, str]:
    return node["metadata"].get("labels") or {}


class RequiredNodeAffinity:
    """nodeaffinity.RequiredNodeAffinity: spec.nodeSelector AND required node affinity (terms ORed)."""

    __slots__ = ("selector", "terms")

    def __init__(self, pod: Obj) -> None:
        spec = pod.get("spec") or {}
        ns = spec.get("nodeSelector") or {}
        self.selector = selector_from_set(ns) if ns else None
        req = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
               .get("requiredDuringSchedulingIgnoredDuringExecution"))
        self.terms: list[Obj] | None = list(req.get("nodeSelectorTerms") or []) if req is not None else None

    def empty(self) -> bool:
        return self.selector is None and self.terms is None

    def match(self, node: Obj) -> bool:
        labels = node_labels(node)
        if self.selector is not None and not self.selector.matches(labels):
            return False
        if self.terms is not None:
            fields = {"metadata.name": node["metadata"]["name"]}
            return any(node_selector_term_matches(t, labels, fields) for t in self.terms)
        return True
