"""How the CLI writes to a terminal: the reindex's progress and report, and search results with highlights."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from indexer.index.accounting import Report
from indexer.search import SearchResults

# The text report names this many changed files of each kind; --json names them all.
SHOWN_FILES = 10


class ProgressBar:
    """The reindex's progress on stderr: articles indexed (a count and a rate), then the phase it is in."""

    def __init__(self) -> None:
        self.bar = tqdm(unit=" articles", desc="Indexing", file=sys.stderr, leave=False)

    def indexed(self, articles: int) -> None:
        """Count articles indexed."""
        self.bar.update(articles)

    def phase(self, name: str) -> None:
        """Say what the run is doing now (writing the index, after the last article)."""
        self.bar.set_description_str(name[:1].upper() + name[1:])

    def close(self) -> None:
        """Take the bar off the screen."""
        self.bar.close()


def print_report(report: Report, corpus_dir: Path, index_dir: Path) -> None:
    """What a reindex did, for a reader: counts, the files that changed, and every skip with its reason."""
    kind = "full rebuild" if report.full else "incremental"
    click.echo(
        f"Indexed {corpus_dir} into {index_dir} ({kind}) in {report.seconds:.2f} s: {report.documents} documents."
    )
    click.echo(
        f"{report.changed} changes: added {report.added}, updated {report.updated}, "
        f"deleted {report.deleted}; unchanged {report.unchanged}; skipped {len(report.skipped)}."
    )
    for kind, paths in report.files.items():
        if paths:
            more = f" (and {len(paths) - SHOWN_FILES} more; --json lists all)" if len(paths) > SHOWN_FILES else ""
            click.echo(f"  {kind} from: {', '.join(paths[:SHOWN_FILES])}{more}")
    for skip in report.skipped:
        click.echo(f"  skipped {skip.path}: {skip.reason}")


def report_dict(summary: Report) -> dict[str, Any]:
    """What a reindex did, as JSON-ready data for scripts."""
    return {
        "full": summary.full,
        "documents": summary.documents,
        "changes": summary.changed,
        "added": summary.added,
        "updated": summary.updated,
        "deleted": summary.deleted,
        "unchanged": summary.unchanged,
        "files": summary.files,
        "skipped": [{"path": s.path, "reason": s.reason} for s in summary.skipped],
        "seconds": round(summary.seconds, 3),
    }


def print_results(results: SearchResults) -> None:
    """A page of results for a terminal: the counts, then each hit with its highlighted snippets."""
    query = results.query
    about = "" if results.total_exact else "about "
    counted = (
        f"{results.total:,} stories ({results.articles:,} articles)"
        if results.folded
        else (f"{results.total:,} result{'' if results.total == 1 else 's'}")
    )
    shown = f"{results.corrected!r} (typed: {query!r})" if results.corrected else repr(query)
    found = f"{about}{counted} for {shown} ({results.took_ms:.1f} ms)"
    if results.suggestion and not results.corrected:
        click.echo(f"Did you mean: {results.suggestion}?")
    if results.page > results.total_pages:
        click.echo(f"{found}: page {results.page} is past the last ({results.total_pages})")
        return
    click.echo(f"{found}, page {results.page}/{results.total_pages}")
    for rank, hit in enumerate(results.hits, start=(results.page - 1) * results.per_page + 1):
        meta = " · ".join(x for x in (hit.source, hit.date) if x)
        click.echo("")
        click.echo(f"{rank}. " + click.style(hit.title, bold=True) + (f"  ({meta})" if meta else ""))
        click.echo(f"   id: {hit.id}" + ("" if hit.score is None else f"  score: {hit.score}"))
        for fragment in hit.highlights["body"]:
            click.echo("   " + terminal_highlight(fragment))


def terminal_highlight(fragment: str) -> str:
    """Turn a ``<mark>``-ed HTML fragment into terminal text with the matches in bold yellow."""
    parts = re.split(r"<mark>(.*?)</mark>", fragment.replace("\n\n", " "))
    return "".join(
        click.style(html.unescape(p), fg="yellow", bold=True) if i % 2 else html.unescape(p)
        for i, p in enumerate(parts)
    )
