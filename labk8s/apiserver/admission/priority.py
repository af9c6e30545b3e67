"""Priority (plugin/pkg/admission/priority): resolves priorityClassName into spec.priority and
spec.preemptionPolicy; pods without a class get the global default class or priority 0."""

from __future__ import annotations

from labk8s.apiserver.admission.interface import AdmissionPlugin, Attributes, ObjectReader
from labk8s.errors import ApiError

#: Built-in classes every API server creates (pkg/apis/scheduling: SystemPriorityClasses).
SYSTEM_CLASSES = {"system-cluster-critical": 2000000000, "system-node-critical": 2000001000}


class Priority(AdmissionPlugin):
    name = "Priority"
    operations = ("CREATE",)

    def admit(self, attrs: Attributes, reader: ObjectReader) -> None:
        rt = attrs.resource
        if rt.group != "" or rt.kind != "Pod" or attrs.subresource or attrs.obj is None:
            return
        spec = attrs.obj.setdefault("spec", {})
        name = spec.get("priorityClassName")
        pc_rt = reader.resource("scheduling.k8s.io", "PriorityClass")
        if name:
            pc = reader.cached(pc_rt, "", name)
            if pc is None:
                if name in SYSTEM_CLASSES:
                    value, policy = SYSTEM_CLASSES[name], "PreemptLowerPriority"
                else:
                    raise ApiError.forbidden(rt.plural, rt.group, attrs.name,
                                             f"no PriorityClass with name {name} was found")
            else:
                value, policy = int(pc.get("value", 0)), pc.get("preemptionPolicy") or "PreemptLowerPriority"
        else:
            default = next((p for p in reader.cached_all(pc_rt, None) if p.get("globalDefault")), None)
            if default is None:
                value, policy = 0, "PreemptLowerPriority"
            else:
                spec["priorityClassName"] = default["metadata"]["name"]
                value = int(default.get("value", 0))
                policy = default.get("preemptionPolicy") or "PreemptLowerPriority"
        if "priority" in spec and spec["priority"] != value:
            raise ApiError.forbidden(rt.plural, rt.group, attrs.name,
                                     "the integer value of priority ({}) must not be provided in pod spec; "
                                     "priority admission controller computed {} from the given PriorityClass "
                                     "name".format(spec["priority"], value))
        spec["priority"] = value
        spec.setdefault("preemptionPolicy", policy)
