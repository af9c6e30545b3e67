"""HorizontalPodAutoscaler describer (describeHorizontalPodAutoscalerV2, and V1 for autoscaling/v1)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from labk8s.kubectl.describe._quantity import parse_or_zero
from labk8s.kubectl.describe._timefmt import rfc1123z
from labk8s.kubectl.describe.common import Lookup, g, print_annotations_multiline, print_labels_multiline
from labk8s.kubectl.describe.events import describe_events, search_events_for
from labk8s.kubectl.describe.writer import LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter, tabbed_string


def _q(value: Any) -> str:
    return parse_or_zero(value).string()


def _go_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _current(hpa: Mapping[str, Any], i: int, key: str) -> Mapping[str, Any] | None:
    metrics = g(hpa, "status", "currentMetrics", default=[])
    if len(metrics) > i and metrics[i].get(key) is not None:
        return metrics[i][key]
    return None


def _metric_line(hpa: Mapping[str, Any], i: int, metric: Mapping[str, Any], w: PrefixWriter) -> None:
    kind = metric.get("type", "")
    if kind == "External":
        ext = metric.get("external") or {}
        name = _go_quote(str(g(ext, "metric", "name", default="")))
        cur = _current(hpa, i, "external")
        if g(ext, "target", "averageValue") is not None:
            current = "<unknown>"
            if cur is not None and g(cur, "current", "averageValue") is not None:
                current = _q(g(cur, "current", "averageValue"))
            w.write(LEVEL_1, f"{name} (target average value):\t{current} / {_q(g(ext, 'target', 'averageValue'))}\n")
        else:
            current = _q(g(cur, "current", "value")) if cur is not None else "<unknown>"
            w.write(LEVEL_1, f"{name} (target value):\t{current} / {_q(g(ext, 'target', 'value'))}\n")
    elif kind == "Pods":
        pods = metric.get("pods") or {}
        cur = _current(hpa, i, "pods")
        current = _q(g(cur, "current", "averageValue")) if cur is not None else "<unknown>"
        name = _go_quote(str(g(pods, "metric", "name", default="")))
        w.write(LEVEL_1, f"{name} on pods:\t{current} / {_q(g(pods, 'target', 'averageValue'))}\n")
    elif kind == "Object":
        obj = metric.get("object") or {}
        described = obj.get("describedObject") or {}
        w.write(
            LEVEL_1,
            f'"{g(obj, "metric", "name", default="")}" on {described.get("kind", "")}/{described.get("name", "")} ',
        )
        cur = _current(hpa, i, "object")
        if g(obj, "target", "type") == "AverageValue":
            current = _q(g(cur, "current", "averageValue")) if cur is not None else "<unknown>"
            w.write(LEVEL_0, f"(target average value):\t{current} / {_q(g(obj, 'target', 'averageValue'))}\n")
        else:
            current = _q(g(cur, "current", "value")) if cur is not None else "<unknown>"
            w.write(LEVEL_0, f"(target value):\t{current} / {_q(g(obj, 'target', 'value'))}\n")
    elif kind in ("Resource", "ContainerResource"):
        key = "resource" if kind == "Resource" else "containerResource"
        src = metric.get(key) or {}
        if kind == "Resource":
            w.write(LEVEL_1, f"resource {src.get('name', '')} on pods")
        else:
            w.write(LEVEL_1, f'resource {src.get("name", "")} of container "{src.get("container", "")}" on pods')
        cur = _current(hpa, i, key)
        if g(src, "target", "averageValue") is not None:
            current = _q(g(cur, "current", "averageValue")) if cur is not None else "<unknown>"
            w.write(LEVEL_0, f":\t{current} / {_q(g(src, 'target', 'averageValue'))}\n")
        else:
            current = "<unknown>"
            if cur is not None and g(cur, "current", "averageUtilization") is not None:
                current = f"{int(g(cur, 'current', 'averageUtilization'))}% ({_q(g(cur, 'current', 'averageValue'))})"
            util = g(src, "target", "averageUtilization")
            target = "<auto>" if util is None else f"{int(util)}%"
            w.write(LEVEL_1, f"(as a percentage of request):\t{current} / {target}\n")
    else:
        w.write(LEVEL_1, f"<unknown metric type {_go_quote(str(kind))}>\n")


def _direction(w: PrefixWriter, direction: str, rules: Mapping[str, Any] | None) -> None:
    if rules is None:
        return
    w.write(LEVEL_1, f"{direction}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.write(LEVEL_2, f"Stabilization Window: {int(rules['stabilizationWindowSeconds'])} seconds\n")
    policies = rules.get("policies") or []
    if policies:
        w.write(LEVEL_2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
        w.write(LEVEL_2, "Policies:\n")
        for p in policies:
            w.write(
                LEVEL_3,
                f"- Type: {p.get('type', '')}\tValue: {int(p.get('value') or 0)}\t"
                f"Period: {int(p.get('periodSeconds') or 0)} seconds\n",
            )


def _header(w: PrefixWriter, hpa: Mapping[str, Any]) -> None:
    w.write(LEVEL_0, f"Name:\t{g(hpa, 'metadata', 'name', default='')}\n")
    w.write(LEVEL_0, f"Namespace:\t{g(hpa, 'metadata', 'namespace', default='')}\n")
    print_labels_multiline(w, "Labels", g(hpa, "metadata", "labels"))
    print_annotations_multiline(w, "Annotations", g(hpa, "metadata", "annotations"))
    w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(g(hpa, 'metadata', 'creationTimestamp'))}\n")
    ref = g(hpa, "spec", "scaleTargetRef", default={})
    w.write(LEVEL_0, f"Reference:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")


def _replicas_footer(w: PrefixWriter, hpa: Mapping[str, Any], behavior: bool) -> None:
    spec: Mapping[str, Any] = hpa.get("spec") or {}
    min_replicas = spec.get("minReplicas")
    w.write(LEVEL_0, f"Min replicas:\t{'<unset>' if min_replicas is None else int(min_replicas)}\n")
    w.write(LEVEL_0, f"Max replicas:\t{int(spec.get('maxReplicas') or 0)}\n")
    if behavior and spec.get("behavior") is not None:
        w.write(LEVEL_0, "Behavior:\n")
        _direction(w, "Scale Up", spec["behavior"].get("scaleUp"))
        _direction(w, "Scale Down", spec["behavior"].get("scaleDown"))
    w.write(LEVEL_0, f"{g(spec, 'scaleTargetRef', 'kind', default='')} pods:\t")
    w.write(
        LEVEL_0,
        f"{int(g(hpa, 'status', 'currentReplicas', default=0))} current / "
        f"{int(g(hpa, 'status', 'desiredReplicas', default=0))} desired\n",
    )


def describe_hpa(hpa: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, hpa)
    if str(hpa.get("apiVersion") or "") == "autoscaling/v1":
        return _describe_v1(hpa, events, now_ms)

    def body(w: PrefixWriter) -> None:
        _header(w, hpa)
        w.write(LEVEL_0, "Metrics:\t( current / target )\n")
        for i, metric in enumerate(g(hpa, "spec", "metrics", default=[])):
            _metric_line(hpa, i, metric, w)
        _replicas_footer(w, hpa, True)
        conditions = g(hpa, "status", "conditions", default=[])
        if conditions:
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t------\t-------\n")
            for c in conditions:
                w.write(
                    LEVEL_1, f"{c.get('type', '')}\t{c.get('status', '')}\t{c.get('reason', '')}\t{c.get('message', '')}\n"
                )
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def _describe_v1(hpa: Mapping[str, Any], events: list[dict[str, Any]], now_ms: int) -> str:
    def body(w: PrefixWriter) -> None:
        _header(w, hpa)
        target = g(hpa, "spec", "targetCPUUtilizationPercentage")
        if target is not None:
            w.write(LEVEL_0, f"Target CPU utilization:\t{int(target)}%\n")
            current = g(hpa, "status", "currentCPUUtilizationPercentage")
            w.write(LEVEL_0, f"Current CPU utilization:\t{'<unknown>' if current is None else int(current)}%\n")
        _replicas_footer(w, hpa, False)
        describe_events(events, w, now_ms)

    return tabbed_string(body)
