"""``resource.Quantity`` of k8s.io/apimachinery (``pkg/api/resource``), with exact integer arithmetic.

A quantity is held as ``mantissa * 10**exponent`` (Python ints, normalised so that the mantissa has no
trailing zero digit) plus its format. No float is ever involved. Parsing follows ``ParseQuantity`` of
Kubernetes v1.37 step by step, including its odd corners:

- the int64 fast path and its ``int32`` scale arithmetic (``"1e-4294967297"`` is ``1e-1``);
- the canonical-string reuse: a parsed string that the fast path deems canonical is printed back as
  written (``"1.500"`` prints ``"1.500"``, ``"+1"`` prints ``"+1"``), as ``String()``/``MarshalJSON`` do;
- rounding of sub-nano values away from zero, the silent 2^63-1 cap on BinarySI values.

Where Go hangs (exponents around +-2^31 on the slow path) this module returns the value that Go would
compute if it finished. Integer accessors (``value``, ``milli_value``, ``scaled_value``) saturate at the
int64 rails as ``AsScaledInt64`` does; Go leaves an overflowed result undefined.

Standard library only.
"""

from __future__ import annotations

import decimal
import functools
import re
from fractions import Fraction
from typing import Final

from labk8s.errors import QuantityError

__all__ = [
    "BINARY_SI",
    "DECIMAL_EXPONENT",
    "DECIMAL_SI",
    "ERR_FORMAT_WRONG",
    "ERR_NUMERIC",
    "ERR_SUFFIX",
    "Quantity",
    "canonical",
    "parse_quantity",
]

DECIMAL_EXPONENT: Final = "DecimalExponent"  # 12e6
BINARY_SI: Final = "BinarySI"  # 12Mi
DECIMAL_SI: Final = "DecimalSI"  # 12M

# Scales (power-of-ten exponents) named as in amount.go.
NANO: Final = -9
MICRO: Final = -6
MILLI: Final = -3

SPLIT_RE_STRING: Final = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG: Final = "quantities must match the regular expression '" + SPLIT_RE_STRING + "'"
ERR_NUMERIC: Final = "unable to parse numeric part of quantity"
ERR_SUFFIX: Final = "unable to parse quantity's suffix"

_MAX_INT64: Final = (1 << 63) - 1
_MIN_INT64: Final = -(1 << 63)
_MAX_INT64_FACTORS: Final = 18  # math.go maxInt64Factors in v1.37 (digits the fast path accepts)

_DIGITS: Final = frozenset("0123456789")
_SUFFIX_CHARS: Final = frozenset("eEinumkKMGTP")
_DEC_SUFFIX_EXP: Final = {"": 0, "n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN_SUFFIX_EXP: Final = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_EXP_SUFFIX: Final = {v: k for k, v in _DEC_SUFFIX_EXP.items()}
_BIN_EXP_SUFFIX: Final = {v // 10: k for k, v in _BIN_SUFFIX_EXP.items()}  # keyed by power of 1024
_INT64_TEXT: Final = re.compile(r"[+-]?[0-9]+")
_DEC_TEXT: Final = re.compile(r"[+-]?([0-9]*)(?:\.([0-9]*))?")
_POW10: Final = tuple(10**i for i in range(64))


def _pow10(n: int) -> int:
    return _POW10[n] if n < 64 else 10**n


def _i32(x: int) -> int:
    """Go's int32 conversion: wrap into [-2^31, 2^31)."""
    return ((x + 0x80000000) & 0xFFFFFFFF) - 0x80000000


def _istr(a: int) -> str:
    """str(int) without Python's 4300-digit conversion limit (absurd quantities are still quantities)."""
    if a.bit_length() <= 13000:
        return str(a)
    return str(decimal.Decimal(a))


def _iparse(digits: str) -> int:
    """int(str) of a digit string, without the 4300-digit conversion limit."""
    if len(digits) <= 4000:
        return int(digits)
    return int(decimal.Decimal(digits))


def _ndigits(a: int) -> int:
    """Number of decimal digits of a > 0."""
    if a < 1_000_000_000_000_000_000:
        return len(str(a))
    d = (a.bit_length() - 1) * 30102 // 100000 + 1  # a lower bound (0.30102 < log10(2))
    while a >= _pow10(d):
        d += 1
    return d


def _normalize(m: int, e: int) -> tuple[int, int]:
    """Move factors of ten from the mantissa into the exponent; zero is (0, 0)."""
    if m == 0:
        return 0, 0
    if m % 10:
        return m, e
    if m % 1_000_000_000_000 == 0 and m.bit_length() > 200:
        # Long runs of zeros (1e1000 written out): strip via the decimal string.
        digits = _istr(abs(m))
        stripped = digits.rstrip("0")
        e += len(digits) - len(stripped)
        a = _iparse(stripped)
        return (a if m > 0 else -a), e
    while m % 10 == 0:
        m //= 10
        e += 1
    return m, e


def _ceil_div_away(m: int, k: int) -> int:
    """m / 10**k (k > 0) rounded away from zero, without building 10**k when it is hopelessly large."""
    a = -m if m < 0 else m
    if k > _ndigits(a):
        q = 1  # 0 < |m| / 10**k < 1
    else:
        q, r = divmod(a, _pow10(k))
        if r:
            q += 1
    return -q if m < 0 else q


def _saturate(v: int) -> int:
    if v > _MAX_INT64:
        return _MAX_INT64
    if v < _MIN_INT64:
        return _MIN_INT64
    return v


# -- parsing (ParseQuantity) ---------------------------------------------------------------------------------


def _scan(s: str) -> tuple[bool, str, str, str, str]:
    """parseQuantityString: (positive, value, num, denom, suffix); raises on a malformed string."""
    positive = True
    pos = 0
    end = len(s)
    if s[0] == "-":
        positive = False
        pos = 1
    elif s[0] == "+":
        pos = 1
    # strip leading zeros
    i = pos
    while True:
        if i >= end:
            return positive, "0", "0", "", ""
        if s[i] != "0":
            break
        pos += 1
        i += 1
    # numerator
    i = pos
    while True:
        if i >= end:
            return positive, s, s[pos:], "", ""
        if s[i] not in _DIGITS:
            num = s[pos:i]
            pos = i
            break
        i += 1
    if not num:
        num = "0"
    denom = ""
    if pos < end and s[pos] == ".":
        pos += 1
        i = pos
        while True:
            if i >= end:
                return positive, s, num, s[pos:], ""
            if s[i] not in _DIGITS:
                denom = s[pos:i]
                pos = i
                break
            i += 1
    value = s[:pos]
    suffix_start = pos
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, s[suffix_start:]
        if s[i] not in _SUFFIX_CHARS:
            pos = i
            break
        i += 1
    if s[pos] in "+-":
        pos += 1
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, s[suffix_start:]
        if s[i] not in _DIGITS:
            break
        i += 1
    # A non-digit after the exponent digits.
    raise QuantityError(ERR_FORMAT_WRONG)


def _interpret(suffix: str) -> tuple[int, int, str] | None:
    """suffixer.interpret: (base, exponent, format); the exponent of ``e<n>`` wraps like Go's int32."""
    exp = _DEC_SUFFIX_EXP.get(suffix)
    if exp is not None:
        return 10, exp, DECIMAL_SI
    exp = _BIN_SUFFIX_EXP.get(suffix)
    if exp is not None:
        return 2, exp, BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        rest = suffix[1:]
        if _INT64_TEXT.fullmatch(rest) is None:
            return None
        parsed = int(rest)
        if not _MIN_INT64 <= parsed <= _MAX_INT64:
            return None  # strconv.ParseInt range error
        return 10, _i32(parsed), DECIMAL_EXPONENT
    return None


# (mantissa, exponent, format, reused input string or None, int64Amount scale of the reused string)
_Parsed = tuple[int, int, str, str | None, int]


def _parse(s: str) -> _Parsed:
    if not s:
        raise QuantityError(ERR_FORMAT_WRONG)
    if s == "0":
        return 0, 0, DECIMAL_SI, "0", 0
    positive, value, num, denom, suf = _scan(s)
    interpreted = _interpret(suf)
    if interpreted is None:
        raise QuantityError(ERR_SUFFIX)
    base, exponent, fmt = interpreted

    # Fast path: the number fits an int64Amount.
    scale = 0
    mantissa = 1
    if fmt == BINARY_SI:
        if exponent >= 0 and not denom:
            mantissa = 1 << exponent
            # 1Mi (2^20) has ~6 digits of decimal precision, so exponent*3/10 - 1 is roughly the precision
            precision = 15 - len(num) - exponent * 3 // 10 - 1
        else:
            precision = -1
    else:
        scale = exponent
        precision = _MAX_INT64_FACTORS - (len(num) + len(denom))
    if precision >= 0:
        scale = _i32(scale - len(denom))
        if scale >= NANO:
            shifted = num + denom
            parsed = int(shifted)  # at most 18 digits here
            result = parsed * mantissa
            if result <= _MAX_INT64:  # int64Multiply succeeded
                if not positive:
                    result = -result
                m, e = _normalize(result, scale)
                # If the number is in canonical form, String() reuses the input.
                if fmt == BINARY_SI:
                    reuse = exponent % 10 == 0 and parsed & 0x07 != 0
                else:
                    reuse = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
                return m, e, fmt, (s if reuse else None), scale

    # Slow path: an arbitrary-precision decimal (inf.Dec).
    match = _DEC_TEXT.fullmatch(value)
    if match is None or not (match.group(1) or match.group(2)):
        raise QuantityError(ERR_NUMERIC)
    int_digits = match.group(1)
    frac_digits = match.group(2) or ""
    unscaled = _iparse((int_digits + frac_digits) or "0")
    if base == 10:
        # amount.SetScale(amount.Scale() + Scale(exponent).infScale()), in int32 like inf.Scale.
        inf_scale = _i32(len(frac_digits) + _i32(-exponent))
        m, e = unscaled, -inf_scale
    else:
        m, e = unscaled << exponent, -len(frac_digits)
    m, e = _normalize(m, e)
    if m != 0 and e < NANO:
        # Round non-zero values up to the minimum representable value (1n), away from zero.
        m, e = _normalize(_ceil_div_away(m, NANO - e), NANO)
    if fmt == BINARY_SI:
        if _cmp_int(m, e, _MAX_INT64) > 0:
            m, e = _MAX_INT64, 0  # the silent cap
        if m != 0 and e < 0 and _cmp_int(m, e, 1) < 0:
            fmt = DECIMAL_SI  # 0 < v < 1: avoids rounding and hopefully confusion, too
    if not positive:
        m = -m
    return m, e, fmt, None, 0


_parse_cached = functools.lru_cache(maxsize=65536)(_parse)


def _cmp_int(m: int, e: int, y: int) -> int:
    """Compare m*10**e with the integer y (m >= 0, y > 0 as used here)."""
    return _cmp(m, e, y, 0)


def _cmp(m1: int, e1: int, m2: int, e2: int) -> int:
    """Exact comparison of m1*10**e1 and m2*10**e2."""
    d = e1 - e2
    if -40 <= d <= 40:
        if d > 0:
            m1 *= _POW10[d]
        elif d < 0:
            m2 *= _POW10[-d]
        return (m1 > m2) - (m1 < m2)
    s1 = (m1 > 0) - (m1 < 0)
    s2 = (m2 > 0) - (m2 < 0)
    if s1 != s2 or s1 == 0:
        return (s1 > s2) - (s1 < s2)
    # Same sign, both non-zero: orders of magnitude first, so 1e2147483647 never gets expanded.
    mag1 = e1 + _ndigits(abs(m1))
    mag2 = e2 + _ndigits(abs(m2))
    if mag1 != mag2:
        return s1 if mag1 > mag2 else -s1
    if d > 0:
        m1 *= _pow10(d)
    else:
        m2 *= _pow10(-d)
    return (m1 > m2) - (m1 < m2)


# -- formatting (CanonicalizeBytes) ---------------------------------------------------------------------------


def _canonical(m: int, e: int, fmt: str) -> str:
    if m == 0:
        return "0"
    if fmt == BINARY_SI:
        if _cmp(-m if m < 0 else m, e, 1024, 0) < 0:
            fmt = DECIMAL_SI  # -1024 < v < 1024: avoids rounding and hopefully confusion, too
        elif e < 0:
            fmt = DECIMAL_SI  # not an integer: don't lose precision
        else:
            v = m * _pow10(e)
            a = -v if v < 0 else v
            times = 0
            while a >= 1024 and a % 1024 == 0:
                a >>= 10
                times += 1
            # Go ignores a missing suffix (2^70 and beyond print without one), as here.
            return ("-" if v < 0 else "") + _istr(a) + _BIN_EXP_SUFFIX.get(times, "")
    elif fmt != DECIMAL_SI:
        fmt = DECIMAL_EXPONENT  # unknown formats print as DecimalExponent
    # Adjust the exponent down to a multiple of three (amount.go AsCanonicalBytes).
    r = e % 3
    if r == 1:
        m *= 10
        e -= 1
    elif r == 2:
        m *= 100
        e -= 2
    if fmt == DECIMAL_SI:
        suffix = _DEC_EXP_SUFFIX.get(e)
        if suffix is not None:
            return _istr(m) + suffix
        # No SI suffix beyond E (or below n): decimal exponent notation keeps the value.
    return _istr(m) if e == 0 else f"{_istr(m)}e{e}"


# -- the type -------------------------------------------------------------------------------------------------


class Quantity:
    """A fixed-point number with a format, as ``resource.Quantity``. Immutable and hashable.

    ``Quantity("1.5Gi")`` parses (raising :class:`~labk8s.errors.QuantityError` with apimachinery's
    message), ``Quantity(5)`` is the DecimalSI integer 5, ``Quantity(q)`` copies ``q``.
    ``str(q)`` is ``String()``; equality, ordering and hashing compare values only (``Cmp``).
    """

    __slots__ = ("_m", "_e", "_fmt", "_s", "_ss")

    _m: int
    _e: int
    _fmt: str
    _s: str | None
    _ss: int

    def __init__(self, value: str | int | Quantity = 0) -> None:
        if type(value) is str:
            self._m, self._e, self._fmt, self._s, self._ss = _parse_cached(value)
        elif isinstance(value, Quantity):
            self._m, self._e, self._fmt, self._s, self._ss = value._m, value._e, value._fmt, value._s, value._ss
        elif isinstance(value, int) and not isinstance(value, bool):
            self._m, self._e = _normalize(value, 0)
            self._fmt, self._s, self._ss = DECIMAL_SI, None, 0
        elif isinstance(value, str):  # a str subclass
            self._m, self._e, self._fmt, self._s, self._ss = _parse_cached(str(value))
        else:
            raise TypeError(f"Quantity() takes a str, an int or a Quantity, not {type(value).__name__}")

    @classmethod
    def _make(cls, m: int, e: int, fmt: str) -> Quantity:
        q = object.__new__(cls)
        q._m, q._e = _normalize(m, e)
        q._fmt, q._s, q._ss = fmt, None, 0
        return q

    # -- constructors named after NewQuantity / NewMilliQuantity / NewScaledQuantity --------------------------
    @classmethod
    def from_int(cls, value: int, fmt: str = DECIMAL_SI) -> Quantity:
        """NewQuantity(value, fmt)."""
        return cls._make(value, 0, fmt)

    @classmethod
    def from_milli(cls, milli: int, fmt: str = DECIMAL_SI) -> Quantity:
        """NewMilliQuantity(milli, fmt): milli/1000."""
        return cls._make(milli, MILLI, fmt)

    @classmethod
    def from_scaled(cls, value: int, scale: int, fmt: str = DECIMAL_SI) -> Quantity:
        """NewScaledQuantity(value, scale): value * 10**scale (no rounding to nano, as upstream)."""
        return cls._make(value, scale, fmt)

    # -- accessors -------------------------------------------------------------------------------------------
    @property
    def format(self) -> str:
        """The remembered format: "DecimalSI", "BinarySI" or "DecimalExponent"."""
        return self._fmt

    def is_zero(self) -> bool:
        return self._m == 0

    def sign(self) -> int:
        """-1, 0 or 1."""
        return (self._m > 0) - (self._m < 0)

    def scaled_value(self, scale: int) -> int:
        """ScaledValue: ceil(q / 10**scale), rounded away from zero, saturated at the int64 rails."""
        m = self._m
        if m == 0:
            return 0
        d = self._e - scale
        if d >= 0:
            if d >= 19:  # |m| >= 1 and 10**19 already exceeds int64
                return _MAX_INT64 if m > 0 else _MIN_INT64
            return _saturate(m * _POW10[d])
        return _saturate(_ceil_div_away(m, -d))

    def value(self) -> int:
        """Value: the value rounded up (away from zero) to an integer."""
        return self.scaled_value(0)

    def milli_value(self) -> int:
        """MilliValue: ceil(q * 1000)."""
        m = self._m
        e = self._e
        if e >= -3:
            d = e + 3
            if d < 20:
                v = m * _POW10[d]
                if _MIN_INT64 <= v <= _MAX_INT64:
                    return v
        return self.scaled_value(MILLI)

    def as_fraction(self) -> Fraction:
        """The exact value."""
        if self._e >= 0:
            return Fraction(self._m * _pow10(self._e))
        return Fraction(self._m, _pow10(-self._e))

    def as_decimal(self) -> decimal.Decimal:
        """The exact value as a Decimal (built from digits, so no context rounding)."""
        m = self._m
        return decimal.Decimal((1 if m < 0 else 0, tuple(int(c) for c in _istr(abs(m))), self._e))

    def as_scaled_int(self) -> tuple[int, int]:
        """(mantissa, exponent) with value = mantissa * 10**exponent and no trailing zero in the mantissa."""
        return self._m, self._e

    def as_approximate_float64(self) -> float:
        """AsApproximateFloat64: for display and ratios only (the HPA uses it); never for arithmetic here."""
        try:
            return float(self.as_fraction())
        except OverflowError:
            return float("inf") if self._m > 0 else float("-inf")

    # -- rounding --------------------------------------------------------------------------------------------
    def round_up(self, scale: int) -> Quantity:
        """RoundUp(scale): the value rounded away from zero to a multiple of 10**scale.

        ``round_up(-3)`` is what ``SetDefaults_ResourceList`` applies (``1n`` becomes ``1m``). A canonical
        input string is kept when upstream keeps it (its int64 scale already fits).
        """
        m, e = self._m, self._e
        if m == 0 or e >= scale:
            if self._s is None or self._ss >= scale:
                return self
            return Quantity._make(m, e, self._fmt)
        return Quantity._make(_ceil_div_away(m, scale - e), scale, self._fmt)

    def exact_at(self, scale: int) -> bool:
        """Whether round_up(scale) would lose no precision (RoundUp's boolean result)."""
        return self._m == 0 or self._e >= scale

    # -- arithmetic (Add, Sub, Neg, Mul) ---------------------------------------------------------------------
    def _align_add(self, m2: int, e2: int) -> tuple[int, int]:
        m1, e1 = self._m, self._e
        if m2 == 0:
            return m1, e1
        if m1 == 0:
            return m2, e2
        if e1 == e2:
            return m1 + m2, e1
        if e1 > e2:
            return m1 * _pow10(e1 - e2) + m2, e2
        return m1 + m2 * _pow10(e2 - e1), e1

    def __add__(self, other: Quantity | int) -> Quantity:
        if not isinstance(other, Quantity):
            if not isinstance(other, int) or isinstance(other, bool):
                return NotImplemented
            other = Quantity(other)
        # Add keeps the receiver's format, unless the receiver is zero (then y's format wins).
        fmt = other._fmt if self._m == 0 else self._fmt
        m, e = self._align_add(other._m, other._e)
        return Quantity._make(m, e, fmt)

    def __radd__(self, other: int) -> Quantity:
        if not isinstance(other, int) or isinstance(other, bool):
            return NotImplemented
        return Quantity(other).__add__(self)  # so that sum() works

    def __sub__(self, other: Quantity | int) -> Quantity:
        if not isinstance(other, Quantity):
            if not isinstance(other, int) or isinstance(other, bool):
                return NotImplemented
            other = Quantity(other)
        fmt = other._fmt if self._m == 0 else self._fmt
        m, e = self._align_add(-other._m, other._e)
        return Quantity._make(m, e, fmt)

    def __rsub__(self, other: int) -> Quantity:
        if not isinstance(other, int) or isinstance(other, bool):
            return NotImplemented
        return Quantity(other).__sub__(self)

    def __neg__(self) -> Quantity:
        return Quantity._make(-self._m, self._e, self._fmt)

    def __pos__(self) -> Quantity:
        return self

    def __abs__(self) -> Quantity:
        return self if self._m >= 0 else -self

    def __mul__(self, other: int) -> Quantity:
        """Mul(int64): exact, keeps the format."""
        if not isinstance(other, int) or isinstance(other, bool):
            return NotImplemented
        return Quantity._make(self._m * other, self._e, self._fmt)

    __rmul__ = __mul__

    # -- comparison (Cmp) ------------------------------------------------------------------------------------
    def cmp(self, other: Quantity) -> int:
        """Cmp: -1, 0 or 1."""
        return _cmp(self._m, self._e, other._m, other._e)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self._m == other._m and self._e == other._e  # normalised, so this is value equality

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return not (self._m == other._m and self._e == other._e)

    def __lt__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return _cmp(self._m, self._e, other._m, other._e) < 0

    def __le__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return _cmp(self._m, self._e, other._m, other._e) <= 0

    def __gt__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return _cmp(self._m, self._e, other._m, other._e) > 0

    def __ge__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return _cmp(self._m, self._e, other._m, other._e) >= 0

    def __hash__(self) -> int:
        return hash((self._m, self._e))

    def __bool__(self) -> bool:
        return self._m != 0

    # -- text ------------------------------------------------------------------------------------------------
    def __str__(self) -> str:
        s = self._s
        if s is None:
            s = _canonical(self._m, self._e, self._fmt)
        return s

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r})"

    def __copy__(self) -> Quantity:
        return self

    def __deepcopy__(self, memo: object) -> Quantity:
        return self


def parse_quantity(text: str) -> Quantity:
    """ParseQuantity: a Quantity or QuantityError."""
    return Quantity(text)


@functools.lru_cache(maxsize=65536)
def canonical(text: str) -> str:
    """``ParseQuantity(text).String()``: the spelling the API server stores for a quantity field.

    Raises QuantityError for malformed input. Cached: the API server calls it for every resource value.
    """
    m, e, fmt, s, _ = _parse_cached(text)
    return s if s is not None else _canonical(m, e, fmt)
