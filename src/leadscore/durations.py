"""Durations (`90d`, `12h`, `2w`) as exact microseconds, and instants as UTC microseconds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

MICROS_PER_SECOND = 1_000_000
MICROS_PER_HOUR = 3_600 * MICROS_PER_SECOND
MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND
_UNIT_MICROS = {"h": MICROS_PER_HOUR, "d": MICROS_PER_DAY, "w": 7 * MICROS_PER_DAY}
_DURATION = re.compile(r"^([0-9]+)([hdw])$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# longer than any history (about 270 years), and small enough that ages, windows and decay steps
# computed from it stay far inside 64-bit microseconds on every engine
MAX_DURATION_DAYS = 100_000


class DurationTooLong(ValueError):
    """A duration beyond MAX_DURATION_DAYS."""


@dataclass(frozen=True, order=True)
class Duration:
    """A whole number of hours, days or weeks, kept as exact microseconds."""

    micros: int
    text: str

    @classmethod
    def parse(cls, text: str) -> Duration:
        m = _DURATION.match(text)
        if not m:
            raise ValueError(
                f"'{text}' is not a duration; write a whole number followed by h, d or w, "
                "such as 12h, 30d or 2w"
            )
        micros = int(m.group(1)) * _UNIT_MICROS[m.group(2)]
        if micros > MAX_DURATION_DAYS * MICROS_PER_DAY:
            raise DurationTooLong(
                f"'{text}' is longer than the longest duration, {MAX_DURATION_DAYS}d (about 270 years)"
            )
        return cls(micros, text)

    @classmethod
    def parse_positive(cls, text: str) -> Duration:
        """A duration that is some time (a window, a tick): `0d` is refused."""
        duration = cls.parse(text)
        if duration.micros == 0:
            raise ValueError(f"'{text}' is no time at all; give a duration such as 1d")
        return duration

    @property
    def days(self) -> float:
        return self.micros / MICROS_PER_DAY

    def __str__(self) -> str:
        return self.text


def to_micros(dt: datetime) -> int:
    """Exact microseconds since the Unix epoch; naive datetimes are UTC."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    delta = dt - EPOCH
    return (delta.days * 86_400 + delta.seconds) * MICROS_PER_SECOND + delta.microseconds


def from_micros(us: int) -> datetime:
    from datetime import timedelta

    return EPOCH + timedelta(microseconds=us)


def format_instant(us: int) -> str:
    """ISO 8601 in UTC with a `Z`; microseconds only when present."""
    dt = from_micros(us)
    if dt.microsecond:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


_INSTANT = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$"
)


# instants given on the command line (--as-of, --cutoff, --from, …): far enough from the ends of
# the calendar that a window of the longest duration either side of them stays on it
EARLIEST_YEAR, LATEST_YEAR = 1000, 9000


def parse_instant(text: str) -> int:
    """Parse an ISO 8601 instant to UTC microseconds. Offsets are converted; naive is UTC.

    Accepts a date (`2026-01-01`, midnight UTC), `T` or a space between date and time,
    optional seconds and up to nine fractional digits (truncated to microseconds).
    """
    m = _INSTANT.match(text.strip())
    if not m:
        raise ValueError(f"'{text}' is not a timestamp of the form 2026-01-01T09:30:00Z (ISO 8601 extended)")
    year, month, day, hh, mm, ss, frac, tz = m.groups()
    try:
        dt = datetime(int(year), int(month), int(day), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a valid timestamp: {exc}") from None
    us = to_micros(dt) + (int((frac or "0").ljust(6, "0")[:6]) if frac else 0)
    if tz and tz not in ("Z", "z", "UTC"):
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        offset_minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
        if offset_minutes > 18 * 60:
            raise ValueError(f"'{text}' has an offset beyond ±18:00")
        us -= sign * offset_minutes * 60 * MICROS_PER_SECOND
    if not EARLIEST <= us < LATEST:
        raise ValueError(outside_years(text))
    return us


def outside_years(text: str) -> str:
    """Why an instant or a day given as `text` is refused: its year is not in the range."""
    return f"'{text}' is outside the years {EARLIEST_YEAR} to {LATEST_YEAR - 1}"


def day_in_range(day: date) -> bool:
    return EARLIEST_YEAR <= day.year < LATEST_YEAR


EARLIEST = to_micros(datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC))
LATEST = to_micros(datetime(LATEST_YEAR, 1, 1, tzinfo=UTC))
