"""Quantity values as describe uses them, on top of labk8s's resource.Quantity port.

Parsing, canonical ``String()`` and the Value/MilliValue accessors come from
:mod:`labk8s.api.quantity`; this module adds the tolerant reading of stored values (a missing or
unparsable entry reads as Go's zero ``Quantity{}``) and ``Quantity.Add`` format semantics
(the receiver keeps its format unless it is zero).
"""

from __future__ import annotations

from dataclasses import dataclass

from labk8s.api.quantity import Quantity as _ApiQuantity
from labk8s.errors import QuantityError


@dataclass(frozen=True)
class Quantity:
    q: _ApiQuantity

    @property
    def format(self) -> str:
        return self.q.format

    def string(self) -> str:
        return str(self.q)

    def __str__(self) -> str:
        return str(self.q)

    def add(self, other: Quantity) -> Quantity:
        return Quantity(self.q + other.q)

    def cmp(self, other: Quantity) -> int:
        return (self.q > other.q) - (self.q < other.q)

    def is_zero(self) -> bool:
        return self.q.is_zero()

    def sign(self) -> int:
        return self.q.sign()

    def milli_value(self) -> int:
        return self.q.milli_value()

    def int_value(self) -> int:
        """Quantity.Value(): rounded away from zero."""
        return self.q.value()


ZERO = Quantity(_ApiQuantity(0))


def new_quantity(value: int, fmt: str) -> Quantity:
    """resource.NewQuantity(value, format)."""
    return Quantity(_ApiQuantity.from_int(value, fmt))


def parse_quantity(raw: object) -> Quantity:
    """ParseQuantity of a stored value (JSON numbers are accepted as kubectl's decoder does)."""
    if isinstance(raw, bool) or raw is None:
        raise QuantityError(f"not a quantity: {raw!r}")
    if isinstance(raw, int):
        return Quantity(_ApiQuantity(raw))
    if isinstance(raw, float):
        raw = repr(raw)
    return Quantity(_ApiQuantity(str(raw)))


def parse_or_zero(raw: object) -> Quantity:
    """Parse a stored quantity; missing or unparsable values read as zero."""
    if raw is None:
        return ZERO
    try:
        return parse_quantity(raw)
    except (QuantityError, ValueError, TypeError):
        return ZERO
