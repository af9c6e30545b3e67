"""`kubectl get --sort-by=<jsonpath>` (kubectl/pkg/cmd/get/sorter.go).

The field is a relaxed JSONPath; its first result orders the objects. Strings compare as quantities
when both parse as one ("100m" < "1"), otherwise in natural order ("pod-2" < "pod-10"); numbers
numerically; objects without the field sort first. kubectl sorts with Go's unstable sort.Sort, so ties
keep the order Go's pattern-defeating quicksort leaves them in (ported in describe/_gosort.py).
"""

from __future__ import annotations

from typing import Any

from labk8s.api.quantity import Quantity
from labk8s.kubectl.describe._gosort import go_sort
from labk8s.kubectl.gotext import go_quote, go_type, normalize
from labk8s.kubectl.jsonpath import JSONPath, JSONPathError, relaxed_jsonpath_expression

Obj = dict[str, Any]


class SortError(Exception):
    """Sorting failed, with kubectl's message."""


def natural_less(a: str, b: str) -> bool:
    """github.com/fvbommel/sortorder.NaturalLess: digit runs compare as numbers, the rest bytewise."""
    s1, s2 = a.encode(), b.encode()
    i = j = 0
    while i < len(s1) and j < len(s2):
        d1, d2 = 48 <= s1[i] <= 57, 48 <= s2[j] <= 57
        if d1 != d2:
            return d1
        if not d1:
            if s1[i] != s2[j]:
                return s1[i] < s2[j]
            i += 1
            j += 1
            continue
        while i < len(s1) and s1[i] == 48:
            i += 1
        while j < len(s2) and s2[j] == 48:
            j += 1
        nz1, nz2 = i, j
        while i < len(s1) and 48 <= s1[i] <= 57:
            i += 1
        while j < len(s2) and 48 <= s2[j] <= 57:
            j += 1
        if i - nz1 != j - nz2:
            return i - nz1 < j - nz2
        if s1[nz1:i] != s2[nz2:j]:
            return s1[nz1:i] < s2[nz2:j]
        if nz1 != nz2:
            return nz1 < nz2
    return len(s1) < len(s2)


def _quantity(text: str) -> Quantity | None:
    try:
        return Quantity(text)
    except ValueError:
        return None


def is_less(a: Any, b: Any) -> bool:
    """isLess for two JSON values (reflect.Interface): nil first, then by type."""
    if a is None and b is None:
        return False
    if a is None:
        return True
    if b is None:
        return False
    if isinstance(a, bool) or isinstance(a, dict | list):
        raise SortError(f"unsortable type: {go_type(a)}")
    if isinstance(a, int) and isinstance(b, int) and not isinstance(b, bool):
        return a < b
    if isinstance(a, float) and isinstance(b, float):
        return a < b
    if isinstance(a, str) and isinstance(b, str):
        qa, qb = _quantity(a), _quantity(b)
        if qa is None or qb is None:
            return natural_less(a, b)
        return qa.cmp(qb) < 0
    raise SortError("unsortable interface: interface")


def _first(parser: JSONPath, obj: Obj) -> list[list[Any]]:
    return parser.find_results(normalize(obj))


def _keys(objs: list[Obj], field: str, *, table: bool) -> list[list[list[Any]]]:
    """The JSONPath results of the sort field for each object; errors as kubectl reports them."""
    try:
        parser = JSONPath(field, allow_missing_keys=True)
    except JSONPathError as err:
        raise SortError(f"sorting error: {err}" if table else str(err)) from None
    keys = []
    for obj in objs:
        try:
            keys.append(_first(parser, obj))
        except JSONPathError as err:
            if not table:
                raise SortError(str(err)) from None
            raise SortError(f"Failed to get values for [][]reflect.Value(nil) using {field} "
                            f"(&errors.errorString{{s:{go_quote(str(err))}}})") from None
    if objs and not any(k and k[0] for k in keys):
        raise SortError(f"couldn't find any field with path {go_quote(field)} in the list of objects")
    return keys


def _order(keys: list[list[list[Any]]], field: str, type_name: str) -> list[int]:
    """sort.Sort with RuntimeSort/TableSorter.Less over the objects' keys: the new order, as indices."""

    def less(x: int, y: int) -> bool:
        kx, ky = keys[x], keys[y]
        if not kx or not kx[0]:
            return True
        if not ky or not ky[0]:
            return False
        try:
            return is_less(kx[0][0], ky[0][0])
        except SortError as err:
            raise SortError(f"Field {field} in {type_name} is an unsortable type: interface, err: {err}") from None

    order = list(range(len(keys)))
    go_sort(order, less)
    return order


def table_sort_order(objs: list[Obj], sort_by: str) -> list[int]:
    """RuntimeSorter over the rows of one server Table (human-readable output): NewTableSorter, sort.Sort."""
    try:
        field = relaxed_jsonpath_expression(sort_by)
    except JSONPathError:
        field = sort_by
    return _order(_keys(objs, field, table=True), field, "[][][]reflect.Value")


def list_sort_order(objs: list[Obj], sort_by: str) -> list[int]:
    """SortingPrinter over a List (-o name, yaml, json, jsonpath, custom-columns): SortObjects, sort.Sort."""
    if not objs:
        return []
    try:
        field = relaxed_jsonpath_expression(sort_by)
    except JSONPathError as err:
        raise SortError(str(err)) from None
    return _order(_keys(objs, field, table=False), field, "*unstructured.Unstructured")
