"""The warcinfo record's fields: which software, host, user agent and config made the records."""

from __future__ import annotations

import platform
import socket
from collections.abc import Mapping

from archiver import __version__


def build_warcinfo(
    *,
    user_agent: str | None,
    robots: str | None,
    config_name: str | None = None,
    config_hash: str | None = None,
    operator: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The warcinfo fields describing how this archive's records were made."""
    fields = {
        "software": f"archiver/{__version__} (Python {platform.python_version()})",
        "hostname": socket.gethostname(),
    }
    if user_agent is not None:  # None: the records are not fetches
        fields["http-header-user-agent"] = user_agent
    if robots is not None:
        fields["robots"] = robots
    if operator:
        fields["operator"] = operator
    if config_name:
        fields["isPartOf"] = config_name
        fields["archiver-config-name"] = config_name
    if config_hash:
        fields["archiver-config-sha256"] = config_hash
    fields.update(extra or {})
    return fields


def credentials_note(summary: str, *, kept: bool) -> dict[str, str]:
    """The warcinfo field of a logged-in crawl: what its config sent, by name only (never a
    value), and whether request records hold the values (none for a crawl without any)."""
    if not summary:
        return {}
    where = (
        "kept in the request records (ARCHIVER_KEEP_SECRETS)"
        if kept
        else "replaced by [redacted] in the request records"
    )
    return {
        "archiver-request": (
            f"{summary} (headers and cookies sent to the site's own hosts only); their "
            f"values and any Proxy-Authorization {where}"
        )
    }
