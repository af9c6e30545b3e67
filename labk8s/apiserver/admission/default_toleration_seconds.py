"""DefaultTolerationSeconds (plugin/pkg/admission/defaulttolerationseconds): every pod tolerates the
not-ready and unreachable NoExecute taints for 300 s unless it says otherwise."""

from __future__ import annotations

from labk8s.apiserver.admission.interface import AdmissionPlugin, Attributes, ObjectReader

DEFAULT_NOT_READY_TOLERATION_SECONDS = 300
DEFAULT_UNREACHABLE_TOLERATION_SECONDS = 300
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"


class DefaultTolerationSeconds(AdmissionPlugin):
    name = "DefaultTolerationSeconds"
    operations = ("CREATE",)

    def admit(self, attrs: Attributes, reader: ObjectReader) -> None:
        rt = attrs.resource
        if rt.group != "" or rt.kind != "Pod" or attrs.subresource or attrs.obj is None:
            return
        spec = attrs.obj.setdefault("spec", {})
        tolerations = spec.get("tolerations") or []
        has_not_ready = has_unreachable = False
        for t in tolerations:
            if t.get("effect") in (None, "", "NoExecute"):
                key = t.get("key")
                if key == NOT_READY or (not key and t.get("operator") == "Exists"):
                    has_not_ready = True
                if key == UNREACHABLE or (not key and t.get("operator") == "Exists"):
                    has_unreachable = True
        added = list(tolerations)
        if not has_not_ready:
            added.append({"key": NOT_READY, "operator": "Exists", "effect": "NoExecute",
                          "tolerationSeconds": DEFAULT_NOT_READY_TOLERATION_SECONDS})
        if not has_unreachable:
            added.append({"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute",
                          "tolerationSeconds": DEFAULT_UNREACHABLE_TOLERATION_SECONDS})
        if len(added) != len(tolerations):
            spec["tolerations"] = added
