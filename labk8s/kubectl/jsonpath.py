"""kubectl's JSONPath templates: a port of k8s.io/client-go/util/jsonpath (jsonpath.go; the parser is in
jsonpath_parse.py).

A template is text with actions in braces: `{.items[*].metadata.name}`, `{range .items[*]}{.metadata.name}
{"\\t"}{end}`, filters `[?(@.type=="Ready")]`, unions `[0,2]`, slices `[1:4:2]`, recursive descent
`..name`, wildcards `*` and quoted text `{"\\n"}`. Results print as Go prints them: strings bare, numbers as
%v, maps and lists as compact JSON, null as `null`; results of one action are joined by a space.

Go iterates maps in random order for `*` and `..`; here map keys are visited in sorted order, so output is
deterministic. Errors carry upstream's messages (`array index out of bounds: index 5, length 2`, ...).
"""

from __future__ import annotations

from typing import Any

from labk8s.kubectl.gotext import go_type, marshal, marshal_indent, sprint
from labk8s.kubectl.jsonpath_parse import (
    ArrayNode,
    BoolNode,
    FieldNode,
    FilterNode,
    FloatNode,
    IdentifierNode,
    IntNode,
    JSONPathError,
    ListNode,
    Param,
    Parser,
    RecursiveNode,
    TextNode,
    UnionNode,
    WildcardNode,
    relaxed_jsonpath_expression,
    unquote_extend,
)

__all__ = ["JSONPath", "JSONPathError", "relaxed_jsonpath_expression", "unquote_extend"]


# -- evaluation (jsonpath.go) -------------------------------------------------------------------------------
class JSONPath:
    """A parsed template: `find_results(data)` gives the result lists, `execute(data)` the printed text."""

    def __init__(self, template: str, allow_missing_keys: bool = False, json_output: bool = False) -> None:
        self.template = template
        self.allow_missing_keys = allow_missing_keys
        self.json_output = json_output
        self._nodes = Parser(template).parse().nodes
        self._begin_range = 0
        self._in_range = 0
        self._end_range = 0
        self._last_end = -1

    def execute(self, data: Any) -> str:
        return "".join(self.print_results(results) for results in self.find_results(data))

    def find_results(self, data: Any) -> list[list[Any]]:
        self._begin_range = self._in_range = self._end_range = 0
        self._last_end = -1
        return self._find(data, 0)

    def _find(self, data: Any, start: int) -> list[list[Any]]:
        cur = [data]
        full: list[list[Any]] = []
        i = start
        while i < len(self._nodes):
            results = self._walk(cur, self._nodes[i])
            # an end node breaks the current block
            if 0 < self._end_range <= self._in_range:
                self._end_range -= 1
                self._last_end = i
                break
            # a range node runs the block for each result, then resumes after the matching end
            if self._begin_range > 0:
                self._begin_range -= 1
                self._in_range += 1
                if results:
                    for value in results:
                        full.extend(self._find(value, i + 1))
                else:
                    self._find(None, i + 1)
                self._in_range -= 1
                if i < self._last_end < len(self._nodes):
                    i = self._last_end
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def print_results(self, results: list[Any]) -> str:
        if self.json_output:
            return marshal_indent(list(results)) + "\n"
        return " ".join(marshal(r) if isinstance(r, dict | list) else _text(r) for r in results)

    # -- walkers -----------------------------------------------------------------------------------------
    def _walk(self, values: list[Any], node: Any) -> list[Any]:
        if isinstance(node, ListNode):
            return self._eval_list(values, node)
        if isinstance(node, TextNode):
            return [node.text]
        if isinstance(node, FieldNode):
            return self._eval_field(values, node)
        if isinstance(node, ArrayNode):
            return self._eval_array(values, node)
        if isinstance(node, FilterNode):
            return self._eval_filter(values, node)
        if isinstance(node, IntNode | FloatNode | BoolNode):
            return [node.value for _ in values]
        if isinstance(node, WildcardNode):
            return [child for v in values for child in _children(v)]
        if isinstance(node, RecursiveNode):
            return self._eval_recursive(values)
        if isinstance(node, UnionNode):
            out: list[Any] = []
            for part in node.nodes:
                try:
                    out.extend(self._eval_list(values, part))
                except JSONPathError as err:
                    raise JSONPathError(str(err), values) from None
            return out
        if isinstance(node, IdentifierNode):
            return self._eval_identifier(values, node)
        raise JSONPathError(f"unexpected Node {node}", values)

    def _eval_list(self, values: list[Any], node: ListNode) -> list[Any]:
        cur = values
        for child in node.nodes:
            cur = self._walk(cur, child)
        return cur

    def _eval_identifier(self, values: list[Any], node: IdentifierNode) -> list[Any]:
        if node.name == "range":
            self._begin_range += 1
            return values
        if node.name == "end":
            if self._in_range > 0:
                self._end_range += 1
                return []
            raise JSONPathError("not in range, nothing to end")
        raise JSONPathError(f"unrecognized identifier {node.name}", values)

    def _eval_field(self, values: list[Any], node: FieldNode) -> list[Any]:
        if not values:
            return []
        results = [v[node.value] for v in values if isinstance(v, dict) and node.value in v]
        if not results and not self.allow_missing_keys:
            raise JSONPathError(f"{node.value} is not found")
        return results

    def _eval_array(self, values: list[Any], node: ArrayNode) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise JSONPathError(f"{go_type(value)} is not array or slice", values)
            length = len(value)
            start, end, step = (Param(p.value, p.known, p.derived) for p in node.params)
            if not start.known:
                start.value = 0
            if start.value < 0:
                start.value += length
            if not end.known:
                end.value = length
            if end.value < 0 or (end.value == 0 and end.derived):
                end.value += length
            if end.value == start.value:  # zero elements requested: allowed, and ends the walk (as upstream)
                return result
            if start.value >= length or start.value < 0:
                raise JSONPathError(f"array index out of bounds: index {start.value}, length {length}", values)
            if end.value > length or end.value < 0:
                raise JSONPathError(f"array index out of bounds: index {end.value - 1}, length {length}", values)
            if start.value > end.value:
                raise JSONPathError(f"starting index {start.value} is greater than ending index {end.value}",
                                    values)
            stride = 1
            if step.known:
                if step.value <= 0:
                    raise JSONPathError("step must be > 0", values)
                stride = step.value
            result.extend(value[start.value:end.value:stride])
        return result

    def _eval_recursive(self, values: list[Any]) -> list[Any]:
        result: list[Any] = []
        for value in values:
            children = _children(value)
            if children:
                result.append(value)
                result.extend(self._eval_recursive(children))
        return result

    def _eval_filter(self, values: list[Any], node: FilterNode) -> list[Any]:
        results: list[Any] = []
        for value in values:
            if not isinstance(value, list):
                raise JSONPathError(f"{sprint(value)} is not array or slice and cannot be filtered", values)
            for item in value:
                err: JSONPathError | None = None
                try:
                    lefts = self._eval_list([item], node.left)
                except JSONPathError as exc:
                    err, lefts = exc, exc.partial
                if node.operator == "exists":
                    if lefts:
                        results.append(item)
                    continue
                if err is not None:
                    raise JSONPathError(str(err), values)
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time", values)
                rights = self._eval_list([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time", values)
                if _compare(node.operator, lefts[0], rights[0]):
                    results.append(item)
        return results


def _children(value: Any) -> list[Any]:
    """What `*` and `..` step into: map values (sorted keys), list items, the bytes of a string."""
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return list(value.encode())
    return []


def _text(value: Any) -> str:
    """evalToText: fmt.Fprint of a scalar, `null` for nil."""
    return "null" if value is None else sprint(value)


# -- comparisons (third_party/forked/golang/template/funcs.go) -----------------------------------------------
def _basic_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    raise JSONPathError("invalid type for comparison")


def _compare(op: str, left: Any, right: Any) -> bool:
    if op not in ("<", ">", "==", "!=", "<=", ">="):
        raise JSONPathError(f"unrecognized filter operator {op}")
    k1, k2 = _basic_kind(left), _basic_kind(right)
    if k1 != k2:
        raise JSONPathError("incompatible types for comparison")
    if op in ("==", "!="):
        return (left == right) == (op == "==")
    if k1 == "bool":
        raise JSONPathError("invalid type for comparison")
    if isinstance(left, str):
        # Go compares strings bytewise
        a: Any = left.encode()
        b: Any = right.encode()
    else:
        a, b = left, right
    return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
