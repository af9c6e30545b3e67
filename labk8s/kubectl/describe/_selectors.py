"""Label and selector formatting from apimachinery (labels.FormatLabels, metav1.FormatLabelSelector)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labk8s.kubectl.describe._gosort import go_sort

_OPERATORS = {"In": " in ", "NotIn": " notin ", "Exists": "", "DoesNotExist": ""}


class SelectorError(ValueError):
    """LabelSelectorAsSelector failed (an unknown operator)."""


def format_labels(labels: Mapping[str, Any] | None) -> str:
    """labels.FormatLabels: sorted ``k=v`` joined by commas, ``<none>`` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def _requirement(key: str, op: str, values: list[str]) -> str:
    if op == "=":
        return f"{key}={values[0]}"
    if op == "Exists":
        return key
    if op == "DoesNotExist":
        return f"!{key}"
    joined = values[0] if len(values) == 1 else ",".join(sorted(values))
    return f"{key}{_OPERATORS[op]}({joined})"


def selector_string(selector: Mapping[str, Any] | None) -> str:
    """``LabelSelectorAsSelector(sel).String()``; nil and empty selectors both print ``""``.

    Raises SelectorError for an operator kubectl does not know, as LabelSelectorAsSelector does.
    """
    if not selector:
        return ""
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    reqs: list[tuple[str, str]] = []
    for key, value in match_labels.items():
        reqs.append((key, _requirement(key, "=", [str(value)])))
    for expr in expressions:
        op = expr.get("operator", "")
        if op not in _OPERATORS:
            raise SelectorError(f'"{op}" is not a valid label selector operator')
        reqs.append((expr.get("key", ""), _requirement(expr.get("key", ""), op, list(expr.get("values") or []))))
    # selector.Add sorts requirements by key (sort.Sort(ByKey)).
    go_sort(reqs, lambda a, b: a[0] < b[0])
    return ",".join(text for _, text in reqs)


def format_label_selector(selector: Mapping[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: ``<none>`` for an empty selector, ``<error>`` for a bad one."""
    try:
        text = selector_string(selector)
    except SelectorError:
        return "<error>"
    return text or "<none>"


def selector_from_set(labels: Mapping[str, Any] | None) -> str:
    """labels.SelectorFromSet(m).String(): sorted ``k=v`` terms (empty map -> "")."""
    if not labels:
        return ""
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))
