"""NamespaceLifecycle (plugin/pkg/admission/namespace/lifecycle): no new content in a namespace that does
not exist or is being deleted, and the system namespaces cannot be deleted."""

from __future__ import annotations

from labk8s.apiserver.admission.interface import AdmissionPlugin, Attributes, ObjectReader
from labk8s.errors import ApiError

IMMORTAL = ("default", "kube-public", "kube-system")


class NamespaceLifecycle(AdmissionPlugin):
    name = "NamespaceLifecycle"
    operations = ("CREATE", "UPDATE", "DELETE")

    def validate(self, attrs: Attributes, reader: ObjectReader) -> None:
        rt = attrs.resource
        if attrs.operation == "DELETE" and rt.group == "" and rt.kind == "Namespace":
            if attrs.name in IMMORTAL:
                raise ApiError.forbidden("namespaces", "", attrs.name, "this namespace may not be deleted")
            return
        if not rt.namespaced or attrs.operation != "CREATE":
            return
        ns_rt = reader.resource("", "Namespace")
        ns = reader.cached(ns_rt, "", attrs.namespace)
        if ns is None:
            raise ApiError.not_found("namespaces", "", attrs.namespace)
        if (ns.get("status") or {}).get("phase") == "Terminating" or ns["metadata"].get("deletionTimestamp"):
            # Events about the deletion itself are still let through, as upstream does.
            if rt.group_resource in ("events", "events.events.k8s.io"):
                return
            raise ApiError.forbidden(rt.plural, rt.group, attrs.name,
                                     f"unable to create new content in namespace {attrs.namespace} because it "
                                     "is being terminated")
