"""Which page resources a crawl may fetch, which hosts it has given up, and what each page lacks.

- `ResourcePolicy`: scope (``all`` / ``site`` / ``none``) and blocking (the user's host and URL
  patterns, their own EasyList or hosts files, and by default EasyList + EasyPrivacy as shipped
  with braveblock, the Python bindings of Brave's adblock-rust).
- `DeadHosts`: a host that cannot be reached (DNS, refused, unreachable, timed out) is given up
  for the rest of the run after a set number of failures; `HostProbes`: until a host has
  answered, one request at a time is sent to it.
- `ResourceLedger`: what each page names (through its stylesheets and frames) and what became of
  each resource, so that each capture can say how many of its resources were archived (its
  `archiver.store.page_resources.PageResourceReport`).
"""

from __future__ import annotations

import functools
import gzip
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from archiver.store.page_resources import MissingResource, PageResourceReport

__all__ = [
    "ARCHIVED",
    "SCOPES",
    "DeadHosts",
    "HostProbes",
    "ResourceLedger",
    "ResourcePolicy",
    "ResourceRules",
    "block_rules_from_file",
    "host_of",
    "rules_from_settings",
]

T = TypeVar("T")

SCOPES = ("all", "site", "none")
#: The outcome of a resource that was fetched and came back below 400.
ARCHIVED = "archived"
#: The outcome of a resource the crawl ended before fetching.
NOT_FETCHED = "not-fetched"

# What adblock-rust calls each kind of requisite (see archiver.crawl.requisites.KINDS).
_REQUEST_TYPES = {
    "stylesheet": "stylesheet",
    "script": "script",
    "image": "image",
    "icon": "image",
    "font": "font",
    "frame": "sub_frame",
    "media": "media",
    "other": "other",
}
_BARE_HOST_RE = re.compile(r"^(?:\*\.)?[a-z0-9_-]+(?:\.[a-z0-9_-]+)+\.?$", re.IGNORECASE)
_HOSTS_LINE_RE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]*)\s+(.+)$", re.I)
_HOSTS_IGNORED = frozenset(
    {"localhost", "localhost.localdomain", "local", "broadcasthost", "0.0.0.0", "ip6-localhost"}
)


def host_of(url: str) -> str:
    """The URL's host name, lower-case, without port or trailing dot ("" when it has none)."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


def _host_in(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def block_rule(pattern: str) -> str:
    """A ``block:`` entry as an adblock filter: a bare host blocks it and its subdomains."""
    pattern = pattern.strip()
    if _BARE_HOST_RE.fullmatch(pattern):
        return f"||{pattern.removeprefix('*.').rstrip('.').lower()}^"
    return pattern


def block_rules_from_file(path: Path) -> list[str]:
    """Filter rules from an EasyList (Adblock Plus syntax) or hosts-format file (gzip too).

    Hosts-format lines (``0.0.0.0 ads.example.com``) become ``||ads.example.com^``; comments
    (``!`` and ``#`` lines) and list headers are left out. Raises OSError when unreadable.
    """
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    rules: list[str] = []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith(("!", "[")):
            continue
        if line.startswith("#") and "##" not in line and "#@#" not in line:
            continue
        hosts = _HOSTS_LINE_RE.match(line)
        if hosts:
            names = hosts.group(1).split("#", 1)[0].split()
            rules.extend(f"||{n.lower()}^" for n in names if n.lower() not in _HOSTS_IGNORED)
        else:
            rules.append(line)
    return rules


@functools.lru_cache(maxsize=4)
def _engine(rules: tuple[str, ...], default_lists: bool) -> Any:
    """One adblock engine per distinct rule set in a process (building one takes ~0.3 s)."""
    import braveblock

    return braveblock.Adblocker(
        rules=list(rules), include_easylist=default_lists, include_easyprivacy=default_lists
    )


@dataclass(frozen=True)
class ResourceRules:
    """What a crawl may fetch besides its pages (the ``requisites:`` block of a site config).

    ``site_hosts`` are the hosts that count as the site's own for ``scope: site`` (the config's
    ``allowed_domains`` plus ``requisites.hosts``); subdomains count too.
    """

    scope: str = "all"
    site_hosts: tuple[str, ...] = ()
    block: tuple[str, ...] = ()
    block_lists: tuple[Path, ...] = ()
    default_blocklist: bool = True
    max_per_page: int = 200
    host_failures: int = 1


class ResourcePolicy:
    """Decides, per resource URL, whether it may be requested."""

    def __init__(self, rules: ResourceRules) -> None:
        if rules.scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {rules.scope!r}")
        self.rules = rules
        self.site_hosts = tuple(h.lower().rstrip(".") for h in rules.site_hosts)
        own = [block_rule(p) for p in rules.block]
        for path in rules.block_lists:
            own.extend(block_rules_from_file(path))
        self._rules = tuple(own)
        self._engine: Any = None

    @property
    def blocks_anything(self) -> bool:
        return bool(self._rules) or self.rules.default_blocklist

    def skip_reason(self, url: str, kind: str, page_url: str | None) -> str | None:
        """``out-of-scope`` or ``blocked`` when `url` must not be requested, else None."""
        scope = self.rules.scope
        if scope == "none":
            return "out-of-scope"
        if scope == "site" and not _host_in(host_of(url), self.site_hosts):
            return "out-of-scope"
        if self.blocks_anything and self._blocked(url, kind, page_url or url):
            return "blocked"
        return None

    def _blocked(self, url: str, kind: str, page_url: str) -> bool:
        if self._engine is None:
            self._engine = _engine(self._rules, self.rules.default_blocklist)
        request_type = _REQUEST_TYPES.get(kind, "other")
        return bool(
            self._engine.check_network_urls(url=url, source_url=page_url, request_type=request_type)
        )


class DeadHosts:
    """Hosts given up for this run, each with the kind of failure that ended it."""

    def __init__(self, limit: int = 1) -> None:
        self.limit = max(1, limit)
        self._failures: Counter[str] = Counter()
        self._dead: dict[str, str] = {}

    def failed(self, host: str, kind: str) -> bool:
        """Count a failure; True when it is the one that makes `host` given up."""
        if host in self._dead:
            return False
        self._failures[host] += 1
        if self._failures[host] >= self.limit:
            self._dead[host] = kind
            return True
        return False

    def reason(self, host: str) -> str | None:
        """The failure kind that gave `host` up, or None while it is still tried."""
        return self._dead.get(host)

    def by_kind(self) -> dict[str, int]:
        return dict(Counter(self._dead.values()))


class HostProbes(Generic[T]):
    """Until a host has answered, one request at a time goes to it; the others wait here.

    A host that does not resolve, refuses or never answers then costs one failure, and the
    requests waiting for it never take a place in the downloader. ``admit`` says whether to
    send a request now; what `answered` and `failed` return is the waiting that may go on.
    """

    def __init__(self) -> None:
        self.answered_hosts: set[str] = set()
        self.waiting: dict[str, list[T]] = {}  # host -> requests parked behind its probe

    def admit(self, host: str, request: T) -> bool:
        """True to send `request` now (the host answered, or it is the probe); else parked."""
        if host in self.answered_hosts:
            return True
        if host not in self.waiting:
            self.waiting[host] = []
            return True
        self.waiting[host].append(request)
        return False

    def answered(self, host: str) -> list[T]:
        """The host answered (any status): every request waiting for it may go."""
        self.answered_hosts.add(host)
        return self.waiting.pop(host, [])

    def failed(self, host: str, given_up: bool) -> list[T]:
        """The probe failed: all waiting requests when the host is given up (to be skipped),
        else the next one, which becomes the probe."""
        waiting = self.waiting.pop(host, [])
        if given_up or not waiting:
            return waiting
        self.waiting[host] = waiting[1:]
        return waiting[:1]


@dataclass
class ResourceLedger:
    """The resources each page, stylesheet and frame names, and what became of each."""

    needs: dict[str, list[str]] = field(default_factory=dict)  # page or resource -> resources
    kinds: dict[str, str] = field(default_factory=dict)  # resource URL -> first kind seen
    outcomes: dict[str, str] = field(default_factory=dict)  # resource URL -> ARCHIVED or reason
    requested: set[str] = field(default_factory=set)

    def need(self, needed_by: str, url: str, kind: str) -> bool:
        """Note that `needed_by` names `url`; True the first time `url` is named at all."""
        self.needs.setdefault(needed_by, []).append(url)
        self.kinds.setdefault(url, kind)
        if url in self.requested:
            return False
        self.requested.add(url)
        return True

    def settle(self, url: str, outcome: str) -> None:
        """Record what became of a resource; the first word stands (a retry does not undo it)."""
        self.outcomes.setdefault(url, outcome)

    def closure(self, url: str) -> set[str]:
        """Every resource the page at `url` needs, through its stylesheets and frames."""
        needed: set[str] = set()
        todo = list(self.needs.get(url, []))
        while todo:
            current = todo.pop()
            if current not in needed:
                needed.add(current)
                todo.extend(self.needs.get(current, []))
        return needed

    def report(self, page_url: str) -> PageResourceReport:
        """What the page at `page_url` needs and lacks (unsettled ones: ``not-fetched``)."""
        needed = sorted(self.closure(page_url))
        missing = []
        for url in needed:
            outcome = self.outcomes.get(url, NOT_FETCHED)
            if outcome != ARCHIVED:
                missing.append(MissingResource(url, self.kinds.get(url, "other"), outcome))
        return PageResourceReport(page_url, len(needed), len(needed) - len(missing), tuple(missing))


def rules_from_settings(settings: Any) -> ResourceRules:
    """`ResourceRules` from Scrapy-style settings (ARCHIVER_REQUISITES_*, ARCHIVER_SITE_DOMAINS).

    `settings` needs ``get``, ``getbool``, ``getint`` and ``getlist``, as Scrapy's have.
    """
    return ResourceRules(
        scope=str(settings.get("ARCHIVER_REQUISITES_SCOPE") or "all"),
        site_hosts=(
            *settings.getlist("ARCHIVER_SITE_DOMAINS"),
            *settings.getlist("ARCHIVER_REQUISITES_HOSTS"),
        ),
        block=tuple(settings.getlist("ARCHIVER_REQUISITES_BLOCK")),
        block_lists=tuple(Path(p) for p in settings.getlist("ARCHIVER_REQUISITES_BLOCK_LISTS")),
        default_blocklist=settings.getbool("ARCHIVER_REQUISITES_DEFAULT_BLOCKLIST"),
        max_per_page=settings.getint("ARCHIVER_REQUISITES_MAX_PER_PAGE"),
        host_failures=settings.getint("ARCHIVER_REQUISITES_HOST_FAILURES"),
    )
