"""The command line: ``reindex``, ``search``, ``stats`` and ``serve``, thin wrappers over the library."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from indexer import settings, terminal
from indexer.clean.jsonl import ReadOptions, parse_facets, parse_field_map
from indexer.index import build, store
from indexer.index.writers import BuildError
from indexer.search import (
    EXPORT_FORMATS,
    MAX_EXPORT,
    MAX_PER_PAGE,
    SORTS,
    Engine,
    IndexMissing,
    SearchError,
    SearchRequest,
)

F = TypeVar("F", bound=Callable[..., Any])


def setting_option(setting: settings.Setting, *decls: str, **options: Any) -> Callable[[F], F]:
    """A click option whose default, environment variable and help come from the setting's one declaration."""
    options = {"default": setting.default, "help": setting.help, "show_default": True, **options}
    return click.option(*decls, envvar=setting.envvar, show_envvar=True, **options)


index_option = setting_option(
    settings.INDEX_DIR, "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path)
)
# The default is a path inside the installed package: not worth showing.
synonyms_option = setting_option(
    settings.SYNONYMS_FILE,
    "--synonyms",
    "synonyms_file",
    type=click.Path(dir_okay=False, path_type=Path),
    show_default=False,
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON, for scripts.")


@click.group(
    epilog="Exit status: 0 on success, 1 when a command fails (the message says why and what to do), "
    "2 for a usage error."
)
@click.version_option(package_name="newsfind")
def cli() -> None:
    """Clean news articles, index them, and search the index."""


@cli.command()
@index_option
@setting_option(settings.CORPUS_DIR, "--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--full", is_flag=True, help="Rebuild from scratch in a new directory and swap it in atomically.")
@setting_option(
    settings.JSONL_FIELDS,
    "--field",
    "field_map",
    multiple=True,
    metavar="FIELD=NAME",
    default=(),
    show_default=False,
    help=settings.JSONL_FIELDS.help + " Repeatable.",
)
@setting_option(
    settings.FACETS,
    "--facet",
    "facets",
    multiple=True,
    metavar="NAME",
    default=(),
    show_default=False,
    help=settings.FACETS.help + " Repeatable.",
)
@setting_option(settings.CLUSTER, "--cluster", "cluster", metavar="ADDRESS", show_default=False)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@json_option
def reindex(
    index_dir: Path,
    corpus_dir: Path,
    full: bool,
    field_map: tuple[str, ...],
    facets: tuple[str, ...],
    cluster: str,
    quiet: bool,
    as_json: bool,
) -> None:
    """Index new, changed and deleted files of the corpus (everything with --full, or new --field/--facet)."""
    try:
        options = ReadOptions(parse_field_map(field_map), parse_facets(facets))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--field/--facet") from exc
    progress = None if quiet or as_json else terminal.ProgressBar()
    try:
        summary = build.reindex(
            corpus_dir, index_dir, full=full, progress=progress, options=options, cluster=cluster or None
        )
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
    finally:
        if progress is not None:
            progress.close()
    if as_json:
        click.echo(json.dumps(terminal.report_dict(summary), indent=2))
        return
    terminal.print_report(summary, corpus_dir, index_dir)


@cli.command()
@index_option
@click.argument("replicas", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
def ship(index_dir: Path, replicas: tuple[Path, ...]) -> None:
    """Copy the index's current generation to each replica folder and switch each to it atomically."""
    for replica in replicas:
        try:
            gen = store.ship(index_dir, replica)
        except store.IndexMissing as exc:
            raise click.ClickException(f"no index at {index_dir}. Build it with: {_reindex_hint(index_dir)}") from exc
        except store.IndexBusy as exc:
            raise click.ClickException(f"{exc}. Wait for it to finish and run again.") from exc
        except OSError as exc:
            raise click.ClickException(f"cannot ship to {replica}: {exc}. The replica still serves its index.") from exc
        click.echo(f"{replica}: serving {gen.name}")


@cli.command(name="search")
@index_option
@synonyms_option
@click.argument("query")
@click.option("--page", default="1", show_default=True, help="Page of results.")
@setting_option(
    settings.PER_PAGE,
    "--per-page",
    default=str(settings.PER_PAGE.default),
    help=f"Results per page (1 to {MAX_PER_PAGE}).",
)
@click.option("--sort", default=SORTS[0], show_default=True, help=f"Order of results: {', '.join(SORTS)}.")
@click.option("--source", "sources", multiple=True, help="Only this outlet (repeatable).")
@click.option("--place", "places", multiple=True, help="Only articles mentioning this country (repeatable).")
@click.option(
    "--filter",
    "field_filters",
    multiple=True,
    metavar="NAME:VALUE",
    help="Only articles with this value of a facet declared at indexing, e.g. category:business (repeatable).",
)
@click.option("--from", "date_from", help="Published on or after this day (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Published on or before this day (YYYY-MM-DD).")
@json_option
@click.option(
    "--format",
    "export_as",
    type=click.Choice(EXPORT_FORMATS),
    help="Print every result (not one page) as CSV or JSON Lines, for spreadsheets and scripts.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_EXPORT),
    default=MAX_EXPORT,
    show_default=True,
    help="With --format: at most this many results.",
)
def search_command(
    index_dir: Path,
    synonyms_file: Path,
    query: str,
    page: str,
    per_page: str,
    sort: str,
    sources: tuple[str, ...],
    places: tuple[str, ...],
    field_filters: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    as_json: bool,
    export_as: str | None,
    limit: int,
) -> None:
    """Search the index and print ranked results with highlighted snippets."""
    if as_json and export_as:
        raise click.UsageError("--json prints one page and --format every result: choose one")
    args = {
        "q": query,
        "page": page,
        "per_page": per_page,
        "sort": sort,
        "source": list(sources),
        "place": list(places),
        "filter": list(field_filters),
        "from": date_from,
        "to": date_to,
    }
    try:
        request = SearchRequest.from_args(args)
    except SearchError as exc:  # the same validation as the web page's and the API's
        raise click.UsageError(str(exc)) from exc
    with _engine(index_dir, synonyms_file) as engine:
        if export_as:
            for chunk in engine.export(request, export_as, limit):
                click.echo(chunk, nl=False)
            return
        results = engine.search(request)
    if as_json:
        click.echo(json.dumps(results.to_dict(), indent=2, ensure_ascii=False))
    else:
        terminal.print_results(results)


@cli.command()
@index_option
@json_option
def stats(index_dir: Path, as_json: bool) -> None:
    """Print the document count, sources, index size and last build time."""
    with _engine(index_dir) as engine:
        info = engine.stats()
    if as_json:
        click.echo(json.dumps(info.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"Documents:  {info.documents}")
    click.echo(f"Index size: {info.size_bytes / 1_048_576:.2f} MB ({index_dir})")
    click.echo(f"Last build: {info.built_at}")
    click.echo(f"Sources:    {len(info.sources)}")
    for name, count in info.sources.items():
        click.echo(f"  {count:>8}  {name}")


@cli.command()
@index_option
@synonyms_option
@setting_option(settings.HOST, "--host")
@setting_option(settings.PORT, "--port", type=click.IntRange(1, 65535))
@setting_option(settings.WORKERS, "--workers", type=click.IntRange(1, 64))
def serve(index_dir: Path, synonyms_file: Path, host: str, port: int, workers: int) -> None:
    """Serve the search page and the JSON API with the production server (gunicorn) until Ctrl-C."""
    from webapp.serve import serve as run_server  # the web app is only imported to serve

    if store.current_dir(index_dir) is None:
        click.echo(
            f"No index at {index_dir} yet: the page answers 503 until you run {_reindex_hint(index_dir)}", err=True
        )
    click.echo(f"Serving {index_dir} at http://{host}:{port}/  (Ctrl-C to stop)", err=True)
    run_server({"INDEX_DIR": str(index_dir), "SYNONYMS_FILE": str(synonyms_file or "")}, host, port, workers)


@contextmanager
def _engine(index_dir: Path, synonyms_file: Path | None = None) -> Iterator[Engine]:
    """An engine on the index, closed after use; library errors become CLI errors with a hint."""
    engine = Engine(index_dir, synonyms_file)
    try:
        yield engine
    except IndexMissing as exc:
        raise click.ClickException(f"no index at {index_dir}. Build it with: {_reindex_hint(index_dir)}") from exc
    except SearchError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.close()


def _reindex_hint(index_dir: Path) -> str:
    default = Path(str(settings.INDEX_DIR.default))
    return "newsfind reindex" + ("" if Path(index_dir) == default else f" --index {index_dir}")
