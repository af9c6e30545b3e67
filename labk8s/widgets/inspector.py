"""ObjectInspector: pick an object; see its YAML (`kubectl get -o yaml`) and its history of changes,
as the Recorder's watch delivered them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from labk8s.analysis.history import Change
from labk8s.analysis.source import read_object, read_objects, resource
from labk8s.cluster import Cluster
from labk8s.kubectl.printers import to_yaml
from labk8s.widgets.base import View
from labk8s.widgets.html import note, pre, table

if TYPE_CHECKING:
    from labk8s.widgets.stepper import Stepper

#: Kinds offered by the kind picker: (label, kubectl name).
KINDS = [("Pod", "pods"), ("Deployment", "deployments.apps"), ("ReplicaSet", "replicasets.apps"),
         ("StatefulSet", "statefulsets.apps"), ("DaemonSet", "daemonsets.apps"), ("Job", "jobs.batch"),
         ("Service", "services"), ("EndpointSlice", "endpointslices.discovery.k8s.io"), ("Node", "nodes"),
         ("ConfigMap", "configmaps"), ("PersistentVolumeClaim", "persistentvolumeclaims"),
         ("PersistentVolume", "persistentvolumes")]
#: Fields that change on every write and say nothing about what changed.
IGNORED = ("metadata.resourceVersion", "metadata.managedFields")
MAX_PATHS = 6


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf paths of a JSON value: {"status.phase": "Running", "spec.containers[0].image": "nginx"}."""
    out: dict[str, Any] = {}
    if isinstance(value, dict) and value:
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = value
    return out


def _short(value: Any) -> str:
    text = "<none>" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What changed between two versions, one "path: old -> new" per leaf, in path order."""
    if old is None:
        return []
    a, b = flatten(old), flatten(new)
    out: list[str] = []
    for path in sorted(set(a) | set(b)):
        if path.startswith(IGNORED) or a.get(path, ...) == b.get(path, ...):
            continue
        if path not in a:
            out.append(f"+ {path}: {_short(b[path])}")
        elif path not in b:
            out.append(f"- {path}")
        else:
            out.append(f"{path}: {_short(a[path])} -> {_short(b[path])}")
    return out


class ObjectInspector(View):
    """A kind picker, an object picker, the object's YAML now, and every change recorded since the
    recording began (time, watch event type, resourceVersion, and the fields that changed)."""

    title = "ObjectInspector"

    def __init__(self, source: Stepper | Cluster, kind: str = "pods", name: str | None = None,
                 namespace: str = "default") -> None:
        super().__init__(source)
        rt = resource(kind)
        options = KINDS if any(label == rt.kind for label, _ in KINDS) else [*KINDS, (rt.kind, kind)]
        self._kinds = dict(options)
        self.kind_picker = self.own(widgets.Dropdown(options=[k for k, _ in options], value=rt.kind,
                                                     description="kind"))
        self.object_picker = self.own(widgets.Dropdown(options=[], description="object"))
        self.yaml = self.own(widgets.HTML())
        self.history_html = self.own(widgets.HTML())
        self._updating = False
        self._wanted: str | None = (f"{namespace}/{name}" if rt.namespaced else name) if name else None
        self.kind_picker.observe(self._on_kind, names="value")
        self.object_picker.observe(self._on_object, names="value")
        pickers = self.own(widgets.HBox([self.kind_picker, self.object_picker]))
        self.widget.children = (pickers, self.yaml, self.history_html)
        self._summary = ""
        self._subscribe()

    # -- selection --------------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self._kinds[str(self.kind_picker.value)]

    @property
    def selected(self) -> str | None:
        """"namespace/name" (or "name" for cluster-scoped kinds) of the inspected object."""
        value = self.object_picker.value
        return None if value is None else str(value)

    def select(self, kind: str, name: str, namespace: str = "default") -> None:
        rt = resource(kind)
        self._wanted = f"{namespace}/{name}" if rt.namespaced else name
        if self.kind_picker.value != rt.kind:
            self.kind_picker.value = rt.kind  # re-renders through _on_kind
        else:
            self.refresh(force=True)

    def _on_kind(self, _change: dict[str, Any]) -> None:
        if not self._updating:
            self.refresh(force=True)

    def _on_object(self, change: dict[str, Any]) -> None:
        if not self._updating:
            self._wanted = change["new"]
            self.refresh(force=True)

    def on_attach(self) -> None:
        self._wanted = self.selected

    # -- rendering --------------------------------------------------------------------------------------
    def render_key(self) -> object:
        return (self.cluster.store.revision, self.recorder.count, self.kind_picker.value, self.selected)

    def _split(self, key: str) -> tuple[str, str]:
        ns, _, name = key.rpartition("/")
        return ns, name

    def history(self) -> list[Change]:
        if self.selected is None:
            return []
        ns, name = self._split(self.selected)
        return self.recorder.history(self.kind, name, ns or "default")

    def render(self) -> None:
        rt = self.recorder.watch(self.kind)  # record this kind from now on (no-op when already recorded)
        keys = [f"{o['metadata'].get('namespace')}/{o['metadata']['name']}" if rt.namespaced else o["metadata"]["name"]
                for o in read_objects(self.cluster, rt, None)]
        wanted = self._wanted if self._wanted is not None else (keys[0] if keys else None)
        options = keys if wanted is None or wanted in keys else [*keys, wanted]
        self._updating = True
        try:
            if list(self.object_picker.options) != options:
                self.object_picker.options = options
            self.object_picker.value = wanted
        finally:
            self._updating = False
        self._wanted = wanted
        if wanted is None:
            self.yaml.value = note(f"no {rt.plural} in the cluster")
            self.history_html.value = ""
            self._summary = f"{rt.kind}: none"
            return
        ns, name = self._split(wanted)
        obj = read_object(self.cluster, rt, name, ns)
        self.yaml.value = pre(to_yaml(obj)) if obj is not None else note(f"{rt.kind} {wanted} was deleted")
        versions = self.history()
        rows: list[list[Any]] = []
        previous: dict[str, Any] | None = None
        for ch in versions:
            changed = diff(previous, ch.object)
            shown = "\n".join(changed[:MAX_PATHS]) + (f"\n... {len(changed) - MAX_PATHS} more"
                                                       if len(changed) > MAX_PATHS else "")
            rows.append([f"{ch.time_ms / 1000:.3f}s", ch.type, ch.resource_version, ch.status, shown])
            previous = ch.object
        header = (f"<b>History</b> ({len(versions)} versions recorded since "
                  f"t={self.recorder.started_ms / 1000:.3f}s by a watch as user {self.recorder.user})")
        self.history_html.value = header + table(["TIME", "EVENT", "RV", "STATUS", "CHANGED"], rows[::-1])
        state = "deleted" if obj is None else f"resourceVersion {obj['metadata'].get('resourceVersion')}"
        self._summary = f"{rt.kind} {wanted}: {state}, {len(versions)} versions recorded"

    def summary(self) -> str:
        return self._summary
