"""Parse page dates into ISO 8601 without inventing a time zone or a future."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = ["ParsedDate", "parse_date"]

_ISO_RE = re.compile(
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
_RFC2822_RE = re.compile(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}")
_EPOCH_RE = re.compile(r"^\d{10}(?:\d{3})?$")
# A page date later than now by more than this is rejected (clock skew, zones ahead of UTC).
_FUTURE_SLACK = timedelta(hours=14)


@dataclass(frozen=True)
class ParsedDate:
    """A page date: ``iso`` is a datetime with offset, or a bare ``YYYY-MM-DD`` date."""

    iso: str
    raw: str
    has_zone: bool
    day: date


def _tz(value: str | None) -> str | None:
    if not value:
        return None
    v = value.upper()
    if v in ("Z", "UTC", "GMT"):
        return "+00:00"
    sign, digits = v[0], v[1:].replace(":", "")
    if len(digits) == 2:
        digits += "00"
    return f"{sign}{digits[:2]}:{digits[2:4]}"


def _to_datetime(raw: str) -> tuple[datetime | date, bool] | None:
    """(value, has_zone) from the common page formats, or None."""
    s = raw.strip()
    if _EPOCH_RE.match(s):
        secs = int(s[:10])
        return datetime.fromtimestamp(secs, tz=UTC), True
    m = _ISO_RE.search(s)
    if m:
        y, mo, d = (int(x) for x in m["date"].split("-"))
        try:
            day = date(y, mo, d)
        except ValueError:
            return None
        if not m["time"]:
            return day, False
        tz = _tz(m["tz"])
        t = m["time"].replace(",", ".")
        if len(t.split(":")[0]) == 1:
            t = "0" + t
        if "." in t:
            main, frac = t.split(".", 1)
            t = f"{main}.{(frac + '000000')[:6]}"
        try:
            dt = datetime.fromisoformat(f"{day.isoformat()}T{t}{tz or ''}")
        except ValueError:
            return day, False
        return dt, tz is not None
    if _RFC2822_RE.match(s):
        try:
            dt = parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            return None
        return dt, dt.tzinfo is not None
    return None


def parse_date(raw: str | None, *, now: datetime | None = None) -> ParsedDate | None:
    """Parse ``raw``; None when unparseable, implausible (before 1990) or in the future.

    A datetime with a zone keeps it (``2026-11-20T08:15:00+01:00``); a time without a
    zone gives the date only, so no offset is ever invented.
    """
    if not raw or not isinstance(raw, str) or len(raw) > 100:
        return None
    parsed = _to_datetime(raw)
    if parsed is None:
        return None
    value, has_zone = parsed
    now = now or datetime.now(UTC)
    if isinstance(value, datetime) and has_zone:
        if value > now + timedelta(minutes=5):
            return None
        iso = value.isoformat(timespec="seconds")
        day = value.date()
    else:
        day = value.date() if isinstance(value, datetime) else value
        if day > (now + _FUTURE_SLACK).date():
            return None
        iso = day.isoformat()
    if day.year < 1990:
        return None
    return ParsedDate(iso=iso, raw=raw.strip(), has_zone=has_zone, day=day)
