"""One exception tree for labk8s.

- :class:`ApiError` carries a Kubernetes ``Status`` object, built exactly as apimachinery's
  ``pkg/api/errors/errors.go`` builds it (reason, code, message, details with causes).
- :class:`FieldError` is ``field.Error`` of ``pkg/util/validation/field/errors.go``.
- Parse errors are ``ValueError`` subclasses (:class:`ManifestError`, :class:`QuantityError`).
- :class:`SimulationError` is a broken invariant inside the simulator.

Standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "ApiError",
    "FieldError",
    "LabK8sError",
    "ManifestError",
    "QuantityError",
    "SimulationError",
    "aggregate_message",
    "qualified_resource",
]


class LabK8sError(Exception):
    """Base of every labk8s exception."""


class SimulationError(LabK8sError):
    """An invariant of the simulator was broken (a bug, never bad user input)."""


class ManifestError(LabK8sError, ValueError):
    """Text that cannot be parsed as YAML/JSON manifests. The message names the line."""

    def __init__(self, message: str, line: int | None = None, source: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.source = source


class QuantityError(LabK8sError, ValueError):
    """A malformed resource quantity (apimachinery's parse error text)."""


# -- field errors (pkg/util/validation/field/errors.go) ---------------------------------------------

_TYPE_BODY = {
    "FieldValueNotFound": "Not found",
    "FieldValueRequired": "Required value",
    "FieldValueDuplicate": "Duplicate value",
    "FieldValueInvalid": "Invalid value",
    "FieldValueNotSupported": "Unsupported value",
    "FieldValueForbidden": "Forbidden",
    "FieldValueTooLong": "Too long",
    "FieldValueTooMany": "Too many",
    "InternalError": "Internal error",
    "FieldValueTypeInvalid": "Invalid value",
}

_OMIT = object()


def _go_value(value: Any) -> str:
    """Render a bad value as field.Error does: %q for strings, %v for numbers/bools, JSON otherwise."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if value is None:
        return "null"
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


class FieldError:
    """One validation error at a field path (``spec.containers[0].image``)."""

    __slots__ = ("type", "field", "bad_value", "detail")

    def __init__(self, type: str, field: str, bad_value: Any = _OMIT, detail: str = "") -> None:
        self.type = type
        self.field = field
        self.bad_value = bad_value
        self.detail = detail

    # Constructors named as in the field package.
    @classmethod
    def required(cls, field: str, detail: str = "") -> FieldError:
        return cls("FieldValueRequired", field, _OMIT, detail)

    @classmethod
    def invalid(cls, field: str, value: Any, detail: str = "") -> FieldError:
        return cls("FieldValueInvalid", field, value, detail)

    @classmethod
    def forbidden(cls, field: str, detail: str = "") -> FieldError:
        return cls("FieldValueForbidden", field, _OMIT, detail)

    @classmethod
    def duplicate(cls, field: str, value: Any) -> FieldError:
        return cls("FieldValueDuplicate", field, value, "")

    @classmethod
    def not_found(cls, field: str, value: Any) -> FieldError:
        return cls("FieldValueNotFound", field, value, "")

    @classmethod
    def not_supported(cls, field: str, value: Any, valid: Sequence[str]) -> FieldError:
        detail = "supported values: " + ", ".join(json.dumps(v) for v in valid) if valid else ""
        return cls("FieldValueNotSupported", field, value, detail)

    @classmethod
    def too_long(cls, field: str, value: Any, max_length: int) -> FieldError:
        detail = f"may not be more than {max_length} bytes" if max_length >= 0 else "value is too long"
        return cls("FieldValueTooLong", field, _OMIT, detail)

    @classmethod
    def too_many(cls, field: str, actual: int, max_items: int) -> FieldError:
        return cls("FieldValueTooMany", field, actual, f"must have at most {max_items} items")

    @classmethod
    def internal(cls, field: str, detail: str) -> FieldError:
        return cls("InternalError", field, _OMIT, detail)

    def error_body(self) -> str:
        body = _TYPE_BODY.get(self.type, self.type)
        if self.type in ("FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "InternalError"):
            pass
        elif self.bad_value is not _OMIT:
            body = f"{body}: {_go_value(self.bad_value)}"
        if self.detail:
            body = f"{body}: {self.detail}"
        return body

    def __str__(self) -> str:
        return f"{self.field}: {self.error_body()}"

    def __repr__(self) -> str:
        return f"FieldError({self})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and str(self) == str(other) and self.type == other.type

    def __hash__(self) -> int:
        return hash((self.type, str(self)))


def aggregate_message(messages: Iterable[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message as is, several as ``[a, b]``, deduplicated."""
    seen: list[str] = []
    for m in messages:
        if m not in seen:
            seen.append(m)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


def qualified_resource(resource: str, group: str) -> str:
    """schema.GroupResource.String(): ``pods`` or ``deployments.apps``."""
    return f"{resource}.{group}" if group else resource


# -- ApiError ---------------------------------------------------------------------------------------


class ApiError(LabK8sError):
    """A failed API request, carrying the Kubernetes ``Status`` object."""

    def __init__(self, status: dict[str, Any]) -> None:
        super().__init__(status.get("message", ""))
        self.status = status

    @property
    def code(self) -> int:
        return int(self.status.get("code", 500))

    @property
    def reason(self) -> str:
        return str(self.status.get("reason", ""))

    @property
    def message(self) -> str:
        return str(self.status.get("message", ""))

    @property
    def details(self) -> dict[str, Any]:
        return dict(self.status.get("details", {}))

    @property
    def causes(self) -> list[dict[str, Any]]:
        return list(self.status.get("details", {}).get("causes", []))

    def __repr__(self) -> str:
        return f"ApiError({self.code} {self.reason}: {self.message})"

    # -- constructors, as in k8s.io/apimachinery/pkg/api/errors ----------------------------------
    @staticmethod
    def _make(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> ApiError:
        status: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": reason,
        }
        if details is not None:
            status["details"] = details
        status["code"] = code
        return ApiError(status)

    @staticmethod
    def _details(name: str, group: str, kind: str) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if name:
            d["name"] = name
        if group:
            d["group"] = group
        if kind:
            d["kind"] = kind
        return d

    @classmethod
    def not_found(cls, resource: str, group: str, name: str) -> ApiError:
        qr = qualified_resource(resource, group)
        return cls._make(404, "NotFound", f'{qr} "{name}" not found', cls._details(name, group, resource))

    @classmethod
    def already_exists(cls, resource: str, group: str, name: str) -> ApiError:
        qr = qualified_resource(resource, group)
        return cls._make(409, "AlreadyExists", f'{qr} "{name}" already exists',
                         cls._details(name, group, resource))

    @classmethod
    def generate_name_conflict(cls, resource: str, group: str, name: str, retry_after: int = 1) -> ApiError:
        qr = qualified_resource(resource, group)
        d = cls._details(name, group, resource)
        d["retryAfterSeconds"] = retry_after
        return cls._make(409, "AlreadyExists",
                         f'{qr} "{name}" already exists, the server was not able to generate a unique '
                         "name for the object", d)

    @classmethod
    def conflict(cls, resource: str, group: str, name: str, err: str) -> ApiError:
        qr = qualified_resource(resource, group)
        return cls._make(409, "Conflict", f'Operation cannot be fulfilled on {qr} "{name}": {err}',
                         cls._details(name, group, resource))

    @classmethod
    def optimistic_lock(cls, resource: str, group: str, name: str) -> ApiError:
        return cls.conflict(resource, group, name, "the object has been modified; please apply your "
                            "changes to the latest version and try again")

    @classmethod
    def invalid(cls, kind: str, group: str, name: str, errors: Sequence[FieldError]) -> ApiError:
        causes = [{"reason": e.type, "message": e.error_body(), "field": e.field} for e in errors]
        d = cls._details(name, group, kind)
        d["causes"] = causes
        agg = aggregate_message(str(e) for e in errors)
        message = f'{kind}.{group} "{name}" is invalid: {agg}' if group else f'{kind} "{name}" is invalid: {agg}'
        return cls._make(422, "Invalid", message, d)

    @classmethod
    def forbidden(cls, resource: str, group: str, name: str, err: str) -> ApiError:
        qr = qualified_resource(resource, group)
        subject = f'{qr} "{name}"' if name else qr
        return cls._make(403, "Forbidden", f"{subject} is forbidden: {err}", cls._details(name, group, resource))

    @classmethod
    def bad_request(cls, message: str) -> ApiError:
        return cls._make(400, "BadRequest", message)

    @classmethod
    def method_not_supported(cls, resource: str, group: str, action: str) -> ApiError:
        qr = qualified_resource(resource, group)
        return cls._make(405, "MethodNotAllowed", f"{action} is not supported on resources of kind {qr!r}",
                         cls._details("", group, resource))

    @classmethod
    def expired(cls, message: str) -> ApiError:
        return cls._make(410, "Expired", message)

    @classmethod
    def gone(cls, message: str) -> ApiError:
        return cls._make(410, "Gone", message)

    @classmethod
    def internal(cls, message: str) -> ApiError:
        return cls._make(500, "InternalError", f"Internal error occurred: {message}")

    @classmethod
    def not_found_resource_type(cls, message: str = "the server could not find the requested resource") -> ApiError:
        return cls._make(404, "NotFound", message)
