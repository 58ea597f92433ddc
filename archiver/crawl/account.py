"""A run's account of page resources: the rules, the hosts given up, what each page needs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from archiver.crawl.resources import DeadHosts, HostProbes, ResourceLedger, ResourcePolicy, host_of
from archiver.store.page_resources import PageResourceReport
from archiver.warc import RecordLocation


@dataclass
class ResourceAccount:
    """Shared by the spider (which asks for resources) and the gate (which lets them through).

    ``pages`` maps each captured page's URL to its response record, for its report.
    """

    policy: ResourcePolicy
    dead_hosts: DeadHosts
    ledger: ResourceLedger = field(default_factory=ResourceLedger)
    probes: HostProbes[Any] = field(default_factory=HostProbes)
    pages: dict[str, RecordLocation] = field(default_factory=dict)

    def skip_reason(self, url: str, kind: str, needed_by: str) -> str | None:
        """Why a resource is not worth a request (a dead host, the scope, a block list)."""
        if self.dead_hosts.reason(host_of(url)) is not None:
            return "dead-host"
        return self.policy.skip_reason(url, kind, needed_by)

    def reports(self) -> Iterator[tuple[RecordLocation, PageResourceReport]]:
        """Each captured page that needs resources, with what became of them."""
        for page_url, record in self.pages.items():
            report = self.ledger.report(page_url)
            if report.needed:
                yield record, report
