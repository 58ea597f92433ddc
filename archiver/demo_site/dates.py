"""Dates as the demo site's readers see them, in the house styles its stories use."""

from __future__ import annotations

from datetime import datetime, timedelta

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
AP_MONTHS = (
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Date styles that show the time of day; the others show only the day.
TIMED_STYLES = frozenset({"long", "us_time", "de"})


def visible_date(timestamp: str, style: str) -> str:
    """A date as readers see it: "20 November 2026, 08:15 GMT", "Nov. 3, 2026", "03.11.2026"."""
    dt = datetime.fromisoformat(timestamp)
    zone = "GMT" if dt.utcoffset() == timedelta(0) else "BST"
    month, ap_month = MONTHS[dt.month - 1], AP_MONTHS[dt.month - 1]
    if style == "long":
        return f"{dt.day} {month} {dt.year}, {dt:%H:%M} {zone}"
    if style == "weekday":
        return f"{WEEKDAYS[dt.weekday()]} {dt.day} {month} {dt.year}"
    if style == "us":
        return f"{ap_month} {dt.day}, {dt.year}"
    if style == "us_time":
        hour = dt.hour % 12 or 12
        half = "a.m." if dt.hour < 12 else "p.m."
        return f"{ap_month} {dt.day}, {dt.year}, {hour}:{dt:%M} {half}"
    if style == "short":
        return f"{dt.day} {month[:3]} {dt.year}"
    if style == "plain":
        return f"{dt.day} {month} {dt.year}"
    if style == "de":
        return f"{dt:%d.%m.%Y, %H:%M} Uhr"
    raise ValueError(f"unknown date style {style!r}")
