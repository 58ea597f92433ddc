"""Parse page dates into ISO 8601 without inventing a time zone or a future."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = ["ParsedDate", "date_from_url", "labelled_date", "main_article", "parse_date"]

_ISO_RE = re.compile(
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
_RFC2822_RE = re.compile(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}")
_EPOCH_RE = re.compile(r"^\d{10}(?:\d{3})?$")
_MONTH_NAMES = {
    1: "january jan januar janvier enero gennaio janeiro januari januar jänner ocak",
    2: "february feb februar février fevrier febrero febbraio fevereiro februari şubat",
    3: "march mar märz maerz mars marzo março maart maart mart",
    4: "april apr avril abril aprile nisan",
    5: "may mai mayo maggio maio mei may\u0131s",
    6: "june jun juni juin junio giugno junho haziran",
    7: "july jul juli juillet julio luglio julho temmuz",
    8: "august aug août aout agosto augustus ağustos",
    9: "september sep sept septembre septiembre settembre setembro eylül",
    10: "october oct oktober octobre octubre ottobre outubro ekim",
    11: "november nov novembre noviembre novembro kas\u0131m",
    12: "december dec dezember décembre decembre diciembre dicembre dezembro aral\u0131k",
}
_MONTHS = {name: num for num, names in _MONTH_NAMES.items() for name in names.split()}
_YMD_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
)
_DMY_RE = re.compile(
    r"(?<![\d.])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})(?!\d)"
)
_NAMED_DMY_RE = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?(?P<mon>[^\W\d_]{3,10}\.?),?"
    r"\s+(?:de\s+)?(?P<y>(?:19|20)\d{2})(?!\d)"
)
_NAMED_MDY_RE = re.compile(
    r"(?P<mon>[^\W\d_]{3,10}\.?)\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})(?!\d)"
)
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
    return _text_date(s)


def _make_day(y: int, mo: int, d: int) -> date | None:
    if y < 100:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _text_date(s: str) -> tuple[datetime | date, bool] | None:
    """A date as people write it: numeric with dots/slashes, or with a month name.

    No zone is ever attached, so the day stays the page's own calendar day.
    """
    m = _YMD_RE.search(s)
    if m:
        day = _make_day(int(m["y"]), int(m["m"]), int(m["d"]))
        return (day, False) if day else None
    m = _DMY_RE.search(s)
    if m:
        a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
        if m["sep"] == "/" and a <= 12 and b <= 12 and a != b:
            return None  # dd/mm/yyyy or mm/dd/yyyy: ambiguous, do not guess
        if m["sep"] == "/" and b > 12:
            a, b = b, a  # mm/dd/yyyy
        day = _make_day(y, b, a)
        return (day, False) if day else None
    m = _NAMED_DMY_RE.search(s)
    if m and m["mon"].lower().rstrip(".") in _MONTHS:
        day = _make_day(int(m["y"]), _MONTHS[m["mon"].lower().rstrip(".")], int(m["d"]))
        return (day, False) if day else None
    m = _NAMED_MDY_RE.search(s)
    if m and m["mon"].lower().rstrip(".") in _MONTHS:
        day = _make_day(int(m["y"]), _MONTHS[m["mon"].lower().rstrip(".")], int(m["d"]))
        return (day, False) if day else None
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


# A short element that reads "<label> <date>": the page's own dateline, e.g.
# "Datum 28.04.2023", "Published: 3 March 2024", "Publié le 28 avril 2023".
_PUBLISHED_LABEL_RE = re.compile(
    r"^\s*(?:date(?:\s+de\s+publication)?|datum|published(?:\s+on)?|posted(?:\s+on)?"
    r"|publication\s+date|veröffentlicht(?:\s+am)?|erschienen(?:\s+am)?|publié(?:\s+le)?"
    r"|publicado(?:\s+(?:el|em))?|fecha(?:\s+de\s+publicación)?|pubblicato(?:\s+il)?"
    r"|data(?:\s+(?:di|de)\s+publica[çz][ãa]o(?:ne)?)?|gepubliceerd(?:\s+op)?"
    r"|opublikowano|yay\u0131nlanma(?:\s+tarihi)?|yay\u0131n\s+tarihi)\b\s*:?\s*(?=\S)",
    re.IGNORECASE,
)
_LABEL_MAX_CHARS = 80
_LABEL_SKIP_TAGS = frozenset({"a", "script", "style", "noscript", "template", "option"})


def labelled_date(tree: Any) -> str | None:
    """The date in the first short, visible element that labels a publication date.

    Elements inside links are skipped: teasers of other articles carry their own dates.
    """
    for node in tree.xpath("//body//text()[string-length(normalize-space()) > 3]"):
        if not _PUBLISHED_LABEL_RE.match(node) and not _PUBLISHED_LABEL_RE.match(node + " x"):
            continue
        el = node.getparent()
        for _ in range(3):  # the label's own element, then its container ("<li><b>Date</b> …")
            if el is None or not isinstance(el.tag, str) or el.tag in _LABEL_SKIP_TAGS:
                break
            text = " ".join(el.text_content().split())
            if len(text) > _LABEL_MAX_CHARS:
                break
            m = _PUBLISHED_LABEL_RE.match(text)
            rest = text[m.end() :] if m else ""
            if rest and len(rest) <= 40 and (_text_date(rest) is not None or _ISO_RE.search(rest)):
                if any(a.tag in _LABEL_SKIP_TAGS for a in el.iterancestors()):
                    break
                return rest
            el = el.getparent()
    return None


_URL_DATE_RES = (
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})(?!\d)"),
    # yyyymmdd at the start of a number in the path (article ids like "A20260129143205").
    re.compile(r"(?<![\d])((?:19|20)\d{2})(\d{2})(\d{2})(?=\d{4,}|[_./-]|$)"),
)


def date_from_url(url: str | None) -> str | None:
    """``YYYY-MM-DD`` written into the URL path, or None; for a last-resort fallback."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    path = path.split("://", 1)[-1].partition("/")[2]
    for pattern in _URL_DATE_RES:
        m = pattern.search("/" + path)
        if m:
            day = _make_day(int(m[1]), int(m[2]), int(m[3]))
            if day is not None:
                return day.isoformat()
    return None


def _url_key(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip().split("#", 1)[0].split("?", 1)[0]
    v = v.split("://", 1)[-1]
    if v.startswith("www."):
        v = v[4:]
    return v.rstrip("/").lower() or None


def main_article(articles: list[dict[str, Any]], url: str | None) -> dict[str, Any]:
    """The page's own JSON-LD article node (``{}`` when there is none).

    When a page lists several article nodes (a graph with related stories), the node whose
    ``url``/``@id``/``mainEntityOfPage`` is the page URL wins; otherwise the first node.
    """
    if not articles:
        return {}
    page_key = _url_key(url)
    if page_key and len(articles) > 1:
        for node in articles:
            refs = (node.get("url"), node.get("@id"), node.get("mainEntityOfPage"))
            if any(_url_key(r) == page_key for r in refs):
                return node
    return articles[0]
