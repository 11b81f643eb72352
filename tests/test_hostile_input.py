"""Hostile and broken input: corpus files that are empty, binary, huge, deep, looping or unreadable; random
queries for the search core; random and extreme parameters for every endpoint."""

from __future__ import annotations

import json
import os
import struct
import time
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.clean.sources import load_bytes
from indexer.cli import cli
from indexer.index import store
from indexer.search import MAX_PER_PAGE, Engine, SearchError, SearchResults
from indexer.search.parse import parse_query
from tests.helpers import run_cli
from webapp import create_app

GOOD = "Election council news\n\nTOKYO: The council met on Tuesday to discuss the {word} budget."


def _png() -> bytes:
    """A real 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _hostile_corpus(folder: Path) -> dict[str, str]:
    """Write every kind of bad file next to good ones; returns ``{path: expected reason fragment}``."""
    folder.mkdir()
    for word in ("zebra", "yak"):
        (folder / f"good-{word}.txt").write_text(GOOD.format(word=word), "utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.html").write_bytes(b" \n\t \n")
    (folder / "image.html").write_bytes(_png())
    (folder / "latin1.txt").write_bytes("Café news from Zürich\n\nThe Zürich council met, señor.".encode("cp1252"))
    (folder / "stray-bytes.txt").write_bytes(b"Stray bytes\n\nThe quokka council \xff\xfe met \xc3 on Tuesday.")
    para = "<p>" + "The council met to discuss the election budget and the railway treaty. " * 10 + "</p>\n"
    page = "<html><head><title>Huge</title></head><body><article>" + para * (50_000_000 // len(para))
    (folder / "huge.html").write_text(page + "</article></body></html>", "utf-8")
    depth = 20_000
    (folder / "deep.html").write_text(
        "<html><head><title>Deep</title></head><body>"
        + "<div>" * depth
        + "<p>The wombat story.</p>"
        + "</div>" * depth
        + "</body></html>",
        "utf-8",
    )
    records = [
        json.dumps({"id": "rec-1", "title": "Good record", "text": "The narwhal council met."}),
        "{not json",
        json.dumps(["a list, not an object"]),
        json.dumps({"id": "rec-2", "summary": "Neither a title nor text"}),
        "\x01\x02garbage",
        json.dumps({"id": "rec-3", "title": "Another good record", "text": "The okapi council met."}),
        json.dumps({"id": "rec-1", "title": "Duplicate id", "text": "The duplicate council met."}),
    ]
    (folder / "export.jsonl").write_text("\n".join(records) + "\n", "utf-8")
    (folder / "same.html").write_text("<html><body><p>The ibex council met.</p></body></html>", "utf-8")
    (folder / "same.txt").write_text("Ibex copy\n\nThe same id as same.html.", "utf-8")
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "dangling.html").symlink_to("does-not-exist.html")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")  # a directory loop
    # A FIFO: opening one blocks until a writer comes, so an indexer that opens it naively hangs for ever.
    os.mkfifo(folder / "pipe.txt")
    expected = {
        "empty.txt": "empty file",
        "blank.html": "empty file",
        "image.html": "binary file",
        "huge.html": "too large",
        "export.jsonl:2": "invalid JSON",
        "export.jsonl:3": "not a JSON object",
        "export.jsonl:4": "no article text",
        "export.jsonl:5": "invalid JSON",
        "export.jsonl": "duplicate id 'rec-1'",
        "same.txt": "duplicate id 'same' (already in same.html)",
        "loop.txt": "unreadable: Too many levels of symbolic links",
        "dangling.html": "unreadable: No such file or directory",
        "pipe.txt": "unreadable: not a regular file",
    }
    if os.geteuid() != 0:  # as root, permissions do not stop reads; the FIFO and broken links cover that case
        (folder / "secret.txt").write_text(GOOD.format(word="secret"), "utf-8")
        (folder / "secret.txt").chmod(0)
        expected["secret.txt"] = "unreadable: Permission denied"
    return expected


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict]:
    """The hostile corpus indexed once by the real CLI; its JSON summary."""
    base = tmp_path_factory.mktemp("hostile")
    expected = _hostile_corpus(base / "corpus")
    result = run_cli("reindex", "--json", "--corpus", str(base / "corpus"), "--index", str(base / "index"), timeout=180)
    assert result.returncode == 0, result.stderr
    return base, expected, json.loads(result.stdout)


def _ids(root: Path) -> set[str]:
    with store.open_index(root).searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


@pytest.mark.slow
def test_bad_files_are_skipped_with_a_reason_and_the_rest_indexed(hostile) -> None:
    base, expected, summary = hostile
    reasons = {}
    for skip in summary["skipped"]:
        reasons.setdefault(skip["path"], []).append(skip["reason"])
    for path, fragment in expected.items():
        assert any(fragment in r for r in reasons.get(path, [])), (path, reasons.get(path))
    unexpected = set(reasons) - set(expected) - {"deep.html"}  # deep nesting may be cut, but never crash
    assert not unexpected, {p: reasons[p] for p in unexpected}
    ids = _ids(base / "index")
    assert {"good-zebra", "good-yak", "latin1", "stray-bytes", "rec-1", "rec-3", "same"} <= ids
    assert not ids & {"empty", "blank", "image", "huge", "loop", "dangling", "pipe", "same.txt"}
    engine = Engine(base / "index")
    try:
        for word, doc_id in [
            ("zürich", "latin1"),
            ("quokka", "stray-bytes"),
            ("narwhal", "rec-1"),
            ("okapi", "rec-3"),
            ("ibex", "same"),
        ]:
            assert [h.id for h in engine.search(word).hits] == [doc_id], word
        assert engine.search("duplicate").total == 0
    finally:
        engine.close()


@pytest.mark.slow
def test_an_incremental_run_over_the_hostile_corpus_reports_the_same_skips(hostile) -> None:
    base, expected, first = hostile
    result = run_cli("reindex", "--json", "--corpus", str(base / "corpus"), "--index", str(base / "index"), timeout=180)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["changes"] == 0 and summary["documents"] == first["documents"]
    # Unreadable files are reported on every run; a broken file that has not changed since is not parsed again.
    paths = {s["path"] for s in summary["skipped"]}
    assert {"loop.txt", "dangling.html", "pipe.txt"} <= paths


def test_deeply_nested_html_is_handled_in_bounded_time() -> None:
    depth = 20_000
    page = "<html><body>" + "<div>" * depth + "<p>The wombat story.</p>" + "</div>" * depth + "</body></html>"
    started = time.perf_counter()
    loaded = load_bytes("deep.html", page.encode())
    assert time.perf_counter() - started < 30
    # Indexed with its text, or skipped with a reason (lxml stops at a depth limit): never an exception.
    if loaded.articles:
        assert [a.body for a in loaded.articles] == ["The wombat story."]
    else:
        assert [s.path for s in loaded.skips] == ["deep.html"] and loaded.skips[0].reason


def test_a_deeply_nested_jsonl_line_does_not_lose_the_good_lines() -> None:
    data = json.dumps({"id": "ok", "text": "The good line."}) + "\n" + "[" * 100_000 + "\n"
    loaded = load_bytes("export.jsonl", data.encode())
    assert [a.id for a in loaded.articles] == ["ok"]
    assert [s.path for s in loaded.skips] == ["export.jsonl:2"]


def test_a_jsonl_line_with_a_nul_byte_does_not_lose_the_good_lines() -> None:
    data = json.dumps({"id": "ok", "text": "The good line."}) + "\n\x00\x00 corrupt\n"
    loaded = load_bytes("export.jsonl", data.encode())
    assert [a.id for a in loaded.articles] == ["ok"]
    assert [s.path for s in loaded.skips] == ["export.jsonl:2"]


# --- queries: the search core -------------------------------------------------------------------------------

TOKENS = [
    "AND",
    "OR",
    "NOT",
    "ANDNOT",
    "ANDMAYBE",
    "TO",
    "-",
    "+",
    '"',
    "'",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "*",
    "?",
    "~",
    "^",
    ":",
    "\\",
    "/",
    "title:",
    "source:",
    "author:",
    "credit:",
    "dateline:",
    "body:",
    "id:",
    "date:",
    "path:",
    "nosuchfield:",
    "hash:",
    "election",
    "council",
    "law",
    "a*",
    "ab*",
    "*ion",
    "e?ection",
    "rule~2",
    "law^3",
    "[a TO z]",
    "date:[2020 TO]",
    "date:>2020",
    "İstanbul",
    "ß",
    "e\u0301",
    "\u200b",
    "\ufeff",
    "日本",
    "العربية",
    "\U0001f600",
    "\x00",
    "\ud800",
    "%",
    "&amp;",
    "<script>",
    "''",
]
queries = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
    st.text(alphabet=st.sampled_from('ab "()*?:-+~^[]{}\\'), max_size=80),
)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries, page=st.integers(1, 100), per_page=st.integers(1, MAX_PER_PAGE))
def test_search_core_never_fails_on_any_query(engine, text: str, page: int, per_page: int) -> None:
    started = time.perf_counter()
    parse_query(text)
    try:
        results = engine.search(text, page=page, per_page=per_page)
    except SearchError:  # only a window past the limit may be refused, and that is not possible here
        pytest.fail("SearchError inside the result window")
    assert time.perf_counter() - started < 5
    assert isinstance(results, SearchResults)
    assert results.total >= 0 and len(results.hits) <= per_page
    for hit in results.hits:
        for fragment in hit.highlights["body"] + hit.highlights["title"]:
            assert "<" not in fragment.replace("<mark>", "").replace("</mark>", "")


# --- parameters: every endpoint --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_client(built_index: Path):
    """A client of the app in production mode (exceptions are not propagated to the test)."""
    return create_app({"INDEX_DIR": str(built_index)}).test_client()


ENDPOINTS = ["/api/search", "/", "/api/health", "/api/documents/{id}", "/doc/{id}", "/feed", "/api/export"]
# What a 200 from each endpoint is (JSON under /api/ otherwise, HTML elsewhere).
MEDIA_TYPES = {"/feed": "application/atom+xml", "/api/export": "text/csv"}
EXTREME = [
    {"page": "1000000000"},
    {"page": "0"},
    {"page": "-1"},
    {"per_page": "-1"},
    {"per_page": "0"},
    {"per_page": "101"},
    {"per_page": "10" * 40},
    {"page": "1e3"},
    {"page": "NaN"},
    {"page": "１"},
    {"page": " 2"},
    {"page": "0x10"},
    {"q": "x" * 10_000},
    {"q": "election\x00"},
    {"q": "\x00" * 600},
    {"q": "title:" * 80},
    {"q": "(" * 400},
    {"q": '"' * 499},
    {"q": "a* " * 160},
    {"q": "-1"},  # only NOT: nothing to search for (the article page's highlighting raised)
    {"q": "-the -election"},
    {"q": "election", "page": "99"},
    {"q": "election", "page": "100", "per_page": "100"},
    {"q": "election", "page": "101", "per_page": "100"},
]


def _check(response, url: str) -> None:
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    if (path := url.split("?")[0]) in MEDIA_TYPES and response.status_code == 200:
        assert response.mimetype == MEDIA_TYPES[path], url
    elif url.startswith("/api/"):
        assert response.is_json, url
        if response.status_code != 200:
            body = response.get_json()
            assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    else:
        assert response.mimetype == "text/html", url


@pytest.mark.parametrize("params", EXTREME, ids=range(len(EXTREME)))
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_extreme_parameters_answer_200_or_a_clear_400(api_client, endpoint: str, params: dict[str, str]) -> None:
    url = endpoint.format(id="wire-1") + "?" + "&".join(f"{k}={quote(v)}" for k, v in params.items())
    started = time.perf_counter()
    response = api_client.get(url)
    assert time.perf_counter() - started < 10
    _check(response, url)
    if endpoint == "/api/search" and params.get("page") == "1000000000":
        assert response.status_code == 400


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    doc_id=st.one_of(st.text(min_size=1, max_size=300), st.sampled_from(["wire-1", "../../etc/passwd", "%00", "."])),
    params=st.dictionaries(
        st.sampled_from(["q", "page", "per_page", "x", ""]),
        st.one_of(st.text(max_size=600), st.integers(-(10**30), 10**30).map(str)),
        max_size=4,
    ),
)
def test_random_parameters_never_cause_a_500(api_client, endpoint: str, doc_id: str, params: dict[str, str]) -> None:
    path = endpoint.format(id=quote(doc_id.encode("utf-8", "surrogatepass"), safe=""))
    query = "&".join(
        f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in params.items()
    )
    started = time.perf_counter()
    response = api_client.get(f"{path}?{query}")
    assert time.perf_counter() - started < 10
    _check(response, path)


# --- an empty index: every article of the corpus was skipped -----------------------------------------------------


@pytest.fixture(scope="module")
def empty_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built from a JSONL export whose only line has no article text: it exists and holds nothing."""
    base = tmp_path_factory.mktemp("empty")
    (base / "corpus").mkdir()
    (base / "corpus" / "export.jsonl").write_text(json.dumps({"id": "a", "summary": "no text field"}) + "\n")
    result = run_cli("reindex", "--quiet", "--corpus", str(base / "corpus"), "--index", str(base / "index"))
    assert result.returncode == 0, result.stderr
    return base / "index"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/search?q=election", 200),
        ("/api/search?q=election&sort=newest", 200),
        ("/api/search?q=election&source=Wire&from=2020-01-01", 200),
        ("/api/search?q=election&collapse=off", 200),
        ("/api/suggest?q=elec", 200),
        ("/api/health", 200),
        ("/", 200),
        ("/?q=election", 200),
        ("/?q=election&sort=oldest", 200),
        ("/api/documents/a", 404),
        ("/api/documents/a/related", 404),
        ("/doc/a", 404),
        ("/feed?q=election", 200),
        ("/api/export?q=election", 200),
        ("/api/export?q=election&format=jsonl&sort=newest", 200),
    ],
)
def test_an_empty_index_answers_every_endpoint(empty_index: Path, url: str, status: int) -> None:
    client = create_app({"INDEX_DIR": str(empty_index)}).test_client()
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    if url.startswith("/api/search"):
        assert response.get_json()["hits"] == [] and response.get_json()["total"]["value"] == 0
    if url == "/api/health":
        health = response.get_json()
        assert health == {"status": "ok", "documents": 0, "generation": health["generation"]} and health["generation"]
    if url.startswith("/api/export"):
        assert response.get_data(as_text=True).count("\n") == (1 if "jsonl" not in url else 0)  # a header at most


@pytest.mark.parametrize(
    "args",
    [
        ["search", "election"],
        ["search", "election", "--sort", "newest"],
        ["search", "election", "--json"],
        ["stats"],
        ["search", "election", "--format", "csv"],
    ],
)
def test_an_empty_index_answers_in_the_cli(empty_index: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--index", str(empty_index)])
    assert result.exit_code == 0, result.output
    expected = ("0 results", '"hits": []', "Documents:  0", "rank,id,title")
    assert any(text in result.output for text in expected), result.output
