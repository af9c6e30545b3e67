"""Go's shortest float formatting (strconv.FormatFloat with precision -1) for the printers and encoders."""

from __future__ import annotations

from decimal import Decimal


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest round-tripping digits of abs(value) and the decimal point position.

    abs(value) == 0.<digits> * 10**point; Python's repr and Go's strconv both pick the shortest digits.
    """
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(str(d) for d in digit_tuple)
    # abs(value) == int(digits) * 10**exponent
    significant = digits.rstrip("0")
    exponent += len(digits) - len(significant)
    significant = significant.lstrip("0")
    if not significant:
        return "0", 1
    return significant, len(significant) + exponent


def _special(value: float) -> str | None:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "+Inf"
    if value == float("-inf"):
        return "-Inf"
    return None


def _e_format(digits: str, point: int, min_exp_digits: int = 2) -> str:
    exp = point - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sign = "-" if exp < 0 else "+"
    return f"{mantissa}e{sign}{str(abs(exp)).rjust(min_exp_digits, '0')}"


def _f_format(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * (-point) + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def format_g(value: float) -> str:
    """strconv.FormatFloat(v, 'g', -1, 64), also fmt's %v: "1e+06", "123456", "0.5", "1e-05"."""
    special = _special(value)
    if special is not None:
        return special
    neg = "-" if value < 0 or (value == 0 and str(value).startswith("-")) else ""
    if value == 0:
        return neg + "0"
    digits, point = _shortest_digits(value)
    exp = point - 1
    # %e is used if the exponent is less than -4 or >= the precision (6 for the shortest form).
    if exp < -4 or exp >= 6:
        return neg + _e_format(digits, point)
    return neg + _f_format(digits, point)


def format_json_float(value: float) -> str:
    """encoding/json's float64 encoding: 'f' form, 'e' form (e-7, not e-07) below 1e-6 or from 1e21."""
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    neg = "-" if value < 0 else ""
    digits, point = _shortest_digits(value)
    if abs(value) < 1e-6 or abs(value) >= 1e21:
        text = _e_format(digits, point, min_exp_digits=2)
        # clean up e-09 to e-9
        if len(text) >= 4 and text[-4] == "e" and text[-3] == "-" and text[-2] == "0":
            text = text[:-2] + text[-1]
        return neg + text
    return neg + _f_format(digits, point)
