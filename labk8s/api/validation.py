"""Name, label and ObjectMeta validation with apimachinery's exact messages.

Sources (Kubernetes v1.37): ``pkg/util/validation/validation.go`` (DNS names, ``characters`` in the
length message), ``pkg/api/validate/content`` (label keys and values, ``bytes`` in the length message),
``pkg/api/validation/{generic,objectmeta}.go`` (ObjectMeta) and ``pkg/apis/meta/v1/validation``
(labels, managedFields). The ``is_*`` functions return lists of message strings as upstream returns
``[]string``; the ``validate_*`` functions return lists of :class:`~labk8s.errors.FieldError`.

Lengths are counted in UTF-8 bytes, as Go's ``len``. Where upstream ranges over a Go map (labels,
annotations) the keys are visited in sorted order, so the error list is deterministic.

Standard library only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from labk8s.errors import FieldError

__all__ = [
    "FIELD_IMMUTABLE_ERROR_MSG",
    "NAME_RULES",
    "NameValidator",
    "TOTAL_ANNOTATION_SIZE_LIMIT_B",
    "is_dns1035_label",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_label_key",
    "is_qualified_name",
    "is_valid_label_value",
    "is_valid_path_segment_name",
    "is_valid_path_segment_prefix",
    "mask_trailing_dash",
    "max_len_error",
    "name_is_dns1035_label",
    "name_is_dns_label",
    "name_is_dns_subdomain",
    "regex_error",
    "validate_annotations",
    "validate_finalizer_name",
    "validate_finalizers",
    "validate_immutable_field",
    "validate_label_name",
    "validate_labels",
    "validate_managed_fields",
    "validate_namespace_name",
    "validate_object_meta",
    "validate_object_meta_update",
    "validate_owner_references",
    "validate_path_segment_name",
]

NameValidator = Callable[[str, bool], list[str]]

FIELD_IMMUTABLE_ERROR_MSG: Final = "field is immutable"
TOTAL_ANNOTATION_SIZE_LIMIT_B: Final = 256 * (1 << 10)  # 256 kB
IS_NEGATIVE_ERROR_MSG: Final = "must be greater than or equal to 0"


def _blen(s: str) -> int:
    """Go's len(): UTF-8 bytes."""
    return len(s) if s.isascii() else len(s.encode("utf-8"))


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """RegexError: note the doubled space before each ``or`` (``'ex1',  or 'ex2', ``)."""
    if not examples:
        return msg + " (regex used for validation is '" + fmt + "')"
    out = msg + " (e.g. "
    for i, example in enumerate(examples):
        if i > 0:
            out += " or "
        out += "'" + example + "', "
    return out + "regex used for validation is '" + fmt + "')"


def max_len_error(length: int) -> str:
    """util/validation.MaxLenError (DNS names)."""
    return f"must be no more than {length} characters"


def _content_max_len_error(length: int) -> str:
    """validate/content.MaxLenError (label keys and values): the newest text says bytes."""
    return f"must be no more than {length} bytes"


def _empty_error() -> str:
    return "must be non-empty"


# -- DNS names (util/validation) ------------------------------------------------------------------------------

DNS1123_LABEL_FMT: Final = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_LABEL_ERR_MSG: Final = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
DNS1123_LABEL_MAX_LENGTH: Final = 63
DNS1123_SUBDOMAIN_FMT: Final = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
DNS1123_SUBDOMAIN_ERR_MSG: Final = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
DNS1123_SUBDOMAIN_MAX_LENGTH: Final = 253
DNS1035_LABEL_FMT: Final = "[a-z]([-a-z0-9]*[a-z0-9])?"
DNS1035_LABEL_ERR_MSG: Final = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
    "start with an alphabetic character, and end with an alphanumeric character"
)
DNS1035_LABEL_MAX_LENGTH: Final = 63

# fullmatch: Go's `^...$` never matches before a trailing newline, Python's `$` would.
_dns1123_label_re: Final = re.compile(DNS1123_LABEL_FMT)
_dns1123_subdomain_re: Final = re.compile(DNS1123_SUBDOMAIN_FMT)
_dns1035_label_re: Final = re.compile(DNS1035_LABEL_FMT)


def is_dns1123_label(value: str) -> list[str]:
    """IsDNS1123Label: RFC 1123 label, at most 63 characters (Namespace names, volume names)."""
    errs: list[str] = []
    if _blen(value) > DNS1123_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_LABEL_MAX_LENGTH))
    if _dns1123_label_re.fullmatch(value) is None:
        if _dns1123_subdomain_re.fullmatch(value) is not None:
            # A valid subdomain but not a valid label: since length was checked, it must be dots.
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(DNS1123_LABEL_ERR_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    """IsDNS1123Subdomain: at most 253 characters, no per-label limit."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if _dns1123_subdomain_re.fullmatch(value) is None:
        errs.append(regex_error(DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label: starts with a letter (Service names)."""
    errs: list[str] = []
    if _blen(value) > DNS1035_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1035_LABEL_MAX_LENGTH))
    if _dns1035_label_re.fullmatch(value) is None:
        errs.append(regex_error(DNS1035_LABEL_ERR_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


# -- label keys and values (validate/content) -----------------------------------------------------------------

LABEL_KEY_FMT: Final = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_KEY_ERR_MSG: Final = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
)
LABEL_KEY_MAX_LENGTH: Final = 63
LABEL_VALUE_FMT: Final = "(" + LABEL_KEY_FMT + ")?"
LABEL_VALUE_ERR_MSG: Final = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
LABEL_VALUE_MAX_LENGTH: Final = 63

_label_key_re: Final = re.compile(LABEL_KEY_FMT)
_label_value_re: Final = re.compile(LABEL_VALUE_FMT)


def _content_is_dns1123_subdomain(value: str) -> list[str]:
    """content.IsDNS1123Subdomain (the label-key prefix): as util's, but the length message says bytes."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(_content_max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if _dns1123_subdomain_re.fullmatch(value) is None:
        errs.append(regex_error(DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_label_key(value: str) -> list[str]:
    """content.IsLabelKey (= IsQualifiedName): ``[prefix/]name`` with a DNS-1123 subdomain prefix."""
    if _blen(value) <= LABEL_KEY_MAX_LENGTH and _label_key_re.fullmatch(value) is not None:
        return []  # the common case: a plain valid name (no '/' can match the regex)
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + _empty_error())
        else:
            errs.extend("prefix part " + m for m in _content_is_dns1123_subdomain(prefix))
    else:
        return [
            "a valid label key "
            + regex_error(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part " + _empty_error())
    elif _blen(name) > LABEL_KEY_MAX_LENGTH:
        errs.append("name part " + _content_max_len_error(LABEL_KEY_MAX_LENGTH))
    if _label_key_re.fullmatch(name) is None:
        errs.append("name part " + regex_error(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc"))
    return errs


is_qualified_name = is_label_key  # util/validation.IsQualifiedName = content.IsLabelKey


def is_valid_label_value(value: str) -> list[str]:
    """content.IsLabelValue: empty, or a name of at most 63 bytes."""
    errs: list[str] = []
    if _blen(value) > LABEL_VALUE_MAX_LENGTH:
        errs.append(_content_max_len_error(LABEL_VALUE_MAX_LENGTH))
    if _label_value_re.fullmatch(value) is None:
        errs.append(regex_error(LABEL_VALUE_ERR_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


# -- path segments (api/validation/path) ----------------------------------------------------------------------

_NAME_MAY_NOT_BE: Final = (".", "..")
_NAME_MAY_NOT_CONTAIN: Final = ("/", "%")


def is_valid_path_segment_prefix(name: str) -> list[str]:
    """IsValidPathSegmentPrefix."""
    return [f"may not contain '{c}'" for c in _NAME_MAY_NOT_CONTAIN if c in name]


def is_valid_path_segment_name(name: str) -> list[str]:
    """IsValidPathSegmentName: not ``.``/``..``, no ``/`` or ``%`` (no length limit, empty allowed)."""
    if name in _NAME_MAY_NOT_BE:
        return [f"may not be '{name}'"]
    return is_valid_path_segment_prefix(name)


# -- name validators: (name, prefix) -> messages (api/validation/generic.go) ----------------------------------


def mask_trailing_dash(name: str) -> str:
    """maskTrailingDash: a generateName ending in '-' loses its last two characters and gains an 'a'."""
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    """NameIsDNSSubdomain (Pods, Secrets, ConfigMaps, Nodes, most kinds)."""
    if prefix:
        name = mask_trailing_dash(name)
    return is_dns1123_subdomain(name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    """NameIsDNSLabel (Namespaces)."""
    if prefix:
        name = mask_trailing_dash(name)
    return is_dns1123_label(name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    """NameIsDNS1035Label (Services)."""
    if prefix:
        name = mask_trailing_dash(name)
    return is_dns1035_label(name)


def validate_path_segment_name(name: str, prefix: bool) -> list[str]:
    """path.ValidatePathSegmentName (kinds whose names only need to be URL-safe, e.g. RBAC roles)."""
    if prefix:
        return is_valid_path_segment_prefix(name)
    return is_valid_path_segment_name(name)


validate_namespace_name = name_is_dns_label  # ValidateNamespaceName

NAME_RULES: Final[dict[str, NameValidator]] = {
    "dns1123subdomain": name_is_dns_subdomain,
    "dns1123label": name_is_dns_label,
    "dns1035label": name_is_dns1035_label,
    "path_segment": validate_path_segment_name,
}


# -- Go value rendering for FieldError bad values that are Go structs ------------------------------------------


def _go_json(value: Any) -> str:
    """json.Marshal: keys in the given (struct field) order, HTML-safe escaping as Go does."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


class _StructFieldError(FieldError):
    """field.Invalid whose bad value is a Go struct: JSON in struct field order (FieldError sorts keys)."""

    __slots__ = ()

    def error_body(self) -> str:
        body = f"Invalid value: {_go_json(self.bad_value)}"
        if self.detail:
            body = f"{body}: {self.detail}"
        return body


def _go_quote_list(values: Iterable[str]) -> str:
    """%#v of a []string: ``[]string{"a", "b"}``."""
    return "[]string{" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "}"


# -- FieldError validators ------------------------------------------------------------------------------------


def validate_label_name(label_name: str, path: str) -> list[FieldError]:
    """ValidateLabelName: the key as a qualified name; errors are reported at ``path`` itself."""
    return [FieldError.invalid(path, label_name, msg) for msg in is_qualified_name(label_name)]


def validate_labels(labels: Mapping[str, str] | None, path: str) -> list[FieldError]:
    """ValidateLabels: every key a qualified name, every value a label value; errors at ``path``."""
    if not labels:
        return []
    errs: list[FieldError] = []
    for k in sorted(labels):
        v = labels[k]
        if not (_blen(k) <= LABEL_KEY_MAX_LENGTH and _label_key_re.fullmatch(k) is not None):
            errs.extend(validate_label_name(k, path))
        if not (_blen(v) <= LABEL_VALUE_MAX_LENGTH and _label_value_re.fullmatch(v) is not None):
            errs.extend(FieldError.invalid(path, v, msg) for msg in is_valid_label_value(v))
    return errs


def validate_annotations(annotations: Mapping[str, str] | None, path: str) -> list[FieldError]:
    """ValidateAnnotations: keys are qualified names compared lowercase; total size at most 256 KiB."""
    if not annotations:
        return []
    errs: list[FieldError] = []
    total = 0
    for k in sorted(annotations):
        # The rule is QualifiedName except that case doesn't matter.
        errs.extend(FieldError.invalid(path, k, msg) for msg in is_qualified_name(k.lower()))
        total += _blen(k) + _blen(annotations[k])
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B:
        errs.append(FieldError.too_long(path, "", TOTAL_ANNOTATION_SIZE_LIMIT_B))
    return errs


def _owner_reference_struct(ref: Mapping[str, Any]) -> dict[str, Any]:
    """metav1.OwnerReference as json.Marshal writes it (field order, omitempty pointers)."""
    out: dict[str, Any] = {
        "apiVersion": ref.get("apiVersion") or "",
        "kind": ref.get("kind") or "",
        "name": ref.get("name") or "",
        "uid": ref.get("uid") or "",
    }
    if ref.get("controller") is not None:
        out["controller"] = ref["controller"]
    if ref.get("blockOwnerDeletion") is not None:
        out["blockOwnerDeletion"] = ref["blockOwnerDeletion"]
    return out


def _parse_group_version(api_version: str) -> tuple[str, str]:
    """schema.ParseGroupVersion, with FromAPIVersionAndKind's fallback to an empty group/version."""
    if not api_version or api_version == "/":
        return "", ""
    slashes = api_version.count("/")
    if slashes == 0:
        return "", api_version
    if slashes == 1:
        group, version = api_version.split("/")
        return group, version
    return "", ""


_BANNED_OWNERS: Final = frozenset({("", "v1", "Event")})


def _validate_owner_reference(ref: Mapping[str, Any], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    api_version = ref.get("apiVersion") or ""
    kind = ref.get("kind") or ""
    group, version = _parse_group_version(api_version)
    if not version:
        errs.append(FieldError.invalid(f"{path}.apiVersion", api_version, "version must not be empty"))
    if not kind:
        errs.append(FieldError.invalid(f"{path}.kind", kind, "must not be empty"))
    if not ref.get("name"):
        errs.append(FieldError.invalid(f"{path}.name", ref.get("name") or "", "must not be empty"))
    if not ref.get("uid"):
        errs.append(FieldError.invalid(f"{path}.uid", ref.get("uid") or "", "must not be empty"))
    if (group, version, kind) in _BANNED_OWNERS:
        gvk = f"{group}/{version}, Kind={kind}"
        errs.append(
            _StructFieldError(
                "FieldValueInvalid", path, _owner_reference_struct(ref), f"{gvk} is disallowed from being an owner"
            )
        )
    return errs


def validate_owner_references(refs: Sequence[Mapping[str, Any]] | None, path: str) -> list[FieldError]:
    """ValidateOwnerReferences: each reference complete, at most one with ``controller: true``."""
    if not refs:
        return []
    errs: list[FieldError] = []
    first_controller = ""
    for ref in refs:
        errs.extend(_validate_owner_reference(ref, path))
        if ref.get("controller"):
            current = f"{ref.get('kind') or ''}/{ref.get('name') or ''}"
            if first_controller:
                errs.append(
                    _StructFieldError(
                        "FieldValueInvalid",
                        path,
                        [_owner_reference_struct(r) for r in refs],
                        'Only one reference can have Controller set to true. Found "true" in references for '
                        f"{first_controller} and {current}",
                    )
                )
            else:
                first_controller = current
    return errs


FINALIZER_ORPHAN_DEPENDENTS: Final = "orphan"
FINALIZER_DELETE_DEPENDENTS: Final = "foregroundDeletion"


def validate_finalizer_name(name: str, path: str) -> list[FieldError]:
    """ValidateFinalizerName: a qualified name."""
    return [FieldError.invalid(path, name, msg) for msg in is_qualified_name(name)]


def validate_finalizers(finalizers: Sequence[str] | None, path: str) -> list[FieldError]:
    """ValidateFinalizers: qualified names (errors at ``path``), not both orphan and foregroundDeletion."""
    if not finalizers:
        return []
    errs: list[FieldError] = []
    for f in finalizers:
        errs.extend(validate_finalizer_name(f, path))
    if FINALIZER_ORPHAN_DEPENDENTS in finalizers and FINALIZER_DELETE_DEPENDENTS in finalizers:
        errs.append(
            FieldError.invalid(
                path,
                list(finalizers),
                f"finalizer {FINALIZER_ORPHAN_DEPENDENTS} and {FINALIZER_DELETE_DEPENDENTS} cannot be both set",
            )
        )
    return errs


FIELD_MANAGER_MAX_LENGTH: Final = 128
MAX_SUBRESOURCE_NAME_LENGTH: Final = 256


def _validate_field_manager(manager: str, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if _blen(manager) > FIELD_MANAGER_MAX_LENGTH:
        errs.append(FieldError.too_long(path, manager, FIELD_MANAGER_MAX_LENGTH))
    offset = 0
    for ch in manager:
        if not ch.isprintable():
            errs.append(FieldError.invalid(path, manager, f"invalid character U+{ord(ch):04X} (at position {offset})"))
        offset += _blen(ch)
    return errs


def validate_managed_fields(entries: Sequence[Mapping[str, Any]] | None, path: str) -> list[FieldError]:
    """ValidateManagedFields: operation Apply|Update, fieldsType FieldsV1, manager and subresource lengths."""
    errs: list[FieldError] = []
    for i, entry in enumerate(entries or ()):
        p = f"{path}[{i}]"
        operation = entry.get("operation") or ""
        if operation not in ("Apply", "Update"):
            errs.append(FieldError.invalid(f"{p}.operation", operation, "must be `Apply` or `Update`"))
        fields_type = entry.get("fieldsType") or ""
        if fields_type and fields_type != "FieldsV1":
            errs.append(FieldError.invalid(f"{p}.fieldsType", fields_type, "must be `FieldsV1`"))
        errs.extend(_validate_field_manager(entry.get("manager") or "", f"{p}.manager"))
        subresource = entry.get("subresource") or ""
        if _blen(subresource) > MAX_SUBRESOURCE_NAME_LENGTH:
            errs.append(FieldError.too_long(f"{p}.subresource", subresource, MAX_SUBRESOURCE_NAME_LENGTH))
    return errs


def _name_validator(name_rule: str | NameValidator) -> NameValidator:
    if callable(name_rule):
        return name_rule
    try:
        return NAME_RULES[name_rule]
    except KeyError:
        raise ValueError(f"unknown name rule {name_rule!r}; expected one of {sorted(NAME_RULES)}") from None


def validate_object_meta(
    meta: Mapping[str, Any],
    requires_namespace: bool,
    name_rule: str | NameValidator,
    path: str = "metadata",
) -> list[FieldError]:
    """ValidateObjectMeta (ValidateObjectMetaAccessor) for a create.

    ``name_rule`` is ``"dns1123subdomain"``, ``"dns1123label"``, ``"dns1035label"``, ``"path_segment"`` or a
    ``(name, prefix) -> [messages]`` function. As upstream, it expects name generation to have run already:
    an empty ``name`` is ``Required value: name or generateName is required`` even when ``generateName`` is
    set, and ``generateName`` itself is validated as a prefix (``mask_trailing_dash``).
    """
    name_fn = _name_validator(name_rule)
    errs: list[FieldError] = []
    generate_name = meta.get("generateName") or ""
    if generate_name:
        errs.extend(
            FieldError.invalid(f"{path}.generateName", generate_name, msg) for msg in name_fn(generate_name, True)
        )
    name = meta.get("name") or ""
    if not name:
        errs.append(FieldError.required(f"{path}.name", "name or generateName is required"))
    else:
        errs.extend(FieldError.invalid(f"{path}.name", name, msg) for msg in name_fn(name, False))

    namespace = meta.get("namespace") or ""
    if requires_namespace:
        if not namespace:
            errs.append(FieldError.required(f"{path}.namespace"))
        else:
            errs.extend(
                FieldError.invalid(f"{path}.namespace", namespace, msg)
                for msg in validate_namespace_name(namespace, False)
            )
    elif namespace:
        errs.append(FieldError.forbidden(f"{path}.namespace", "not allowed on this type"))

    generation = meta.get("generation") or 0
    if generation < 0:
        errs.append(FieldError.invalid(f"{path}.generation", generation, IS_NEGATIVE_ERROR_MSG))
    errs.extend(validate_labels(meta.get("labels"), f"{path}.labels"))
    errs.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    errs.extend(validate_owner_references(meta.get("ownerReferences"), f"{path}.ownerReferences"))
    errs.extend(validate_finalizers(meta.get("finalizers"), f"{path}.finalizers"))
    errs.extend(validate_managed_fields(meta.get("managedFields"), f"{path}.managedFields"))
    return errs


def validate_immutable_field(new: Any, old: Any, path: str) -> list[FieldError]:
    """ValidateImmutableField: ``Invalid value: <new>: field is immutable`` when the values differ."""
    if new != old:
        return [FieldError.invalid(path, new, FIELD_IMMUTABLE_ERROR_MSG)]
    return []


def validate_object_meta_update(
    new_meta: Mapping[str, Any], old_meta: Mapping[str, Any], path: str = "metadata"
) -> list[FieldError]:
    """ValidateObjectMetaAccessorUpdate.

    Expects the API server to have filled in ``resourceVersion`` for unconditional updates first (as the
    registry does), so an empty one is reported: ``must be specified for an update``.
    """
    errs: list[FieldError] = []
    if old_meta.get("deletionTimestamp"):
        # Finalizers cannot be added if the object is already being deleted.
        extra = sorted(set(new_meta.get("finalizers") or ()) - set(old_meta.get("finalizers") or ()))
        if extra:
            errs.append(
                FieldError.forbidden(
                    f"{path}.finalizers",
                    "no new finalizers can be added if the object is being deleted, found new finalizers "
                    + _go_quote_list(extra),
                )
            )
    resource_version = new_meta.get("resourceVersion") or ""
    if not resource_version:
        errs.append(FieldError.invalid(f"{path}.resourceVersion", resource_version, "must be specified for an update"))
    new_generation = new_meta.get("generation") or 0
    if new_generation < (old_meta.get("generation") or 0):
        errs.append(FieldError.invalid(f"{path}.generation", new_generation, "must not be decremented"))

    # Strings compare with "" for absent (Go zero values); pointers and times with None (null).
    for field in ("name", "namespace", "uid"):
        errs.extend(
            validate_immutable_field(new_meta.get(field) or "", old_meta.get(field) or "", f"{path}.{field}")
        )
    for field in ("creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"):
        errs.extend(validate_immutable_field(new_meta.get(field), old_meta.get(field), f"{path}.{field}"))

    errs.extend(validate_labels(new_meta.get("labels"), f"{path}.labels"))
    errs.extend(validate_annotations(new_meta.get("annotations"), f"{path}.annotations"))
    errs.extend(validate_owner_references(new_meta.get("ownerReferences"), f"{path}.ownerReferences"))
    errs.extend(validate_managed_fields(new_meta.get("managedFields"), f"{path}.managedFields"))
    return errs
