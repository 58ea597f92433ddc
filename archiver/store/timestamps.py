"""CDX timestamps (``yyyyMMddHHmmss``, UTC), shortened or not, as pywb reads them."""

from __future__ import annotations

from datetime import UTC, datetime

_PAD_TIMESTAMP = "10000101000000"  # pywb's PAD_14_DOWN: "2026" means 2026-01-01 00:00:00


def pad_timestamp(stamp: str) -> str:
    """1 to 14 digits as 14, padded down as pywb does: "2026" is 20260101000000."""
    return stamp + _PAD_TIMESTAMP[len(stamp) :]


def parse_timestamp(timestamp: str) -> datetime:
    """A CDX timestamp (4 to 14 digits, padded as pywb pads them) as an aware UTC datetime."""
    if not timestamp.isdigit() or not 4 <= len(timestamp) <= 14:
        raise ValueError(f"expected a timestamp of 4 to 14 digits, got {timestamp!r}")
    return datetime.strptime(pad_timestamp(timestamp), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
