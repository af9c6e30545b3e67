"""ResourceQuota (plugin/pkg/admission/resourcequota): rejects a create that would take a namespace over
any of its quotas (403 Forbidden, "exceeded quota: ..."), and records the new usage in the quotas'
status, as the quota admission's evaluator does."""

from __future__ import annotations

from typing import Any

from labk8s.api.quantity import Quantity
from labk8s.api.quota import missing_compute, usage
from labk8s.apiserver.admission.interface import AdmissionPlugin, Attributes, ObjectReader
from labk8s.errors import ApiError

Obj = dict[str, Any]


def _pretty(values: dict[str, Quantity]) -> str:
    return ",".join(f"{k}={values[k]}" for k in sorted(values))


class ResourceQuota(AdmissionPlugin):
    name = "ResourceQuota"
    operations = ("CREATE",)

    def validate(self, attrs: Attributes, reader: ObjectReader) -> None:
        rt = attrs.resource
        if not rt.namespaced or attrs.obj is None or attrs.subresource:
            return
        quota_rt = reader.resource("", "ResourceQuota")
        quotas = reader.cached_all(quota_rt, attrs.namespace)
        if not quotas:
            return
        delta = usage(rt.group_resource, attrs.obj)
        if not delta:
            return
        quotas.sort(key=lambda q: q["metadata"]["name"])
        updates: list[Obj] = []
        for quota in quotas:
            hard = (quota.get("spec") or {}).get("hard") or {}
            relevant = sorted(k for k in hard if k in delta)
            if rt.group_resource == "pods":
                missing = missing_compute(attrs.obj, hard)
                if missing:
                    raise ApiError.forbidden(rt.plural, rt.group, attrs.name,
                                             f"failed quota: {quota['metadata']['name']}: {missing}")
            if not relevant:
                continue
            status = quota.get("status") or {}
            status_hard = status.get("hard") or {}
            unknown = [k for k in relevant if k not in status_hard]
            if unknown:
                raise ApiError.forbidden(rt.plural, rt.group, attrs.name,
                                         f"status unknown for quota: {quota['metadata']['name']}, resource: "
                                         f"{','.join(unknown)}")
            used = {k: Quantity(str((status.get("used") or {}).get(k, "0"))) for k in relevant}
            requested = {k: delta[k] for k in relevant}
            new_used = {k: used[k] + requested[k] for k in relevant}
            exceeded = [k for k in relevant if new_used[k] > Quantity(str(hard[k]))]
            if exceeded:
                raise ApiError.forbidden(
                    rt.plural, rt.group, attrs.name,
                    f"exceeded quota: {quota['metadata']['name']}, "
                    f"requested: {_pretty({k: requested[k] for k in exceeded})}, "
                    f"used: {_pretty({k: used[k] for k in exceeded})}, "
                    f"limited: {_pretty({k: Quantity(str(hard[k])) for k in exceeded})}")
            new_status = dict(status)
            new_status["used"] = dict(status.get("used") or {}, **{k: str(v) for k, v in new_used.items()})
            updates.append(dict(quota, status=new_status))
        if attrs.dry_run:
            return
        for q in updates:
            reader.write_status(quota_rt, q)
