"""What `archiver verify` found: problems by kind, what was checked, as text or JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

#: Every kind of problem: what it means, and what `--repair` does about it (None: nothing,
#: with what to do instead in `ADVICE`). Order is the report's.
KINDS: dict[str, str] = {
    "truncated": "a closed WARC file ends inside a record",
    "corrupt": "a closed WARC file holds bytes that are not gzip data (a torn or damaged file)",
    "bad-record": "a record whose headers do not parse or whose length is wrong",
    "digest": "a record whose WARC-Block-Digest or WARC-Payload-Digest does not match its bytes",
    "left-open": "a .open WARC file left by a killed run",
    "missing-warc": "a WARC file that documents name is not there",
    "document": "an article or section document that is not valid JSON or not valid against "
    "its JSON Schema",
    "provenance": "a document whose WARC record is not where it says, or is another record",
    "missing-row": "a record, document or snapshot the catalog does not list",
    "dangling-row": "a catalog row whose file or record is not there",
    "catalog": "the catalog is missing or cannot be read",
    "missing-index": "a closed WARC file without its CDXJ index",
    "dangling-index": "a CDXJ index of a WARC file that is not there",
    "index-mismatch": "a CDXJ index whose entries are not the records of its WARC file",
}

#: The kinds `--repair` fixes: recovering .open files, rebuilding catalog and indexes.
REPAIRABLE = frozenset(
    {
        "left-open",
        "missing-row",
        "dangling-row",
        "catalog",
        "missing-index",
        "dangling-index",
        "index-mismatch",
    }
)

#: What to do about the kinds `--repair` cannot fix (it never rewrites archived content).
ADVICE: dict[str, str] = {
    "truncated": "the records before the damage are readable; restore the file from a copy "
    "(verify never rewrites a closed WARC file)",
    "corrupt": "the records outside the damaged bytes are readable; restore the file from a "
    "copy (verify never rewrites a closed WARC file)",
    "bad-record": "restore the file from a copy (verify never rewrites a closed WARC file)",
    "digest": "the record is still readable, but its bytes are not the ones written: restore "
    "the file from a copy, or capture the URL again",
    "missing-warc": "restore the file from a copy: the documents naming it have lost their "
    "source record",
    "document": "restore the document from a copy (verify never rewrites documents); where an "
    "extracted field is wrong, `archiver reextract` writes a new, valid version beside it",
    "provenance": "restore the document or the WARC file from a copy: the document does not "
    "name a record the archive holds",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong: its kind, the file (relative to the archive), where in it, and why."""

    kind: str
    path: str
    reason: str
    where: str | None = None  # "offset 1234", a record id, a row...

    @property
    def key(self) -> tuple[str, str, str | None]:
        """What identifies it between two runs (before and after a repair)."""
        return self.kind, self.path, self.where

    def line(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"{self.path}{where}: {self.reason}"


@dataclass
class Checked:
    """How much was looked at."""

    warc_files: int = 0  # closed files and .open files of killed runs
    warc_bytes: int = 0
    records: int = 0
    being_written: int = 0  # .open files of live writers: checked up to their last record
    documents: int = 0  # article documents
    snapshots: int = 0  # section snapshot documents
    index_files: int = 0
    catalog_rows: int = 0


@dataclass
class VerifyReport:
    """Everything `archiver verify` found in one archive."""

    root: str
    problems: list[Problem] = field(default_factory=list)
    checked: Checked = field(default_factory=Checked)
    being_written: list[str] = field(default_factory=list)  # paths of live .open files
    #: .open files of killed runs with readable records after broken bytes: `--repair` does
    #: not close them (recovery cuts a file at its first broken member)
    keep_open: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        """Problems per kind, in the order of `KINDS`."""
        found = Counter(p.kind for p in self.problems)
        return {k: found[k] for k in KINDS if found[k]}

    def render(self, cap: int = 10) -> str:
        """The report as text: what was checked, counts by kind, then the problems."""
        c = self.checked
        lines = [
            f"checked {c.warc_files} WARC files ({c.records} records, {c.warc_bytes:,} bytes), "
            f"{c.documents} article documents, {c.snapshots} section snapshots, "
            f"{c.index_files} CDXJ indexes, {c.catalog_rows} catalog rows "
            f"in {self.seconds:.1f} s"
        ]
        lines += [
            f"being written (checked up to the last whole record): {p}" for p in self.being_written
        ]
        if self.ok:
            lines.append("no problems")
            return "\n".join(lines)
        total = len(self.problems)
        lines.append(f"{total} problem{'s' if total != 1 else ''}:")
        counts = self.counts()
        lines += [f"  {kind:<15}{n:>6}  {KINDS[kind]}" for kind, n in counts.items()]
        for kind in counts:
            lines.append("")
            lines.append(f"{kind}:")
            of_kind = [p for p in self.problems if p.kind == kind]
            lines += [f"  {p.line()}" for p in of_kind[:cap]]
            if len(of_kind) > cap:
                lines.append(f"  and {len(of_kind) - cap} more")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "archive": self.root,
            "ok": self.ok,
            "checked": asdict(self.checked),
            "being_written": self.being_written,
            "keep_open": self.keep_open,
            "counts": self.counts(),
            "problems": [asdict(p) for p in self.problems],
            "seconds": round(self.seconds, 3),
        }


@dataclass
class RepairReport:
    """What `archiver verify --repair` did, fixed, and could not fix."""

    before: VerifyReport
    after: VerifyReport
    actions: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # repair steps that could not be done

    @property
    def ok(self) -> bool:
        return self.after.ok

    @property
    def fixed(self) -> list[Problem]:
        """Problems of a repairable kind found before and not after."""
        remaining = {p.key for p in self.after.problems}
        return [p for p in self.before.problems if p.kind in REPAIRABLE and p.key not in remaining]

    @property
    def unnamed(self) -> list[Problem]:
        """Problems of other kinds no longer found because the rebuilt catalog and indexes no
        longer name what is lost (a WARC file that is not there): not fixed, forgotten."""
        remaining = {p.key for p in self.after.problems}
        return [
            p for p in self.before.problems if p.kind not in REPAIRABLE and p.key not in remaining
        ]

    def render(self, cap: int = 10) -> str:
        if self.before.ok:
            return self.before.render(cap) + "\nnothing to repair"
        lines = ["before the repair:", self.before.render(cap), ""]
        lines += [f"repair: {a}" for a in self.actions]
        lines += [f"repair failed: {f}" for f in self.failures]
        fixed = Counter(p.kind for p in self.fixed)
        if fixed:
            done = ", ".join(f"{kind} {n}" for kind, n in fixed.items())
            lines.append(f"fixed: {done}")
        lines += [f"no longer named (still lost): {p.line()}" for p in self.unnamed[:cap]]
        lines += ["", "after the repair:", self.after.render(cap)]
        left = self.after.counts()
        if left:
            lines += ["", "could not fix:"]
            for kind, n in left.items():
                what = ADVICE.get(
                    kind, "run `archiver verify --repair` again once the problems above are fixed"
                )
                lines.append(f"  {kind} ({n}): {what}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "actions": self.actions,
            "failures": self.failures,
            "fixed": [asdict(p) for p in self.fixed],
            "no_longer_named": [asdict(p) for p in self.unnamed],
            "not_fixed": [{**asdict(p), "advice": ADVICE.get(p.kind)} for p in self.after.problems],
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
        }
