"""The meta.k8s.io/v1 Table that the API server returns for `kubectl get` (server-side printing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: A Table cell as the API server serialises it: string, integer, boolean or null.
Cell = str | int | bool | float | None

#: metav1.ObjectMeta{}.SwaggerDoc()["name"]
NAME_DESCRIPTION = (
    "Name must be unique within a namespace. Is required when creating resources, although some resources "
    "may allow a client to request the generation of an appropriate name automatically. Name is primarily "
    "intended for creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
#: metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"]
AGE_DESCRIPTION = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this "
    "value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for "
    "lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)
CONTAINERS_DESCRIPTION = "Names of each container in the template."
IMAGES_DESCRIPTION = "Images referenced by each container in the template."


@dataclass
class Column:
    """metav1.TableColumnDefinition; priority 1 columns are shown only with -o wide."""

    name: str
    type: str = "string"
    format: str = ""
    priority: int = 0
    description: str = ""


@dataclass
class Table:
    """metav1.Table: column definitions, one row of cells per object, and the objects themselves."""

    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    objects: list[dict[str, Any]] = field(default_factory=list)


#: A print handler: the cells of one object's row, given virtual "now" in milliseconds.
RowFunc = Callable[[dict[str, Any], int], list[Any]]


@dataclass(frozen=True)
class Handler:
    """One h.TableHandler(columnDefinitions, printFunc) registration of AddHandlers."""

    columns: tuple[Column, ...]
    row: RowFunc


def name_col() -> Column:
    return Column("Name", "string", "name", 0, NAME_DESCRIPTION)


def age_col() -> Column:
    return Column("Age", "string", "", 0, AGE_DESCRIPTION)


def col(name: str, description: str = "", *, type: str = "string", priority: int = 0, format: str = "") -> Column:
    return Column(name, type, format, priority, description)


def containers_cols(priority: int = 1) -> list[Column]:
    return [
        col("Containers", CONTAINERS_DESCRIPTION, priority=priority),
        col("Images", IMAGES_DESCRIPTION, priority=priority),
    ]
