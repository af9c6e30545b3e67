"""Resource arithmetic of the scheduler (framework.Resource, resourcehelper.PodRequests).

Quantities are summed exactly (as apimachinery's resource.Quantity does) and converted to integers
once: milli-CPU with MilliValue, everything else with Value (both round up). Results are cached per
distinct resource shape, because the pods of one template share it.
"""

from __future__ import annotations

from typing import Any

from labk8s.api.quantity import Quantity

Obj = dict[str, Any]

CPU = "cpu"
MEMORY = "memory"
EPHEMERAL_STORAGE = "ephemeral-storage"
PODS = "pods"
#: schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: the requests assumed for a container that
#: states none, so that zero-request pods still spread (pkg/scheduler/util/pod_resources.go).
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
_POD_LEVEL = (CPU, MEMORY)
_CACHE_LIMIT = 8192


def is_extended_resource_name(name: str) -> bool:
    """v1helper.IsExtendedResourceName: a domain-prefixed name outside kubernetes.io and requests.*."""
    if "/" not in name or "kubernetes.io/" in name:
        return False
    return not name.startswith("requests.")


def is_scalar_resource_name(name: str) -> bool:
    """schedutil.IsScalarResourceName: extended, hugepages, prefixed native or attachable-volume names."""
    return (is_extended_resource_name(name) or name.startswith("hugepages-") or "kubernetes.io/" in name
            or name.startswith("attachable-volumes-"))


_milli_cache: dict[str, int] = {}
_value_cache: dict[str, int] = {}


def milli_value(v: Any) -> int:
    s = str(v)
    r = _milli_cache.get(s)
    if r is None:
        r = Quantity(s).milli_value()
        if len(_milli_cache) < _CACHE_LIMIT:
            _milli_cache[s] = r
    return r


def value(v: Any) -> int:
    s = str(v)
    r = _value_cache.get(s)
    if r is None:
        r = Quantity(s).value()
        if len(_value_cache) < _CACHE_LIMIT:
            _value_cache[s] = r
    return r


class Resource:
    """framework.Resource: milli-CPU, memory bytes, ephemeral storage bytes, allowed pods, scalars."""

    __slots__ = ("milli_cpu", "memory", "ephemeral_storage", "allowed_pod_number", "scalar")

    def __init__(self, milli_cpu: int = 0, memory: int = 0, ephemeral_storage: int = 0, allowed_pod_number: int = 0,
                 scalar: dict[str, int] | None = None) -> None:
        self.milli_cpu = milli_cpu
        self.memory = memory
        self.ephemeral_storage = ephemeral_storage
        self.allowed_pod_number = allowed_pod_number
        self.scalar: dict[str, int] = scalar if scalar is not None else {}

    @classmethod
    def from_list(cls, rl: Obj | None) -> Resource:
        """NewResource(rl): a node's allocatable or any resource list."""
        r = cls()
        r.add(rl)
        return r

    def add(self, rl: Obj | None) -> None:
        for name, q in (rl or {}).items():
            if name == CPU:
                self.milli_cpu += milli_value(q)
            elif name == MEMORY:
                self.memory += value(q)
            elif name == PODS:
                self.allowed_pod_number += value(q)
            elif name == EPHEMERAL_STORAGE:
                self.ephemeral_storage += value(q)
            elif is_scalar_resource_name(name):
                self.scalar[name] = self.scalar.get(name, 0) + value(q)

    def clone(self) -> Resource:
        return Resource(self.milli_cpu, self.memory, self.ephemeral_storage, self.allowed_pod_number,
                        dict(self.scalar))

    def is_zero(self) -> bool:
        return (self.milli_cpu == 0 and self.memory == 0 and self.ephemeral_storage == 0
                and not any(self.scalar.values()))

    def get(self, name: str) -> int:
        if name == CPU:
            return self.milli_cpu
        if name == MEMORY:
            return self.memory
        if name == EPHEMERAL_STORAGE:
            return self.ephemeral_storage
        if name == PODS:
            return self.allowed_pod_number
        return self.scalar.get(name, 0)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resource):
            return NotImplemented
        return (self.milli_cpu, self.memory, self.ephemeral_storage, self.allowed_pod_number,
                {k: v for k, v in self.scalar.items() if v}) == \
            (other.milli_cpu, other.memory, other.ephemeral_storage, other.allowed_pod_number,
             {k: v for k, v in other.scalar.items() if v})

    def __repr__(self) -> str:
        return (f"Resource(cpu={self.milli_cpu}m, memory={self.memory}, ephemeral={self.ephemeral_storage}, "
                f"pods={self.allowed_pod_number}, scalar={self.scalar})")


class PodResource:
    """fwk.PodResource: the pod's requests and its non-zero CPU/memory (cachedResource of PodInfo)."""

    __slots__ = ("requests", "non0_cpu", "non0_mem")

    def __init__(self, requests: Resource, non0_cpu: int, non0_mem: int) -> None:
        self.requests = requests
        self.non0_cpu = non0_cpu
        self.non0_mem = non0_mem


def _add_list(total: dict[str, Quantity], rl: Obj | None) -> None:
    for k, v in (rl or {}).items():
        q = Quantity(str(v))
        total[k] = total[k] + q if k in total else q


def _max_list(total: dict[str, Quantity], rl: dict[str, Quantity]) -> None:
    for k, q in rl.items():
        if k not in total or q > total[k]:
            total[k] = q


def _non_missing(reqs: Obj | None, defaults: dict[str, Quantity] | None) -> Obj | None:
    """applyNonMissing: the container's requests plus a default for each missing default resource."""
    if not defaults:
        return reqs
    out: Obj = dict(reqs or {})
    for k, q in defaults.items():
        if k not in out:
            out[k] = q
    return out


def pod_requests(spec: Obj, non_missing: dict[str, Quantity] | None = None) -> dict[str, Quantity]:
    """resourcehelper.PodRequests: sum of containers, at least each init container's need (sidecars
    included as KEP-753 defines), pod-level cpu/memory when set, plus the overhead."""
    reqs: dict[str, Quantity] = {}
    for c in spec.get("containers") or ():
        _add_list(reqs, _non_missing((c.get("resources") or {}).get("requests"), non_missing))
    restartable: dict[str, Quantity] = {}
    init_reqs: dict[str, Quantity] = {}
    for c in spec.get("initContainers") or ():
        creqs = _non_missing((c.get("resources") or {}).get("requests"), non_missing)
        if c.get("restartPolicy") == "Always":
            _add_list(reqs, creqs)
            _add_list(restartable, creqs)
            use = dict(restartable)
        else:
            use = {}
            _add_list(use, creqs)
            for k, q in restartable.items():
                use[k] = use[k] + q if k in use else q
        _max_list(init_reqs, use)
    _max_list(reqs, init_reqs)
    pod_level = (spec.get("resources") or {}).get("requests") or {}
    if any(k in pod_level for k in _POD_LEVEL):
        for k in _POD_LEVEL:
            if k in pod_level:
                reqs[k] = Quantity(str(pod_level[k]))
    _add_list(reqs, spec.get("overhead"))
    return reqs


def _shape_key(spec: Obj) -> Any:
    parts: list[Any] = []
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or ():
            res = c.get("resources") or {}
            parts.append((tuple(sorted((res.get("requests") or {}).items())), c.get("restartPolicy")))
        parts.append(None)
    parts.append(tuple(sorted(((spec.get("resources") or {}).get("requests") or {}).items())))
    parts.append(tuple(sorted((spec.get("overhead") or {}).items())))
    shape = tuple(parts)
    try:
        hash(shape)
    except TypeError:
        return None
    return shape


_DEFAULTS = {CPU: Quantity.from_milli(DEFAULT_MILLI_CPU_REQUEST), MEMORY: Quantity.from_int(DEFAULT_MEMORY_REQUEST)}
_pod_resource_cache: dict[Any, PodResource] = {}


def compute_pod_resource(spec: Obj) -> PodResource:
    """PodInfo.CalculateResource: requests as a Resource plus the non-zero CPU and memory."""
    key = _shape_key(spec)
    if key is not None:
        hit = _pod_resource_cache.get(key)
        if hit is not None:
            return hit
    reqs = pod_requests(spec)
    res = Resource()
    for k, q in reqs.items():
        res.add({k: q})
    pod_level = (spec.get("resources") or {}).get("requests") or {}
    if any(k in pod_level for k in _POD_LEVEL):
        defaults = {k: q for k, q in _DEFAULTS.items() if k not in reqs}
    else:
        defaults = dict(_DEFAULTS)
    non0 = pod_requests(spec, defaults) if defaults else reqs
    out = PodResource(res, non0[CPU].milli_value() if CPU in non0 else 0,
                      non0[MEMORY].value() if MEMORY in non0 else 0)
    if key is not None:
        if len(_pod_resource_cache) >= _CACHE_LIMIT:
            _pod_resource_cache.clear()
        _pod_resource_cache[key] = out
    return out


def requests_as_milli(spec: Obj) -> dict[str, int]:
    """PodRequests converted to integers (milli-CPU, other resources by Value), for hints."""
    out: dict[str, int] = {}
    for k, q in pod_requests(spec).items():
        out[k] = q.milli_value() if k == CPU else q.value()
    return out
