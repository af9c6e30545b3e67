"""Built-in resource types and kubectl-style resource name resolution.

:class:`ResourceType` describes one served (group, version, resource) as discovery does;
:class:`ResourceRegistry` holds every one of a default kube-apiserver v1.37 (resource_table.py) and
resolves the names kubectl accepts (``po``, ``Pod``, ``deployments.apps``, ``hpa.v1.autoscaling``)
the way kubectl's RESTMapper stack does (k8s.io/client-go/restmapper/shortcut.go and discovery.go,
k8s.io/apimachinery/pkg/api/meta/restmapper.go and priority.go, and the resource builder of
k8s.io/cli-runtime/pkg/resource/builder.go).

Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from labk8s.api import resource_table as table

__all__ = [
    "NOT_SERVED",
    "REGISTRY",
    "ResourceRegistry",
    "ResourceType",
    "UnknownResourceError",
    "no_kind_match_message",
]

NOT_SERVED = table.NOT_SERVED


@dataclass(frozen=True)
class ResourceType:
    """One served resource at one version (a discovery APIResource)."""

    group: str  # "" for the core group
    version: str
    kind: str
    plural: str  # the resource name
    singular: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()

    @cached_property  # frozen: computed once (hot in the API server)
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @cached_property  # frozen: computed once (hot in the API server)
    def group_resource(self) -> str:
        """``pods`` or ``deployments.apps``: how API errors and audit records name the resource."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def list_kind(self) -> str:
        return self.kind + "List"

    @cached_property  # frozen: computed once (hot in the API server)
    def persisted(self) -> bool:
        """Whether objects are stored. Every stored built-in is watchable; reviews, bindings and
        componentstatuses are computed per request and are not."""
        return "watch" in self.verbs

    @cached_property  # frozen: computed once (hot in the API server)
    def key_prefix(self) -> str:
        """The etcd key prefix kube-apiserver uses, ``/registry/<prefix>/`` (keys continue with
        ``<namespace>/<name>`` or ``<name>``); "" for resources that are never stored. The prefix
        belongs to the storage resource, so events.k8s.io Events share ``/registry/events/`` with
        core Events, as in kube-apiserver."""
        if not self.persisted:
            return ""
        group, resource = table.COHABITATING.get((self.group, self.plural), (self.group, self.plural))
        return "/registry/" + table.SPECIAL_PREFIXES.get((group, resource), resource) + "/"


class UnknownResourceError(ValueError):
    """kubectl's answer to a name that no served resource or kind matches."""

    def __init__(self, resource: str) -> None:
        super().__init__(f'the server doesn\'t have a resource type "{resource}"')
        self.resource = resource


def no_kind_match_message(api_version: str, kind: str) -> str:
    """NoKindMatchError text (apimachinery meta/errors.go) for one searched version, as kubectl apply
    and the API server print it: ``no matches for kind "CronJob" in version "batch/v1beta1"``."""
    return f'no matches for kind "{kind}" in version "{api_version}"'


def _split_arg(arg: str) -> tuple[tuple[str, str, str] | None, tuple[str, str]]:
    """schema.ParseResourceArg / ParseKindArg: ``name.version.group`` (two dots or more) and
    ``name.group`` (first dot). Returns ((group, version, name) or None, (group, name))."""
    full = None
    if arg.count(".") >= 2:
        name, version, group = arg.split(".", 2)
        full = (group, version, name)
    name, _, group = arg.partition(".")
    return full, (group, name)


class ResourceRegistry:
    """Every served resource type, looked up by GVK, by kubectl name, or by category."""

    def __init__(self, types: Iterable[ResourceType], group_order: Iterable[str],
                 group_versions: dict[str, tuple[str, ...]]) -> None:
        self._group_order = tuple(group_order)
        self._group_versions = dict(group_versions)
        rank = {group: i for i, group in enumerate(self._group_order)}
        for rt in types:
            if rt.group not in rank or rt.version not in self._group_versions[rt.group]:
                raise ValueError(f"{rt.api_version} {rt.kind}: group version not in the discovery order")

        def discovery_key(rt: ResourceType) -> tuple[int, int, str]:
            return rank[rt.group], self._group_versions[rt.group].index(rt.version), rt.plural

        # Discovery order: groups by priority, versions preferred first, resources by name. The
        # RESTMapper's priorities and the short-name expansion both walk this order.
        self._types = tuple(sorted(types, key=discovery_key))
        self._by_gvk = {(rt.api_version, rt.kind): rt for rt in self._types}
        self._by_resource = {(rt.group, rt.version, rt.plural): rt for rt in self._types}
        # PriorityRESTMapper.ResourcePriority: core v1, then per group its preferred version
        # followed by its other versions, then any version of each group.
        self._priority: tuple[tuple[str, str | None], ...] = (("", "v1"),) + tuple(
            (group, version) for group in self._group_order for version in self._group_versions[group]
        ) + tuple((group, None) for group in self._group_order)

    # -- lookups -----------------------------------------------------------------------------------
    def for_gvk(self, api_version: str, kind: str) -> ResourceType | None:
        """The resource served for a manifest's apiVersion and kind (exact, case-sensitive, as the
        API server decodes); None for removed, disabled or unknown versions and kinds."""
        return self._by_gvk.get((api_version, kind))

    def preferred(self, group: str, kind: str) -> ResourceType | None:
        """The kind at its group's preferred version."""
        for version in self._group_versions.get(group, ()):
            rt = self._by_gvk.get((f"{group}/{version}" if group else version, kind))
            if rt is not None:
                return rt
        return None

    def for_resource(self, group: str, resource: str, version: str | None = None) -> ResourceType | None:
        """A resource by its exact name, at ``version`` or at the group's preferred version."""
        for v in (version,) if version else self._group_versions.get(group, ()):
            rt = self._by_resource.get((group, v, resource))
            if rt is not None:
                return rt
        return None

    def preferred_version(self, group: str) -> str | None:
        versions = self._group_versions.get(group)
        return versions[0] if versions else None

    def versions(self, group: str) -> tuple[str, ...]:
        """Served versions of a group, preferred first."""
        return self._group_versions.get(group, ())

    def groups(self) -> tuple[str, ...]:
        """Served groups in discovery order ("" first)."""
        return self._group_order

    def served(self) -> list[ResourceType]:
        """Every served resource at every served version, in discovery order."""
        return list(self._types)

    def all(self) -> list[ResourceType]:
        """Preferred versions only, sorted as ``kubectl api-resources`` prints them (group, then name)."""
        return sorted(self._preferred_types(), key=lambda rt: (rt.group, rt.plural))

    def in_category(self, name: str) -> list[ResourceType]:
        """Resources of a category (``all``, ``api-extensions``) at preferred versions, in discovery
        order, as kubectl's category expander lists them (``kubectl get all``)."""
        return [rt for rt in self._preferred_types() if name in rt.categories]

    def storage_type(self, rt: ResourceType) -> ResourceType:
        """The resource whose objects the store holds for ``rt`` (itself, except cohabitation:
        events.k8s.io Events are stored as core Events)."""
        group, resource = table.COHABITATING.get((rt.group, rt.plural), (rt.group, rt.plural))
        stored = self.for_resource(group, resource)
        return stored if stored is not None else rt

    def _preferred_types(self) -> list[ResourceType]:
        return [rt for rt in self._types if rt.version == self._group_versions[rt.group][0]]

    # -- kubectl name resolution ----------------------------------------------------------------------
    def resolve(self, name: str) -> ResourceType:
        """The resource kubectl means by ``name`` (``kubectl get <name>``).

        Plural and singular resource names and kinds match case-insensitively, short names exactly;
        ``<name>.<group>`` matches a group or, failing that, a group prefix (``sc.storage``);
        ``<name>.<version>.<group>`` pins the version. When several groups serve the name the
        RESTMapper's priority decides (core first: ``events``/``ev`` are core Events).
        """
        full, (group, resource) = _split_arg(name)
        if full is not None:
            found = self._resource_for(*full)
            if found is not None:
                return found
        found = self._resource_for(group, "", resource)
        if found is not None:
            return found
        # Not a resource: try it as a kind (builder.go resourceMappings, RESTMapping).
        if full is not None:
            found = self._kind_for(*full)
            if found is not None:
                return found
        found = self._kind_for(group, "", resource)
        if found is not None:
            return found
        raise UnknownResourceError(resource)

    def expand(self, arg: str) -> list[ResourceType]:
        """A comma-separated list of names and categories, as ``kubectl get a,b`` reads it:
        categories expand first (Builder.ReplaceAliases), each resource appears once."""
        out: list[ResourceType] = []
        for part in arg.split(","):
            members = self.in_category(part)
            for rt in members or [self.resolve(part)]:
                if all(rt.group_resource != seen.group_resource for seen in out):
                    out.append(rt)
        return out

    def _expand_shortcut(self, group: str, version: str, resource: str) -> tuple[str, str, str]:
        """shortcutExpander.expandResourceShortcut (client-go restmapper/shortcut.go)."""
        # A full resource name (plural or singular) is never expanded.
        for rt in self._types:
            if group and group != rt.group:
                continue
            if resource in (rt.plural, rt.singular):
                return group, version, resource
        # The first short name in discovery order wins; an exact shortcut drops the version.
        for rt in self._types:
            if group and group != rt.group:
                continue
            if resource in rt.short_names:
                return rt.group, "", rt.plural
        if not group:
            return group, version, resource
        # Group prefix ("hpa.autoscal"): keeps the requested version.
        for rt in self._types:
            if rt.group.startswith(group) and resource in rt.short_names:
                return rt.group, version, rt.plural
        return group, version, resource

    def _resource_for(self, group: str, version: str, resource: str) -> ResourceType | None:
        """KindFor through the shortcut expander, DefaultRESTMapper.ResourcesFor and the priority."""
        group, version, resource = self._expand_shortcut(group, version, resource)
        resource = resource.lower()  # coerceResourceForMatching

        def named(rt: ResourceType) -> bool:
            return resource in (rt.plural, rt.singular)

        if group and version:
            found = [rt for rt in self._types if rt.group == group and rt.version == version and named(rt)]
        elif group:
            found = [rt for rt in self._types if rt.group == group and named(rt)]
            if not found:  # storageclass.storage matches storage.k8s.io
                found = [rt for rt in self._types if rt.group.startswith(group) and named(rt)]
        elif version:
            found = [rt for rt in self._types if rt.version == version and named(rt)]
        else:
            found = [rt for rt in self._types if named(rt)]
        return self._by_priority(found)

    def _kind_for(self, group: str, version: str, kind: str) -> ResourceType | None:
        """RESTMapping(GroupKind, version): the exact group, the kind as written or lowercased."""
        found = [
            rt for rt in self._types
            if rt.group == group and (not version or rt.version == version) and kind in (rt.kind, rt.kind.lower())
        ]
        return self._by_priority(found)

    def _by_priority(self, found: list[ResourceType]) -> ResourceType | None:
        """PriorityRESTMapper: narrow the matches pattern by pattern until one is left."""
        if len(found) <= 1:
            return found[0] if found else None
        remaining = found
        for group, version in self._priority:
            matched = [rt for rt in remaining if rt.group == group and (version is None or rt.version == version)]
            if len(matched) == 1:
                return matched[0]
            if matched:
                remaining = matched
        # Unreachable with distinct (group, version, resource) rows; keep discovery order.
        return remaining[0]


def _build() -> ResourceRegistry:
    types = [
        ResourceType(group, version, kind, plural, kind.lower(), namespaced, short, categories, verbs, subresources)
        for group, version, kind, plural, namespaced, short, categories, verbs, subresources in table.ROWS
    ]
    return ResourceRegistry(types, table.GROUP_ORDER, table.GROUP_VERSIONS)


#: The resources of a default kube-apiserver v1.37.
REGISTRY = _build()
