"""Helpers shared by the describers: the Lookup protocol, field access, and the multiline printers
of describe.go (printLabelsMultiline, printAnnotationsMultiline, taints, tolerations, pods)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from labk8s.errors import ApiError
from labk8s.kubectl.describe._gosort import go_sort
from labk8s.kubectl.describe.writer import LEVEL_0, PrefixWriter

Obj = dict[str, Any]

# Annotations kubectl never shows (skipAnnotations).
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140


class Lookup(Protocol):
    """Read access to the cluster that describers use for related objects (the API server)."""

    def list(
        self,
        resource: str,
        group: str,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]: ...

    def get(self, resource: str, group: str, namespace: str | None, name: str) -> dict[str, Any] | None: ...


# Errors a lookup may raise where kubectl ignores the error of a related request.
LOOKUP_ERRORS: tuple[type[Exception], ...] = (ApiError, LookupError, ValueError)


def safe_list(lookup: Lookup, resource: str, group: str, namespace: str | None, **kw: str | None) -> list[Obj]:
    try:
        return list(lookup.list(resource, group, namespace, **kw))
    except LOOKUP_ERRORS:
        return []


def g(obj: Mapping[str, Any] | None, *path: str, default: Any = None) -> Any:
    """Nested field access that treats missing or null fields as ``default``."""
    cur: Any = obj
    for key in path:
        if not isinstance(cur, Mapping):
            return default
        cur = cur.get(key)
        if cur is None:
            return default
    return cur


def meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    return g(obj, "metadata", default={})


def name_of(obj: Mapping[str, Any]) -> str:
    return str(g(obj, "metadata", "name", default=""))


def namespace_of(obj: Mapping[str, Any]) -> str:
    return str(g(obj, "metadata", "namespace", default=""))


def api_group(obj: Mapping[str, Any]) -> str:
    api_version = str(obj.get("apiVersion") or "")
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def go_v(value: Any) -> str:
    """Go's ``%v`` for JSON values: bools lower-case, lists ``[a b]``, maps ``map[k:v]``, nil ``<nil>``."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, list):
        return "[" + " ".join(go_v(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{go_v(value[k])}" for k in sorted(value)) + "]"
    return str(value)


def go_float(value: float) -> str:
    """``%v`` of a float64: strconv 'g' with the shortest digits; %e when exp < -4 or exp >= 6."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    _, digit_tuple, exp = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(str(d) for d in digit_tuple)
    exponent = len(digits) - 1 + int(exp)
    sign = "-" if value < 0 else ""
    if exponent < -4 or exponent >= 6:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"
    if exponent >= len(digits) - 1:
        return sign + digits + "0" * (exponent - len(digits) + 1)
    if exponent >= 0:
        return f"{sign}{digits[: exponent + 1]}.{digits[exponent + 1 :]}"
    return f"{sign}0.{'0' * (-exponent - 1)}{digits}"


def print_bool(value: Any) -> str:
    return "True" if value else "False"


def print_bool_ptr(value: Any) -> str:
    return "<unset>" if value is None else print_bool(value)


def string_or_none(value: str) -> str:
    return value if value else "<none>"


def controller_ref(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for ref in g(obj, "metadata", "ownerReferences", default=[]):
        if ref.get("controller") is True:
            return ref
    return None


def print_controller(obj: Mapping[str, Any]) -> str:
    ref = controller_ref(obj)
    if ref is None:
        return ""
    return f"{ref.get('kind', '')}/{ref.get('name', '')}"


def print_labels_multiline_with_indent(
    w: PrefixWriter,
    initial_indent: str,
    title: str,
    inner_indent: str,
    labels: Mapping[str, Any] | None,
    skip: Sequence[str] = (),
) -> None:
    w.write(LEVEL_0, f"{initial_indent}{title}:{inner_indent}")
    keys = sorted(k for k in (labels or {}) if k not in skip)
    if not keys:
        w.write_line("<none>")
        return
    assert labels is not None
    for i, key in enumerate(keys):
        if i != 0:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, inner_indent)
        w.write(LEVEL_0, f"{key}={labels[key]}\n")


def print_labels_multiline(w: PrefixWriter, title: str, labels: Mapping[str, Any] | None) -> None:
    print_labels_multiline_with_indent(w, "", title, "\t", labels)


def _shorten(text: str, max_length: int) -> str:
    # Go slices bytes; for ASCII (the common case) that is the same as characters.
    raw = text.encode()
    if len(raw) > max_length:
        return raw[:max_length].decode(errors="ignore") + "..."
    return text


def print_annotations_multiline(w: PrefixWriter, title: str, annotations: Mapping[str, Any] | None) -> None:
    w.write(LEVEL_0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.write_line("<none>")
        return
    assert annotations is not None
    indent = "\t"
    for i, key in enumerate(keys):
        if i != 0:
            w.write(LEVEL_0, indent)
        value = str(annotations[key])
        if value.endswith("\n"):
            value = value[:-1]
        if len(value.encode()) + len(key.encode()) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(LEVEL_0, f"{key}:\n")
            for line in value.split("\n"):
                w.write(LEVEL_0, f"{indent}  {_shorten(line, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(LEVEL_0, f"{key}: {value}\n")


def taint_string(taint: Mapping[str, Any]) -> str:
    """Taint.ToString: ``key=value:effect`` or ``key:effect``."""
    key, value, effect = taint.get("key", ""), taint.get("value", ""), taint.get("effect", "")
    if not value:
        return f"{key}:{effect}"
    return f"{key}={value}:{effect}"


def print_taints_multiline(w: PrefixWriter, title: str, taints: Sequence[Mapping[str, Any]] | None) -> None:
    w.write(LEVEL_0, f"{title}:\t")
    if not taints:
        w.write_line("<none>")
        return
    ordered = list(taints)
    go_sort(ordered, lambda a, b: f"{a.get('effect', '')},{a.get('key', '')}" < f"{b.get('effect', '')},{b.get('key', '')}")
    for i, taint in enumerate(ordered):
        if i != 0:
            w.write(LEVEL_0, "\t")
        w.write(LEVEL_0, f"{taint_string(taint)}\n")


def print_tolerations_multiline(
    w: PrefixWriter, title: str, tolerations: Sequence[Mapping[str, Any]] | None, initial_indent: str = ""
) -> None:
    inner = "\t"
    w.write(LEVEL_0, f"{initial_indent}{title}:{inner}")
    if not tolerations:
        w.write_line("<none>")
        return
    ordered = list(tolerations)
    go_sort(ordered, lambda a, b: str(a.get("key", "")) < str(b.get("key", "")))
    for i, tol in enumerate(ordered):
        if i != 0:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, inner)
        key, value, effect = tol.get("key", "") or "", tol.get("value", "") or "", tol.get("effect", "") or ""
        text = key
        if value:
            text += f"={value}"
        if effect:
            text += f":{effect}"
        if tol.get("operator") == "Exists" and not value:
            text += " op=Exists" if (key or effect) else "op=Exists"
        if tol.get("tolerationSeconds") is not None:
            text += f" for {tol['tolerationSeconds']}s"
        w.write(LEVEL_0, text + "\n")


def print_pods_multiline(w: PrefixWriter, title: str, pods: Sequence[Mapping[str, Any]]) -> None:
    w.write(LEVEL_0, f"{title}:\t")
    if not pods:
        w.write_line("<none>")
        return
    ordered = list(pods)
    go_sort(ordered, lambda a, b: name_of(a) < name_of(b))
    for i, pod in enumerate(ordered):
        if i != 0:
            w.write(LEVEL_0, "\t")
        w.write(LEVEL_0, f"{name_of(pod)}\n")
