"""Where query time goes: py-spy samples our search over the benchmark's query set and sums them by stage.

``python -m bench.profile INDEX`` (an index built by ``indexer reindex``, e.g. of ``bench.corpus``) prints each
stage's share of the samples; ``--raw FILE`` keeps py-spy's collapsed stacks for a flame graph. With ``--http``,
py-spy samples the server's workers while wrk loads ``/api/search`` (as ``bench.load`` does) and sums the samples
by layer: the search itself, the answer's conversion and encoding, the ETag, Flask and gunicorn.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

# A sample belongs to the first stage whose function is on its stack (innermost search stage first).
STAGES = (
    ("typo tolerance and suggestions", ("fuzzify (", "did_you_mean (")),
    ("array ranking (words, phrases, AND, OR, NOT)", ("score_all (",)),
    ("Whoosh collector (prefixes, fuzzy terms, date sorts)", ("search_with_collector (",)),
    ("facets and timeline", ("count (indexer/search/facets.py",)),
    ("near-duplicate folding", ("page_of (",)),
    ("highlighting", ("_hit (", "_highlighters (")),
)


# A worker's sample belongs to the first layer whose marker is on its stack (the search first: it runs inside Flask).
LAYERS = (
    ("the search (Engine.search)", ("search (indexer/search/searching.py",)),
    ("answer as plain data (to_dict)", ("to_dict (",)),
    ("JSON encoding", ("jsonprovider.py", "/json/")),
    ("ETag (index generation check)", ("webapp/caching.py",)),
    ("request parsing (SearchRequest.from_args)", ("from_args (",)),
    ("Flask and Werkzeug", ("flask/", "werkzeug/")),
    ("gunicorn (sockets, HTTP, worker loop)", ("gunicorn/",)),
)


def stage_of(stack: str) -> str:
    """The stage a collapsed stack is attributed to."""
    for name, markers in STAGES:
        if any(marker in stack for marker in markers):
            return name
    inside = "search (indexer/search/searching.py" in stack
    return "other (parsing, synonyms, stored fields)" if inside else "outside search"


def shares(collapsed: str) -> dict[str, float]:
    """Each stage's share of the samples taken inside ``search()``, from py-spy's ``--format raw`` output."""
    counts: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, n = line.rpartition(" ")
        if stack and n.isdigit():
            counts[stage_of(stack)] += int(n)
    counts.pop("outside search", None)
    total = sum(counts.values()) or 1
    return {name: n / total for name, n in counts.most_common()}


def layer_of(stack: str) -> str:
    """The layer of the server a worker's collapsed stack is attributed to ("outside" for the arbiter's)."""
    if "arbiter.py" in stack and "workers/" not in stack:
        return "outside"  # gunicorn's master process, not a worker
    for name, markers in LAYERS:
        if any(marker in stack for marker in markers):
            return name
    return "other"


def http_shares(collapsed: str) -> dict[str, float]:
    """Each layer's share of the workers' samples, from py-spy's ``--format raw`` output."""
    counts: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, n = line.rpartition(" ")
        if stack and n.isdigit():
            counts[layer_of(stack)] += int(n)
    counts.pop("outside", None)
    total = sum(counts.values()) or 1
    return {name: n / total for name, n in counts.most_common()}


def _profile_server(index: str, raw: Path, seconds: int) -> dict[str, float]:
    """py-spy on every gunicorn worker while wrk loads the search for ``seconds`` (after a warm-up)."""
    from bench.corpus import load_pool
    from bench.load import server, wrk, wrk_script
    from bench.queries import make_queries

    with server(Path(index)) as (process, base), wrk_script(make_queries(load_pool())) as script:
        wrk(base, script, 3, 4)
        spy = subprocess.Popen(
            [_py_spy(), "record", "--format", "raw", "--rate", "200", "--output", str(raw)]
            + ["--pid", str(process.pid), "--subprocesses", "--duration", str(seconds)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wrk(base, script, seconds, 4)
        spy.wait(timeout=seconds + 30)
    return http_shares(raw.read_text("utf-8"))


def _py_spy() -> str:
    beside = Path(sys.executable).with_name("py-spy")  # installed into the venv by the bench extra
    return str(beside) if beside.exists() else "py-spy"


def _run_queries(index: str) -> None:
    from bench.corpus import load_pool
    from bench.queries import make_queries
    from indexer.search import Engine

    engine = Engine(Path(index))
    for query in make_queries(load_pool()):
        engine.search(query.whoosh(), page=1, per_page=10)


def main(argv: list[str] | None = None) -> None:
    """Profile the query set under py-spy and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("index", help="index folder")
    parser.add_argument("--raw", type=Path, help="also keep py-spy's collapsed stacks here")
    parser.add_argument("--http", type=int, metavar="SECONDS", help="profile the server under wrk instead")
    parser.add_argument("--queries-only", action="store_true", help=argparse.SUPPRESS)  # the profiled child
    args = parser.parse_args(argv)
    if args.queries_only:
        _run_queries(args.index)
        return
    with tempfile.TemporaryDirectory() as scratch:
        raw = args.raw or Path(scratch) / "stacks.txt"
        if args.http:
            table = _profile_server(args.index, raw, args.http)
            print("| layer | share of worker time |\n| --- | ---: |")
            for name, share in table.items():
                print(f"| {name} | {share:.0%} |")
            return
        subprocess.run(
            [
                _py_spy(),
                "record",
                "--format",
                "raw",
                "--rate",
                "200",
                "--output",
                str(raw),
                "--",
                sys.executable,
                "-m",
                "bench.profile",
                args.index,
                "--queries-only",
            ],
            check=True,
            capture_output=True,
        )
        table = shares(raw.read_text("utf-8"))
    print("| stage | share of query time |\n| --- | ---: |")
    for name, share in table.items():
        print(f"| {name} | {share:.0%} |")


if __name__ == "__main__":
    main()
