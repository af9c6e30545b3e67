"""Pieces shared by the workload strategies (apps and batch): int-or-percent fields, selector checks and the
semantic equality used by ValidateImmutableField (nil and empty collections compare equal).
"""

from __future__ import annotations

import re
from typing import Any

from labk8s.api.labels import SelectorError, selector_from_label_selector, validate_label_selector
from labk8s.apiserver.strategies._errors import (
    FIELD_IMMUTABLE,
    IS_NEGATIVE,
    Errs,
    go_json,
    invalid_rendered,
    render_label_selector,
)
from labk8s.errors import FieldError

Obj = dict[str, Any]

_PERCENT = re.compile(r"[0-9]+%")
PERCENT_MSG = ("a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', "
               "regex used for validation is '[0-9]+%')")


def semantic(value: Any) -> Any:
    """apiequality.Semantic: empty maps and lists are the same as absent ones."""
    if isinstance(value, dict):
        return {k: semantic(v) for k, v in value.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [semantic(v) for v in value]
    return value


def semantic_equal(a: Any, b: Any) -> bool:
    return semantic(a) == semantic(b)


def positive_int_or_percent(value: Any, path: str, errs: Errs) -> None:
    """ValidatePositiveIntOrPercent."""
    if isinstance(value, str):
        if not _PERCENT.fullmatch(value):
            errs.append(FieldError.invalid(path, value, PERCENT_MSG))
    elif isinstance(value, int) and value < 0:
        errs.append(FieldError.invalid(path, value, IS_NEGATIVE))


def int_or_percent_value(value: Any) -> int:
    """getIntOrPercentValue (an invalid percent counts as 0)."""
    if isinstance(value, str):
        return int(value[:-1]) if _PERCENT.fullmatch(value) else 0
    return value if isinstance(value, int) else 0


def not_more_than_100_percent(value: Any, path: str, errs: Errs) -> None:
    if isinstance(value, str) and _PERCENT.fullmatch(value) and int(value[:-1]) > 100:
        errs.append(FieldError.invalid(path, value, "must not be greater than 100%"))


def selector_and_template(spec: Obj, kind: str, errs: Errs, required: bool = True) -> Any:
    """The selector checks of ValidateDeploymentSpec / ValidateReplicaSetSpec / StatefulSet / DaemonSet.

    Returns the parsed selector (None when it does not parse)."""
    sel = spec.get("selector")
    if sel is None:
        if required:
            errs.append(FieldError.required("spec.selector"))
    else:
        errs.extend(validate_label_selector(sel, "spec.selector"))
        if not sel.get("matchLabels") and not sel.get("matchExpressions"):
            errs.append(invalid_rendered("spec.selector", render_selector(sel), f"empty selector is invalid for {kind}"))
    try:
        return selector_from_label_selector(sel)
    except SelectorError:
        return None


def render_selector(sel: Any) -> str:
    return render_label_selector(sel)


def template_labels_match(selector: Any, template: Any, errs: Errs, path: str = "spec.template.metadata.labels",
                          skip_empty: bool = True) -> None:
    """`selector` does not match template `labels` (skipped for an empty selector, as !selector.Empty())."""
    labels = ((template or {}).get("metadata") or {}).get("labels")
    if selector is None:
        return
    if skip_empty and selector.empty():
        return
    if not selector.matches(labels or {}):
        errs.append(FieldError.invalid(path, labels, "`selector` does not match template `labels`"))


def selector_immutable(new_spec: Obj, old_spec: Obj, errs: Errs) -> None:
    """ValidateImmutableField(spec.selector) as the apps/v1 and batch strategies apply it."""
    new, old = new_spec.get("selector"), old_spec.get("selector")
    if not semantic_equal(new, old):
        errs.append(invalid_rendered("spec.selector", render_selector(new), FIELD_IMMUTABLE))


def immutable_rendered(new: Any, old: Any, path: str, errs: Errs) -> None:
    if not semantic_equal(new, old):
        errs.append(invalid_rendered(path, "null" if new is None else go_json(new), FIELD_IMMUTABLE))
