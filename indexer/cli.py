"""The command line: ``reindex``, ``search`` and ``stats``, thin wrappers over the library."""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from indexer import settings
from indexer.index import build, store
from indexer.index.writers import BuildError
from indexer.search import searchers
from indexer.search.facets import SORTS, Filters
from indexer.search.searching import SearchError, search
from indexer.search.stats import index_stats

index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=settings.INDEX_DIR.default,
    envvar=settings.INDEX_DIR.envvar, show_default=True, show_envvar=True, help=settings.INDEX_DIR.help,
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON, for scripts.")


@click.group(epilog="Exit status: 0 on success, 1 when a command fails (the message says why and what to do), "
                    "2 for a usage error.")
@click.version_option(package_name="newsfind")
def cli() -> None:
    """Clean news articles, index them, and search the index."""


@cli.command()
@index_option
@click.option(
    "--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=settings.CORPUS_DIR.default,
    envvar=settings.CORPUS_DIR.envvar, show_default=True, show_envvar=True, help=settings.CORPUS_DIR.help,
)
@click.option("--full", is_flag=True, help="Rebuild from scratch in a new directory and swap it in atomically.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@json_option
def reindex(index_dir: Path, corpus_dir: Path, full: bool, quiet: bool, as_json: bool) -> None:
    """Index new, changed and deleted files of the corpus (everything with --full)."""
    progress = None if quiet or as_json else _progress_bar
    try:
        summary = build.reindex(corpus_dir, index_dir, full=full, progress=progress)
    except store.IndexBusy as exc:
        raise click.ClickException(f"{exc}. Wait for it to finish and run again.") from exc
    except BuildError as exc:
        raise click.ClickException(f"the build failed: {exc}. The old index is untouched; run again.") from exc
    except FileNotFoundError as exc:
        raise click.ClickException(f"{exc}. Pass --corpus DIR or set {settings.CORPUS_DIR.envvar}.") from exc
    except OSError as exc:
        raise click.ClickException(
            f"cannot write the index at {index_dir}: {exc}. The old index is untouched."
        ) from exc
    if as_json:
        click.echo(json.dumps(_summary_dict(summary), indent=2))
        return
    kind = "full rebuild" if summary.full else "incremental"
    click.echo(f"Indexed {corpus_dir} into {index_dir} ({kind}) in {summary.seconds:.2f} s: "
               f"{summary.documents} documents.")
    click.echo(f"{summary.changed} changes: added {summary.added}, updated {summary.updated}, "
               f"deleted {summary.deleted}; unchanged {summary.unchanged}; skipped {len(summary.skipped)}.")
    for skip in summary.skipped:
        click.echo(f"  skipped {skip.path}: {skip.reason}")


def _progress_bar(paths: Iterable[Path], total: int) -> Iterable[Path]:
    return tqdm(paths, total=total, unit="file", desc="Indexing", file=sys.stderr, leave=False)


def _summary_dict(summary: build.Summary) -> dict[str, Any]:
    return {
        "full": summary.full, "documents": summary.documents, "changes": summary.changed, "added": summary.added,
        "updated": summary.updated, "deleted": summary.deleted, "unchanged": summary.unchanged,
        "skipped": [{"path": s.path, "reason": s.reason} for s in summary.skipped],
        "seconds": round(summary.seconds, 3),
    }


@cli.command(name="search")
@index_option
@click.argument("query")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1), help="Page of results.")
@click.option("--per-page", default=10, show_default=True, type=click.IntRange(1, 100), help="Results per page.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True, help="Order of results.")
@click.option("--source", "sources", multiple=True, help="Only this outlet (repeatable).")
@click.option("--place", "places", multiple=True, help="Only articles mentioning this country (repeatable).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after this day.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before this day.")
@json_option
def search_command(index_dir: Path, query: str, page: int, per_page: int, sort: str, sources: tuple[str, ...],
                   places: tuple[str, ...], date_from: datetime | None, date_to: datetime | None,
                   as_json: bool) -> None:
    """Search the index and print ranked results with highlighted snippets."""
    filters = Filters(sources=sources, places=places, date_from=date_from.date() if date_from else None,
                      date_to=date_to.date() if date_to else None)
    cache = _searchers(index_dir)
    try:
        results = search(cache.get(), query, page=page, per_page=per_page, sort=sort, filters=filters)
    except SearchError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        cache.close()
    if as_json:
        click.echo(json.dumps(results.to_dict(), indent=2, ensure_ascii=False))
        return
    about = "" if results.total_exact else "about "
    click.echo(f"{about}{results.total} results for {query!r} ({results.took_ms:.1f} ms), "
               f"page {page}/{results.total_pages}")
    for rank, hit in enumerate(results.hits, start=(page - 1) * per_page + 1):
        meta = " · ".join(x for x in (hit.source, hit.date) if x)
        click.echo("")
        click.echo(f"{rank}. " + click.style(hit.title, bold=True) + (f"  ({meta})" if meta else ""))
        click.echo(f"   id: {hit.id}  score: {hit.score}")
        for fragment in hit.highlights["body"]:
            click.echo("   " + terminal_highlight(fragment))


def terminal_highlight(fragment: str) -> str:
    """Turn a ``<mark>``-ed HTML fragment into terminal text with the matches in bold yellow."""
    parts = re.split(r"<mark>(.*?)</mark>", fragment.replace("\n\n", " "))
    return "".join(
        click.style(html.unescape(p), fg="yellow", bold=True) if i % 2 else html.unescape(p)
        for i, p in enumerate(parts)
    )


@cli.command()
@index_option
@json_option
def stats(index_dir: Path, as_json: bool) -> None:
    """Print the document count, sources, index size and last build time."""
    try:
        info = index_stats(index_dir)
    except store.IndexMissing as exc:
        raise click.ClickException(f"{exc}. Build it with: python -m indexer reindex") from exc
    if as_json:
        click.echo(json.dumps(info.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"Documents:  {info.documents}")
    click.echo(f"Index size: {info.size_bytes / 1_048_576:.2f} MB ({index_dir})")
    click.echo(f"Last build: {info.built_at}")
    click.echo(f"Sources:    {len(info.sources)}")
    for name, count in info.sources.items():
        click.echo(f"  {count:>8}  {name}")


def _searchers(index_dir: Path) -> searchers.SearcherCache:
    if store.current_dir(index_dir) is None:
        raise click.ClickException(f"no index at {index_dir}. Build it with: python -m indexer reindex")
    return searchers.SearcherCache(index_dir)
