"""cron.ParseStandard of github.com/robfig/cron/v3 (what CronJob validation calls), returning the error text
the library produces, or None for a valid schedule. Parsing only: the schedule's next times are computed by
the CronJob controller.
"""

from __future__ import annotations

import re
from functools import lru_cache

# bounds: (min, max, names)
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
           "nov": 11, "dec": 12}
_DOW = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
_BOUNDS = ((0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 6, _DOW))
_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)")
_INT = re.compile(r"[+-]?[0-9]+")


def _atoi(expr: str) -> tuple[int | None, str]:
    """strconv.Atoi, with its error text."""
    if _INT.fullmatch(expr):
        v = int(expr)
        if -(1 << 63) <= v < (1 << 63):
            return v, ""
        return None, f'strconv.Atoi: parsing "{expr}": value out of range'
    return None, f'strconv.Atoi: parsing "{expr}": invalid syntax'


def _must_parse_int(expr: str) -> tuple[int, str | None]:
    num, err = _atoi(expr)
    if num is None:
        return 0, f"failed to parse int from {expr}: {err}"
    if num < 0:
        return 0, f"negative number ({num}) not allowed: {expr}"
    return num, None


def _parse_int_or_name(expr: str, names: dict[str, int] | None) -> tuple[int, str | None]:
    if names is not None and expr.lower() in names:
        return names[expr.lower()], None
    return _must_parse_int(expr)


def _get_range(expr: str, lo: int, hi: int, names: dict[str, int] | None) -> str | None:
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    if low_and_high[0] in ("*", "?"):
        start, end = lo, hi
    else:
        start, err = _parse_int_or_name(low_and_high[0], names)
        if err:
            return err
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end, err = _parse_int_or_name(low_and_high[1], names)
            if err:
                return err
        else:
            return f"too many hyphens: {expr}"
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step, err = _must_parse_int(range_and_step[1])
        if err:
            return err
        if single:
            end = hi
    else:
        return f"too many slashes: {expr}"
    if start < lo:
        return f"beginning of range ({start}) below minimum ({lo}): {expr}"
    if end > hi:
        return f"end of range ({end}) above maximum ({hi}): {expr}"
    if start > end:
        return f"beginning of range ({start}) beyond end of range ({end}): {expr}"
    if step == 0:
        return f"step of range should be a positive number: {expr}"
    return None


def _parse_duration(text: str) -> bool:
    """Whether time.ParseDuration accepts the text."""
    s = text
    if s in ("0", "+0", "-0"):
        return True
    if s[:1] in "+-":
        s = s[1:]
    if not s:
        return False
    pos = 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if m is None or not m.group(1) or m.group(1) == ".":
            return False
        pos = m.end()
    return True


@lru_cache(maxsize=1024)
def parse_standard(spec: str) -> str | None:
    """The error of cron.ParseStandard(spec), or None."""
    if not spec:
        return "empty spec string"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        i = spec.find(" ")
        if i == -1:
            return f"invalid timezone specification: {spec}"  # v3 panics here; the API server recovers
        spec = spec[i:].strip()
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return None
        if spec.startswith("@every "):
            dur = spec[len("@every "):]
            if not _parse_duration(dur):
                return f'failed to parse duration {spec}: time: invalid duration "{dur}"'
            return None
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    for field, (lo, hi, names) in zip(fields, _BOUNDS, strict=True):
        for expr in (e for e in field.split(",") if e):
            err = _get_range(expr, lo, hi, names)
            if err:
                return err
    return None
