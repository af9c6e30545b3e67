"""Label selectors: ``k8s.io/apimachinery/pkg/labels`` and ``metav1.LabelSelectorAsSelector``.

Which function gives which empty selector, as upstream:

- :func:`parse_selector` (``labels.Parse``) of ``""`` and :func:`selector_from_set` of ``{}``/``None``
  give :data:`EVERYTHING` (empty, matches every label set).
- :func:`selector_from_label_selector` (``LabelSelectorAsSelector``) gives :data:`NOTHING` for ``None``
  (a nil selector matches no object) and :data:`EVERYTHING` for ``{}`` (no matchLabels and no
  matchExpressions).

``str(selector)`` is ``Selector.String()``: requirements sorted by key (stable), joined by ``,``;
set-based values are printed sorted. Requirements are compiled to tuples once, so :meth:`Selector.matches`
is a short loop over dict lookups.

Standard library only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from labk8s.api.validation import is_label_key, is_valid_label_value, validate_label_name, validate_labels
from labk8s.errors import FieldError, LabK8sError, aggregate_message

__all__ = [
    "EVERYTHING",
    "NOTHING",
    "Requirement",
    "Selector",
    "SelectorError",
    "format_label_selector",
    "matches_nothing",
    "new_requirement",
    "parse_selector",
    "selector_from_label_selector",
    "selector_from_set",
    "validate_label_selector",
    "validated_selector_from_set",
]


class SelectorError(LabK8sError, ValueError):
    """A selector that cannot be parsed or built; the message is upstream's error text."""


# selection.Operator values.
IN: Final = "in"
NOT_IN: Final = "notin"
EQUALS: Final = "="
DOUBLE_EQUALS: Final = "=="
NOT_EQUALS: Final = "!="
EXISTS: Final = "exists"
DOES_NOT_EXIST: Final = "!"
GREATER_THAN: Final = "gt"
LESS_THAN: Final = "lt"

_BINARY_OPERATORS: Final = (IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN)
_UNARY_OPERATORS: Final = (EXISTS, DOES_NOT_EXIST)
_VALID_OPERATORS: Final = _BINARY_OPERATORS + _UNARY_OPERATORS

_INT64_TEXT: Final = re.compile(r"[+-]?[0-9]+")
_MISSING: Final = object()

# Compiled requirement codes.
_C_EQ, _C_IN, _C_NE, _C_NOTIN, _C_EXISTS, _C_NOTEXISTS, _C_GT, _C_LT, _C_FALSE = range(9)


def _parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64), or None."""
    if _INT64_TEXT.fullmatch(text) is None:
        return None
    v = int(text)
    return v if -(1 << 63) <= v < (1 << 63) else None


class Requirement:
    """A key, an operator and values (``labels.Requirement``). Immutable; build with :func:`new_requirement`."""

    __slots__ = ("key", "operator", "values", "_compiled")

    key: str
    operator: str
    values: tuple[str, ...]
    _compiled: tuple[int, str, Any]

    def __init__(self, key: str, operator: str, values: Iterable[str] = ()) -> None:
        """Unvalidated construction (as the struct literal in SelectorFromValidatedSet)."""
        self.key = key
        self.operator = operator
        self.values = tuple(values)
        self._compiled = self._compile()

    def _compile(self) -> tuple[int, str, Any]:
        op, vals, key = self.operator, self.values, self.key
        if op in (IN, EQUALS, DOUBLE_EQUALS):
            return (_C_EQ, key, vals[0]) if len(vals) == 1 else (_C_IN, key, frozenset(vals))
        if op in (NOT_IN, NOT_EQUALS):
            return (_C_NE, key, vals[0]) if len(vals) == 1 else (_C_NOTIN, key, frozenset(vals))
        if op == EXISTS:
            return (_C_EXISTS, key, None)
        if op == DOES_NOT_EXIST:
            return (_C_NOTEXISTS, key, None)
        if op in (GREATER_THAN, LESS_THAN):
            bound = _parse_int64(vals[0]) if len(vals) == 1 else None
            if bound is None:
                return (_C_FALSE, key, None)  # upstream logs and does not match
            return (_C_GT if op == GREATER_THAN else _C_LT, key, bound)
        return (_C_FALSE, key, None)

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        return _match_one(self._compiled, labels or {})

    def __str__(self) -> str:
        op = self.operator
        out = "!" + self.key if op == DOES_NOT_EXIST else self.key
        if op in (EXISTS, DOES_NOT_EXIST):
            return out
        sep = {
            EQUALS: "=", DOUBLE_EQUALS: "==", NOT_EQUALS: "!=", IN: " in ", NOT_IN: " notin ",
            GREATER_THAN: ">", LESS_THAN: "<",
        }.get(op, "")
        vals = self.values
        text = vals[0] if len(vals) == 1 else ",".join(sorted(vals))
        if op in (IN, NOT_IN):
            return f"{out}{sep}({text})"
        return f"{out}{sep}{text}"

    def __repr__(self) -> str:
        return f"Requirement({self.key!r}, {self.operator!r}, {list(self.values)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Requirement):
            return NotImplemented
        return (self.key, self.operator, self.values) == (other.key, other.operator, other.values)

    def __hash__(self) -> int:
        return hash((self.key, self.operator, self.values))


def _match_one(c: tuple[int, str, Any], labels: Mapping[str, str]) -> bool:
    code, key, arg = c
    if code == _C_EQ:
        return labels.get(key, _MISSING) == arg
    if code == _C_IN:
        v = labels.get(key, _MISSING)
        return v is not _MISSING and v in arg
    if code == _C_NE:
        return labels.get(key, _MISSING) != arg
    if code == _C_NOTIN:
        v = labels.get(key, _MISSING)
        return v is _MISSING or v not in arg
    if code == _C_EXISTS:
        return key in labels
    if code == _C_NOTEXISTS:
        return key not in labels
    if code == _C_GT or code == _C_LT:
        v = labels.get(key, _MISSING)
        if v is _MISSING:
            return False
        n = _parse_int64(v)  # type: ignore[arg-type]
        if n is None:
            return False
        return n > arg if code == _C_GT else n < arg
    return False


def new_requirement(key: str, operator: str, values: Sequence[str] | None = (), path: str | None = None) -> Requirement:
    """NewRequirement: validate and build, raising SelectorError with the aggregated field errors.

    ``path`` is the field.Path of the caller (``None`` as upstream's nil path, printed ``<nil>``).
    """
    vals = list(values or ())
    errs: list[FieldError] = []
    key_path = f"{path}.key" if path else "key"
    values_path = f"{path}.values" if path else "values"
    key_msgs = is_label_key(key)
    if key_msgs:
        errs.append(FieldError.invalid(key_path, key, "; ".join(key_msgs)))
    bad_vals: Any = vals if vals else None  # a nil slice marshals as null
    if operator in (IN, NOT_IN):
        if not vals:
            errs.append(FieldError.invalid(values_path, bad_vals, "for 'in', 'notin' operators, values set can't be empty"))
    elif operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS):
        if len(vals) != 1:
            errs.append(FieldError.invalid(values_path, bad_vals, "exact-match compatibility requires one single value"))
    elif operator in (EXISTS, DOES_NOT_EXIST):
        if vals:
            errs.append(
                FieldError.invalid(values_path, bad_vals, "values set must be empty for exists and does not exist")
            )
    elif operator in (GREATER_THAN, LESS_THAN):
        if len(vals) != 1:
            errs.append(
                FieldError.invalid(values_path, bad_vals, "for 'Gt', 'Lt' operators, exactly one value is required")
            )
        for i, v in enumerate(vals):
            if _parse_int64(v) is None:
                errs.append(
                    FieldError.invalid(f"{values_path}[{i}]", v, "for 'Gt', 'Lt' operators, the value must be an integer")
                )
    else:
        errs.append(FieldError.not_supported(f"{path}.operator" if path else "operator", operator, _VALID_OPERATORS))
    for i, v in enumerate(vals):
        msgs = is_valid_label_value(v)
        if msgs:
            errs.append(FieldError.invalid(f"{values_path}[{i}][{key}]", v, "; ".join(msgs)))
    if errs:
        raise SelectorError(aggregate_message(str(e) for e in errs))
    return Requirement(key, operator, vals)


class Selector:
    """``labels.Selector``: requirements ANDed, or the Nothing selector. Immutable and hashable."""

    __slots__ = ("_reqs", "_nothing", "_compiled")

    _reqs: tuple[Requirement, ...]
    _nothing: bool
    _compiled: tuple[tuple[int, str, Any], ...]

    def __init__(self, requirements: Iterable[Requirement] = (), *, nothing: bool = False) -> None:
        self._reqs = tuple(requirements)
        self._nothing = nothing
        self._compiled = tuple(r._compiled for r in self._reqs)

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return self._reqs

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        """Matches: every requirement holds for ``labels`` (None is an empty set)."""
        if self._nothing:
            return False
        if labels is None:
            labels = {}
        get = labels.get
        for code, key, arg in self._compiled:
            if code == _C_EQ:
                if get(key, _MISSING) != arg:
                    return False
            elif code == _C_EXISTS:
                if key not in labels:
                    return False
            elif not _match_one((code, key, arg), labels):
                return False
        return True

    def empty(self) -> bool:
        """Empty: does not restrict the selection (Everything). Nothing is not empty."""
        return not self._nothing and not self._reqs

    def is_nothing(self) -> bool:
        return self._nothing

    def add(self, *requirements: Requirement) -> Selector:
        """Add: a new selector with the requirements added, sorted (stably) by key."""
        if self._nothing:
            return self
        return Selector(sorted(self._reqs + requirements, key=lambda r: r.key))

    def requires_exact_match(self, label: str) -> tuple[str, bool]:
        """RequiresExactMatch: (value, True) when ``label`` must have exactly one value."""
        for r in self._reqs:
            if r.key == label:
                if r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1:
                    return r.values[0], True
                return "", False
        return "", False

    def __str__(self) -> str:
        return ",".join(str(r) for r in self._reqs)

    def __repr__(self) -> str:
        if self._nothing:
            return "Selector(<nothing>)"
        return f"Selector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selector):
            return NotImplemented
        return self._nothing == other._nothing and self._reqs == other._reqs

    def __hash__(self) -> int:
        return hash((self._nothing, self._reqs))


EVERYTHING: Final = Selector()  # labels.Everything()
NOTHING: Final = Selector(nothing=True)  # labels.Nothing()


def matches_nothing(selector: Selector) -> bool:
    """MatchesNothing: only the Nothing selector is known to match no object."""
    return selector.is_nothing()


def _sorted_by_key(reqs: Iterable[Requirement]) -> Selector:
    return Selector(sorted(reqs, key=lambda r: r.key))


def selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """SelectorFromSet: ``key=value`` for every entry, unvalidated; empty or None is Everything."""
    if not labels:
        return EVERYTHING
    return Selector(Requirement(k, EQUALS, (labels[k],)) for k in sorted(labels))


def validated_selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """ValidatedSelectorFromSet: as selector_from_set, raising SelectorError for an invalid key or value."""
    if not labels:
        return EVERYTHING
    return Selector(new_requirement(k, EQUALS, [labels[k]]) for k in sorted(labels))


_LABEL_SELECTOR_OPS: Final = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}


def selector_from_label_selector(ls: Mapping[str, Any] | None) -> Selector:
    """metav1.LabelSelectorAsSelector: None is NOTHING, ``{}`` is EVERYTHING; raises SelectorError."""
    if ls is None:
        return NOTHING
    match_labels: Mapping[str, str] = ls.get("matchLabels") or {}
    match_expressions: Sequence[Mapping[str, Any]] = ls.get("matchExpressions") or ()
    if not match_labels and not match_expressions:
        return EVERYTHING
    reqs = [new_requirement(k, EQUALS, [match_labels[k]]) for k in sorted(match_labels)]
    for expr in match_expressions:
        operator = expr.get("operator") or ""
        op = _LABEL_SELECTOR_OPS.get(operator)
        if op is None:
            raise SelectorError(f"{json.dumps(operator, ensure_ascii=False)} is not a valid pod selector operator")
        reqs.append(new_requirement(expr.get("key") or "", op, list(expr.get("values") or ())))
    return _sorted_by_key(reqs)


def format_label_selector(ls: Mapping[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: the selector string, ``<none>`` when empty, ``<error>`` when invalid."""
    try:
        text = str(selector_from_label_selector(ls))
    except SelectorError:
        return "<error>"
    return text or "<none>"


def validate_label_selector(
    ls: Mapping[str, Any] | None, path: str, allow_invalid_label_value_in_selector: bool = False
) -> list[FieldError]:
    """ValidateLabelSelector (meta/v1/validation): matchLabels as labels, each matchExpression checked."""
    if ls is None:
        return []
    errs = validate_labels(ls.get("matchLabels"), f"{path}.matchLabels")
    for i, expr in enumerate(ls.get("matchExpressions") or ()):
        p = f"{path}.matchExpressions[{i}]"
        operator = expr.get("operator") or ""
        values = list(expr.get("values") or ())
        if operator in ("In", "NotIn"):
            if not values:
                errs.append(FieldError.required(f"{p}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    FieldError.forbidden(
                        f"{p}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                    )
                )
        else:
            errs.append(FieldError.invalid(f"{p}.operator", operator, "not a valid selector operator"))
        errs.extend(validate_label_name(expr.get("key") or "", f"{p}.key"))
        if not allow_invalid_label_value_in_selector:
            for j, v in enumerate(values):
                errs.extend(FieldError.invalid(f"{p}.values[{j}]", v, msg) for msg in is_valid_label_value(v))
    return errs


# -- the selector string parser (labels.Parse) ----------------------------------------------------------------

# Tokens.
_T_ERROR, _T_EOS, _T_CLOSE, _T_COMMA, _T_NOT, _T_DEQ, _T_EQ, _T_GT, _T_ID, _T_IN, _T_LT, _T_NEQ, _T_NOTIN, _T_OPEN = (
    range(14)
)
_STRING2TOKEN: Final = {
    ")": _T_CLOSE, ",": _T_COMMA, "!": _T_NOT, "==": _T_DEQ, "=": _T_EQ, ">": _T_GT, "in": _T_IN,
    "<": _T_LT, "!=": _T_NEQ, "notin": _T_NOTIN, "(": _T_OPEN,
}
_SPECIAL: Final = frozenset("=!(),><")
_WHITESPACE: Final = frozenset(" \t\r\n")
# Value context: the keywords in/notin are identifiers (``x in (in)``).
_AS_VALUE: Final = {_T_IN: _T_ID, _T_NOTIN: _T_ID}


def _lex(s: str) -> list[tuple[int, str]]:
    """The Lexer, to the end token. A NUL character ends the input, as Go's read() returning 0."""
    nul = s.find("\x00")
    if nul >= 0:
        s = s[:nul]
    items: list[tuple[int, str]] = []
    pos, end = 0, len(s)
    while True:
        while pos < end and s[pos] in _WHITESPACE:
            pos += 1
        if pos >= end:
            items.append((_T_EOS, ""))
            return items
        ch = s[pos]
        if ch in _SPECIAL:
            # The longest run of special symbols that is still a token ("!=" before "!").
            buf = ""
            last: tuple[int, str] | None = None
            while pos < end and s[pos] in _SPECIAL:
                buf += s[pos]
                tok = _STRING2TOKEN.get(buf)
                if tok is not None:
                    last = (tok, buf)
                elif last is not None:
                    break
                pos += 1
            if last is None:  # unreachable: every special symbol alone is a token
                items.append((_T_ERROR, f"error expected: keyword found '{buf}'"))
            else:
                items.append(last)
        else:
            start = pos
            while pos < end and s[pos] not in _SPECIAL and s[pos] not in _WHITESPACE:
                pos += 1
            word = s[start:pos]
            items.append((_STRING2TOKEN.get(word, _T_ID), word))


class _Parser:
    def __init__(self, text: str) -> None:
        self.items = _lex(text)
        self.position = 0

    def lookahead(self, values: bool) -> tuple[int, str]:
        tok, lit = self.items[self.position]
        return (_AS_VALUE.get(tok, tok) if values else tok), lit

    def consume(self, values: bool) -> tuple[int, str]:
        tok, lit = self.items[self.position]
        self.position += 1
        return (_AS_VALUE.get(tok, tok) if values else tok), lit

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            tok, lit = self.lookahead(True)
            if tok in (_T_ID, _T_NOT):
                try:
                    requirements.append(self.parse_requirement())
                except SelectorError as err:
                    raise SelectorError(f"unable to parse requirement: {err}") from None
                t, lit = self.consume(True)
                if t == _T_EOS:
                    return requirements
                if t == _T_COMMA:
                    t2, lit2 = self.lookahead(True)
                    if t2 not in (_T_ID, _T_NOT):
                        raise SelectorError(f"found '{lit2}', expected: identifier after ','")
                else:
                    raise SelectorError(f"found '{lit}', expected: ',' or 'end of string'")
            elif tok == _T_EOS:
                return requirements
            else:
                raise SelectorError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def parse_requirement(self) -> Requirement:
        key, operator = self.parse_key_and_infer_operator()
        if operator in (EXISTS, DOES_NOT_EXIST):
            return new_requirement(key, operator, [])
        operator = self.parse_operator()
        if operator in (IN, NOT_IN):
            values = self.parse_values()
        else:
            values = self.parse_exact_value()
        return new_requirement(key, operator, sorted(values))

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        operator = ""
        tok, literal = self.consume(True)
        if tok == _T_NOT:
            operator = DOES_NOT_EXIST
            tok, literal = self.consume(True)
        if tok != _T_ID:
            raise SelectorError(f"found '{literal}', expected: identifier")
        msgs = is_label_key(literal)
        if msgs:
            # validateLabelKey with the parser's nil field path.
            raise SelectorError(str(FieldError.invalid("<nil>", literal, "; ".join(msgs))))
        t, _ = self.lookahead(True)
        if t in (_T_EOS, _T_COMMA) and operator != DOES_NOT_EXIST:
            operator = EXISTS
        return literal, operator

    def parse_operator(self) -> str:
        tok, lit = self.consume(False)
        op = {
            _T_IN: IN, _T_EQ: EQUALS, _T_DEQ: DOUBLE_EQUALS, _T_GT: GREATER_THAN, _T_LT: LESS_THAN,
            _T_NOTIN: NOT_IN, _T_NEQ: NOT_EQUALS,
        }.get(tok)
        if op is None:
            raise SelectorError(f"found '{lit}', expected: {', '.join(_BINARY_OPERATORS)}")
        return op

    def parse_values(self) -> set[str]:
        tok, lit = self.consume(True)
        if tok != _T_OPEN:
            raise SelectorError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead(True)
        if tok in (_T_ID, _T_COMMA):
            values = self.parse_identifiers_list()
            if self.consume(True)[0] != _T_CLOSE:
                raise SelectorError(f"found '{lit}', expected: ')'")  # upstream reports the lookahead literal
            return values
        if tok == _T_CLOSE:  # "()"
            self.consume(True)
            return {""}
        raise SelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.consume(True)
            if tok == _T_ID:
                values.add(lit)
                tok2, lit2 = self.lookahead(True)
                if tok2 == _T_COMMA:
                    continue
                if tok2 == _T_CLOSE:
                    return values
                raise SelectorError(f"found '{lit2}', expected: ',' or ')'")
            if tok == _T_COMMA:  # "(," and ",," and ",)" all mean an empty value
                if not values:
                    values.add("")
                tok2, _ = self.lookahead(True)
                if tok2 == _T_CLOSE:
                    values.add("")
                    return values
                if tok2 == _T_COMMA:
                    values.add("")
            else:
                raise SelectorError(f"found '{lit}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        tok, _ = self.lookahead(True)
        if tok in (_T_EOS, _T_COMMA):
            return {""}
        tok, lit = self.consume(True)
        if tok == _T_ID:
            return {lit}
        raise SelectorError(f"found '{lit}', expected: identifier")


def parse_selector(text: str) -> Selector:
    """labels.Parse: the ``kubectl -l`` syntax (``a=b``, ``a==b``, ``a!=b``, ``a in (x,y)``,
    ``a notin (x)``, ``a``, ``!a``, ``a>1``, ``a<1``, comma-separated). ``""`` is EVERYTHING.

    Raises SelectorError with upstream's message (``unable to parse requirement: ...``).
    """
    return _sorted_by_key(_Parser(text).parse())
