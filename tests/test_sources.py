from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.clean.sources import SourceError, declared_charset, decode, load_bytes, walk_corpus


def test_walk_finds_supported_files_recursively(corpus: Path) -> None:
    (corpus / "notes.pdf").write_bytes(b"%PDF")
    (corpus / ".hidden.txt").write_text("x")
    found = [p.relative_to(corpus).as_posix() for p in walk_corpus(corpus)]
    assert found == [
        "000_d3a34fce153d5282.txt",
        "002_10c5046bec448ba0.txt",
        "export.jsonl",
        "hostile.txt",
        "pages/summit.html",
    ]


def test_walk_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("Text.")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    assert [p.name for p in walk_corpus(tmp_path)] == ["x.txt"]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Café “quoted” — ok".encode(), "Café “quoted” — ok"),
        ("\ufeffWith BOM".encode(), "With BOM"),
        ("Le café était animé, déjà plein à midi.".encode("utf-16"), "Le café était animé, déjà plein à midi."),
        (
            "Le café était très animé ce matin, déjà plein de journalistes étrangers.".encode("cp1252"),
            "Le café était très animé ce matin, déjà plein de journalistes étrangers.",
        ),
    ],
)
def test_decode_detects_charset(data: bytes, text: str) -> None:
    assert decode(data) == text


def test_decode_rejects_binary() -> None:
    with pytest.raises(SourceError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("nav.html", b"<html><body><nav>Menu</nav><script>x()</script></body></html>", "no article text"),
    ],
)
def test_broken_files_are_skipped_with_reason(name: str, data: bytes, reason: str) -> None:
    loaded = load_bytes(name, data)
    assert loaded.articles == []
    assert [(s.path, s.reason) for s in loaded.skips] == [(name, reason)]


def test_jsonl_keeps_good_lines_and_reports_bad_ones() -> None:
    lines = [
        json.dumps({"id": "a", "title": "First", "text": "LONDON: Body one.", "date": "2020-05-01"}),
        "{not json",
        json.dumps({"id": "b", "text": "Body two has no title. It goes on."}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "c", "title": "A headline alone"}),
        "",
        json.dumps({"title": "No id", "text": "Still indexed.", "author": ["X", "Y"]}),
        json.dumps({"id": "d", "title": "", "text": " "}),
    ]
    loaded = load_bytes("dir/export.jsonl", "\n".join(lines).encode())
    assert [a.id for a in loaded.articles] == ["a", "b", "c", "dir/export:7"]
    first, second, headline, fourth = loaded.articles
    assert (first.title, first.dateline, first.body, first.date.year) == ("First", "LONDON", "Body one.", 2020)
    assert second.title == "Body two has no title."
    assert (headline.title, headline.body) == ("A headline alone", "")  # searchable by its title
    assert fourth.author == "X, Y"
    assert [(s.path, s.reason.split(":")[0]) for s in loaded.skips] == [
        ("dir/export.jsonl:2", "invalid JSON"),
        ("dir/export.jsonl:4", "not a JSON object"),
        ("dir/export.jsonl:8", "no article text"),
    ]


def test_html_file_becomes_article(corpus: Path) -> None:
    path = corpus / "pages" / "summit.html"
    [article] = load_bytes("pages/summit.html", path.read_bytes()).articles
    assert article.id == "pages/summit"
    assert article.source == "The Steppe Times"
    assert article.date is not None and article.date.isoformat() == "2023-08-14T09:30:00+06:00"


_JA = "東京で首脳会談が開かれ、各国の代表がエネルギーと水の問題について長時間にわたって話し合った。" * 3
_FR = "Le café était très animé ce matin, déjà plein de journalistes étrangers venus couvrir le sommet régional."


def _html(text: str, charset: str | None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<html><head>{meta}<title>T</title></head><body><article><p>{text}</p><p>{text}</p></article></body></html>"


@pytest.mark.parametrize(
    ("text", "label", "encoding"),
    [
        (_FR, None, "cp1252"),  # no declaration: detected
        (_FR, "windows-1252", "cp1252"),
        (_FR, "utf-8", "cp1252"),  # wrong label: not valid UTF-8, so detected
        (_FR, "iso-8859-1", "utf-8"),  # wrong label: valid UTF-8 wins
        (_JA, "shift_jis", "shift_jis"),
        (_JA, None, "shift_jis"),
        (_JA, "iso-8859-1", "shift_jis"),  # wrong single-byte label: decodes as mojibake, so detection wins
        (_JA, "utf-8", "shift_jis"),
        (_JA, "windows-1252", "utf-8"),
    ],
)
def test_decode_html_charsets(text: str, label: str | None, encoding: str) -> None:
    assert text in decode(_html(text, label).encode(encoding))


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        (b'<meta charset="utf-8">', "utf-8"),
        (b"<meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'>", "shift_jis"),
        (b'<meta charset="ISO-8859-1">', "cp1252"),
        (b'<meta charset="no-such-charset">', None),
        (b"<p>no declaration</p>", None),
    ],
)
def test_declared_charset(data: bytes, charset: str | None) -> None:
    assert declared_charset(data) == charset


@pytest.mark.parametrize(("text", "label", "encoding"), [(_FR, None, "cp1252"), (_JA, "utf-8", "shift_jis")])
def test_hostile_encoded_page_becomes_article(text: str, label: str | None, encoding: str) -> None:
    [article] = load_bytes("page.html", _html(text, label).encode(encoding)).articles
    assert article.body.split("\n\n")[0] == text


def test_truncated_page_is_indexed_with_what_arrived() -> None:
    data = _html(_FR, "utf-8").encode()[:-60]
    [article] = load_bytes("cut.html", data).articles
    assert article.body.startswith(_FR)


@pytest.mark.parametrize(
    "data",
    [
        b"<html><head><title>Cookie settings</title></head><body><div class='cookie-banner'>Accept</div></body></html>",
        b"<html><body><footer><p>Copyright 2024 The Ledger. All rights reserved.</p></footer></body></html>",
        b"<html><body></body></html>",
        b"<<<>>>",
    ],
)
def test_page_without_article_is_skipped(data: bytes) -> None:
    loaded = load_bytes("x.html", data)
    assert loaded.articles == []
    assert [s.reason for s in loaded.skips] == ["no article text"]
