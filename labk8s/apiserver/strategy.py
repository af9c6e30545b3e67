"""The per-kind REST strategy, as in k8s.io/apiserver's rest.RESTCreateStrategy / RESTUpdateStrategy.

The generic registry (labk8s.apiserver.registry) calls, in order:

create:  schema decode (strict) -> ``default`` -> mutating admission -> ``prepare_for_create``
         -> generateName / metadata -> ``validate`` -> validating admission -> store
update:  schema decode -> ``default`` -> mutating admission -> ``prepare_for_update(new, old)``
         -> ``validate_update(new, old)`` -> validating admission -> store
status:  ``prepare_for_status_update(new, old)`` -> ``validate_status_update(new, old)`` -> store

Objects are plain dicts (Kubernetes JSON). Strategies mutate the dict they are given in place and
return field errors (never raise for invalid input; the registry turns errors into 422 Invalid).
"""

from __future__ import annotations

from typing import Any

from labk8s.errors import FieldError

Obj = dict[str, Any]


class Strategy:
    """Default behaviour shared by every kind; subclasses override what their kind does differently."""

    #: The kind has a ``status`` subresource: the main resource ignores status changes and
    #: the status subresource ignores everything else.
    has_status_subresource: bool = False
    #: ``metadata.generation`` is set to 1 on create and bumped when ``spec`` (or other
    #: non-metadata, non-status content) changes.
    tracks_generation: bool = True
    #: An update without ``metadata.resourceVersion`` is accepted (most kinds).
    allow_unconditional_update: bool = True
    #: How metadata.name is validated (the registry calls labk8s.api.validation.validate_object_meta):
    #: "dns1123subdomain" (most kinds), "dns1123label" (Namespace), "dns1035label" (Service),
    #: "path_segment" (RBAC and others using path.ValidatePathSegmentName).
    name_rule: str = "dns1123subdomain"

    def default(self, obj: Obj) -> None:
        """SetDefaults_* (pkg/apis/<group>/v1/defaults.go). Runs on create and update."""

    def prepare_for_create(self, obj: Obj) -> None:
        """Clear or initialise status, as the kind's strategy PrepareForCreate does."""
        if self.has_status_subresource:
            obj.pop("status", None)

    def prepare_for_update(self, new: Obj, old: Obj) -> None:
        """Keep the stored status when the kind has a status subresource (PrepareForUpdate)."""
        if self.has_status_subresource:
            if "status" in old:
                new["status"] = old["status"]
            else:
                new.pop("status", None)

    def prepare_for_status_update(self, new: Obj, old: Obj) -> None:
        """A status update changes only status (PrepareForUpdate of the status strategy)."""
        for key in list(new):
            if key not in ("status", "metadata", "apiVersion", "kind"):
                del new[key]
        for key, value in old.items():
            if key not in ("status", "metadata", "apiVersion", "kind"):
                new[key] = value

    def validate(self, obj: Obj) -> list[FieldError]:
        """Validation on create (ObjectMeta and the kind's own fields)."""
        return []

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        """Validation on update: immutable fields plus the create rules."""
        return self.validate(new)

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return []
