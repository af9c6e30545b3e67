"""Quantity helpers for the strategies, cached: the same few spellings ("100m", "128Mi") recur on every
pod, so each distinct value is parsed once and later lookups are a dict hit (the create hot path).
"""

from __future__ import annotations

from typing import Any

from labk8s.api.quantity import Quantity
from labk8s.errors import QuantityError

Obj = dict[str, Any]
_MILLI = -3
_CACHE_LIMIT = 16384
_ZERO = Quantity(0)

# value (a str, or a JSON number) -> parsed Quantity, or None when it does not parse
_parsed: dict[Any, Quantity | None] = {}
# value -> the RoundUp(-3) canonical text, or None
_rounded: dict[Any, str | None] = {}
_millis: dict[Any, int | None] = {}


def as_text(value: Any) -> str | None:
    """The text of a quantity field as decoded JSON (a string, or a bare JSON number)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    return None


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def parse(value: Any) -> Quantity | None:
    try:
        return _parsed[value]
    except KeyError:
        pass
    except TypeError:
        return None
    text = as_text(value)
    q: Quantity | None = None
    if text is not None:
        try:
            q = Quantity(text)
        except QuantityError:
            q = None
    return _remember(_parsed, value, q)


def _round(value: Any) -> str | None:
    try:
        return _rounded[value]
    except KeyError:
        pass
    except TypeError:
        return None
    q = parse(value)
    return _remember(_rounded, value, None if q is None else str(q.round_up(_MILLI)))


def round_resource_list(rl: Any) -> None:
    """SetDefaults_ResourceList: every value RoundUp(-3), stored in canonical form (in place)."""
    if not isinstance(rl, dict):
        return
    for key, value in rl.items():
        r = _round(value)
        if r is not None and r != value:
            rl[key] = r


def canonical(value: Any) -> str:
    """Quantity.String() of a value (the text itself when it does not parse)."""
    q = parse(value)
    if q is None:
        return as_text(value) or ""
    return str(q)


def milli(value: Any) -> int | None:
    try:
        return _millis[value]
    except KeyError:
        pass
    except TypeError:
        return None
    q = parse(value)
    return _remember(_millis, value, None if q is None else q.milli_value())


def cmp(a: Any, b: Any) -> int:
    """Quantity.Cmp; unparseable values compare as zero."""
    qa, qb = parse(a), parse(b)
    return (qa if qa is not None else _ZERO).cmp(qb if qb is not None else _ZERO)


def sign(value: Any) -> int:
    q = parse(value)
    return 0 if q is None else q.sign()


def is_integer_valued(value: Any) -> bool:
    """value.MilliValue() % 1000 == 0."""
    m = milli(value)
    return m is None or m % 1000 == 0
