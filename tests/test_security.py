"""Security: hostile articles are inert everywhere, headers on every response, no internals in errors, ids are
never paths, bounded work per request, and nothing over HTTP can change the index."""

from __future__ import annotations

import builtins
import json
import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from indexer.index.build import reindex
from indexer.search import MAX_QUERY_CHARS, MAX_RESULT_WINDOW
from indexer.search.searchers import SearcherCache
from tests.conftest import write_corpus
from webapp import create_app

PAYLOADS = (
    "<script>alert('s')</script> <img src=x onerror=alert(1)> <a href=\"javascript:alert(2)\">click</a> "
    "</textarea><svg onload=alert(3)> &lt;script&gt;alert(4)&lt;/script&gt; &#60;iframe src=javascript:alert(5)&#62;"
)
HOSTILE_PAGE = """<!doctype html><html><head><title>Gnu report &lt;script&gt;alert(6)&lt;/script&gt;</title>
<meta name="author" content="&lt;img src=x onerror=alert(7)&gt;"></head><body><article>
<p>The gnu council met about the elections. &lt;script&gt;alert(8)&lt;/script&gt;
&amp;lt;b&amp;gt;double&amp;lt;/b&amp;gt;
&lt;/textarea&gt;&lt;img src=x onerror=alert(9)&gt; <a href="javascript:alert(10)">a link</a></p>
<script>alert(11)</script><img src=x onerror="alert(12)"></article></body></html>"""
RECORD = {
    "id": "evil-record",
    "title": "<img src=x onerror=alert(13)> Gnu record",
    "url": "javascript:alert(14)",
    "author": "</textarea><script>alert(15)</script>",
    "source": "<b onmouseover=alert(16)>Evil</b>",
    "text": f"The gnu council met about the elections. {PAYLOADS}",
}
# The templates' own search form and input are allowed; none of these comes from the app itself.
DANGEROUS_TAGS = {
    "script",
    "img",
    "iframe",
    "svg",
    "math",
    "object",
    "embed",
    "textarea",
    "style",
    "base",
    "frame",
    "frameset",
    "video",
    "audio",
    "source",
    "template",
    "noscript",
    "meta",
    "b",
}


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus plus hostile articles in every format, indexed for real."""
    base = tmp_path_factory.mktemp("security")
    corpus = write_corpus(base / "corpus")
    (corpus / "evil.html").write_text(HOSTILE_PAGE, "utf-8")
    (corpus / "evil.txt").write_text(f"Gnu text <script>alert(17)</script>\n\nThe gnu council met. {PAYLOADS}", "utf-8")
    (corpus / "evil.jsonl").write_text(json.dumps(RECORD) + "\n", "utf-8")
    body = "The gnu council met about the elections again and again. " * 20_000  # about 1 MB, gnu everywhere
    (corpus / "big.txt").write_text(f"Big gnu article\n\n{body}", "utf-8")
    reindex(corpus, base / "index")
    return base / "index"


@pytest.fixture
def prod(hostile_index: Path):
    """A client of the app in production mode: not testing, not debugging, exceptions not propagated."""
    return create_app({"INDEX_DIR": str(hostile_index), "TESTING": False, "DEBUG": False}).test_client()


def _assert_inert_html(html: str, where: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        if tag.name == "meta" and set(tag.attrs) <= {"charset", "name", "content"}:
            continue  # the template's own charset and viewport
        if tag.name == "script" and str(tag.get("src", "")).startswith("/static/") and not tag.string:
            continue  # the app's own script file, allowed by the CSP; inline script is not
        if tag.name == "svg" and tag.get("class") == ["timeline-chart"]:
            continue  # the timeline chart the template draws; what is inside it is checked like everything else
        assert tag.name not in DANGEROUS_TAGS, (where, str(tag)[:200])
        for attr, value in tag.attrs.items():
            assert not attr.lower().startswith("on"), (where, str(tag)[:200])
            values = value if isinstance(value, list) else [value]
            for v in values:
                assert not v.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (where, str(tag)[:200])
    assert "alert(" not in "".join(str(t) for t in soup.find_all("script")), where


HOSTILE_IDS = ("evil", "evil-record", "hostile")


def test_hostile_articles_are_inert_on_every_page(prod) -> None:
    for q in ("gnu", "script", "alert", "onerror", "textarea", "javascript", "elections", "img", "b"):
        response = prod.get(f"/?q={quote(q)}")
        assert response.status_code == 200
        _assert_inert_html(response.get_data(as_text=True), f"/?q={q}")
    assert "evil-record" in prod.get("/?q=gnu&per_page=50").get_data(as_text=True)
    for doc_id in HOSTILE_IDS:
        for suffix in ("", "?q=script", "?q=gnu+alert", "?q=" + quote("<script>alert(1)</script>")):
            response = prod.get(f"/doc/{doc_id}{suffix}")
            assert response.status_code == 200, doc_id
            _assert_inert_html(response.get_data(as_text=True), f"/doc/{doc_id}{suffix}")


def test_hostile_articles_are_inert_in_every_highlight(prod) -> None:
    for q in ("gnu", "script alert", "onerror", "textarea", "javascript", "iframe", "double"):
        data = prod.get(f"/api/search?q={quote(q)}&per_page=50").get_json()
        for hit in data["hits"]:
            for fragment in hit["highlights"]["body"] + hit["highlights"]["title"]:
                soup = BeautifulSoup(fragment, "html.parser")
                assert {t.name for t in soup.find_all(True)} <= {"mark"}, fragment
                assert all(not t.attrs for t in soup.find_all(True)), fragment
    # The text survives as text: the payload is shown escaped, not dropped and not executed.
    doc = prod.get("/doc/evil-record").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;s&#39;)&lt;/script&gt;" in doc or "&lt;script&gt;alert('s')&lt;/script&gt;" in doc
    assert 'href="javascript:' not in doc


def _urls() -> list[tuple[str, str]]:
    return [
        ("GET", "/"),
        ("GET", "/?q=gnu"),
        ("GET", "/doc/evil"),
        ("GET", "/doc/nope"),
        ("GET", "/?page=0&q=x"),
        ("GET", "/api/search?q=gnu"),
        ("GET", "/api/search?page=0"),
        ("GET", "/api/documents/evil"),
        ("GET", "/api/documents/nope"),
        ("GET", "/api/health"),
        ("GET", "/static/style.css"),
        ("GET", "/nope"),
        ("GET", "/api/nope"),
        ("POST", "/api/search"),
        ("DELETE", "/doc/evil"),
        ("HEAD", "/"),
        ("OPTIONS", "/api/search"),
    ]


def _assert_security_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp or "frame-ancestors 'self'" in csp, where
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert "object-src 'none'" in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), where


def test_security_headers_on_every_response(prod, monkeypatch, tmp_path: Path) -> None:
    for method, url in _urls():
        with prod.open(url, method=method) as response:
            _assert_security_headers(response, f"{method} {url}")
    empty = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    for url in ("/api/health", "/?q=x", "/api/search?q=x"):
        response = empty.get(url)
        assert response.status_code == 503
        _assert_security_headers(response, f"no index: {url}")
    monkeypatch.setattr(SearcherCache, "get", _boom)
    for url in ("/?q=gnu", "/api/search?q=gnu", "/doc/evil", "/api/documents/evil"):
        response = prod.get(url)
        assert response.status_code == 500
        _assert_security_headers(response, f"500: {url}")


def _boom(self):  # type: ignore[no-untyped-def]
    raise RuntimeError("secret failure in /srv/newsfind/secret_module.py line 42")


def test_no_stack_traces_or_paths_in_error_pages_in_production(prod, monkeypatch, hostile_index: Path) -> None:
    monkeypatch.setattr(SearcherCache, "get", _boom)
    for url in ("/?q=gnu", "/api/search?q=gnu", "/doc/evil", "/api/documents/evil", "/api/health"):
        response = prod.get(url)
        assert response.status_code == 500, url
        body = response.get_data(as_text=True)
        for leak in ("Traceback", "secret", "/srv/", "RuntimeError", 'File "', str(hostile_index), ".py"):
            assert leak not in body, (url, leak)
        if url.startswith("/api/"):
            assert response.get_json()["error"]["code"] == "internal_server_error"
    monkeypatch.undo()
    empty = create_app({"INDEX_DIR": "/srv/secret-index-location"}).test_client()
    for url in ("/api/search?q=x", "/?q=x", "/api/health"):
        assert "/srv/secret-index-location" not in empty.get(url).get_data(as_text=True)


PATH_IDS = [
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "/etc/passwd",
    "%2e%2e/%2e%2e/etc/passwd",
    "canary/../../etc/passwd",
    "....//....//etc/passwd",
    "C:\\Windows\\win.ini",
    "evil/../../evil",
]


@pytest.mark.parametrize("doc_id", PATH_IDS)
def test_document_ids_are_never_used_as_file_paths(prod, monkeypatch, doc_id: str) -> None:
    prod.get("/api/documents/evil")  # open the searcher first: what follows must only look ids up
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    for url in (f"/api/documents/{doc_id}", f"/doc/{doc_id}", f"/doc/{doc_id}?q=gnu"):
        response = prod.get(url)
        # 404, or werkzeug's 308 that merges a double slash (to the same route: still an id, never a path)
        assert response.status_code in (404, 308), url
        body = response.get_data(as_text=True)
        assert "root:" not in body and "[fonts]" not in body
    monkeypatch.undo()
    assert not [p for p in opened if "passwd" in p or "win.ini" in p or "canary" in p], opened


def test_result_window_and_query_length_are_bounded(prod) -> None:
    per_page = 100
    last = MAX_RESULT_WINDOW // per_page
    assert prod.get(f"/api/search?q=gnu&per_page={per_page}&page={last}").status_code == 200
    for url in (
        f"/api/search?q=gnu&per_page={per_page}&page={last + 1}",
        "/api/search?q=gnu&per_page=101",
        "/api/search?q=" + "x" * (MAX_QUERY_CHARS + 1),
    ):
        response = prod.get(url)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request", url


def test_highlights_are_bounded_for_a_huge_article(prod) -> None:
    started = time.perf_counter()
    response = prod.get("/api/search?q=gnu+council&per_page=100")
    assert time.perf_counter() - started < 10
    data = response.get_json()
    big = next(hit for hit in data["hits"] if hit["id"] == "big")
    assert 1 <= len(big["highlights"]["body"]) <= 3
    assert all(len(f) < 2_000 for f in big["highlights"]["body"])
    assert len(response.data) < 200_000  # a 1 MB article does not make a 1 MB answer


def test_worst_case_queries_finish_quickly(prod) -> None:
    prefixes = " OR ".join(f"{a}{b}*" for a in "aeiou" for b in "bcdfglmnprst")[:MAX_QUERY_CHARS]
    for q in (prefixes, '"gnu council met" ' * 25, "(gnu OR council) " * 29, "gnu~2 " * 80):
        started = time.perf_counter()
        response = prod.get("/api/search?q=" + quote(q[:MAX_QUERY_CHARS]) + "&per_page=100")
        assert response.status_code == 200, q
        assert time.perf_counter() - started < 10, q
    started = time.perf_counter()
    assert prod.get("/doc/big?q=gnu+council").status_code == 200
    assert time.perf_counter() - started < 15


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in sorted(root.rglob("*"))}


def test_no_route_can_change_the_index(hostile_index: Path) -> None:
    app = create_app({"INDEX_DIR": str(hostile_index)})
    assert not [k for k in app.config if "TOKEN" in k.upper()], "a write token must not exist by default"
    client = app.test_client()
    client.get("/api/health")
    before = _snapshot(hostile_index)
    for rule in app.url_map.iter_rules():
        # Only reading methods are routed; a route that writes would need a configured token first.
        assert rule.methods is not None and rule.methods <= {"GET", "HEAD", "OPTIONS"}, (rule.rule, rule.methods)
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<path:{arg}>", "evil").replace(f"<{arg}>", "evil").replace(f"<string:{arg}>", "evil")
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            for extra in (
                {},
                {"json": {"full": True, "corpus": "/", "id": "evil"}},
                {"headers": {"Authorization": "Bearer x", "X-Token": "x"}},
            ):
                response = client.open(url, method=method, **extra)
                assert response.status_code in (401, 403, 404, 405), (method, url, response.status_code)
    assert _snapshot(hostile_index) == before
    assert client.get("/api/documents/evil").status_code == 200
