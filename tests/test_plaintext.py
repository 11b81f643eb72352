from __future__ import annotations

import pytest

from indexer.clean.plaintext import clean_plaintext, is_outlet_line, split_credit, split_dateline
from indexer.clean.sources import load_bytes
from tests.conftest import SEED_CORPUS


def _seed(name: str):
    path = SEED_CORPUS / name
    loaded = load_bytes(path.name, path.read_bytes())
    assert loaded.skips == []
    [article] = loaded.articles
    return article


def test_seed_000_cleaned_fields() -> None:
    article = _seed("000_d3a34fce153d5282.txt")
    assert article.id == "000_d3a34fce153d5282"
    assert article.path == "000_d3a34fce153d5282.txt"
    assert article.title == "Leaders from Japan and five Central Asian countries are poised to stress the importance…"
    assert article.credit == "japannews.yomuri"
    assert article.source is None
    assert article.dateline is None
    assert article.date is None and article.url is None and article.author is None
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith("Leaders from Japan and five Central Asian countries are poised")
    assert "image credit" not in article.body.lower()
    assert "Japan’s strategic interest" in paragraphs[1]  # curly quotes survive
    assert "“Central Asia plus Japan”" in paragraphs[4]
    assert paragraphs[-1].endswith("to help strengthen their legal and governance frameworks.")


def test_seed_002_cleaned_fields() -> None:
    article = _seed("002_10c5046bec448ba0.txt")
    assert article.id == "002_10c5046bec448ba0"
    assert article.title == "At the 9th Foreign Ministers’ Meeting of the “Central Asia plus Japan” Dialogue in Tokyo…"
    assert article.source == "Arab News Japan"
    assert article.dateline == "TOKYO"
    assert article.credit is None
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[0].startswith("At the 9th Foreign Ministers’ Meeting")  # dateline and outlet line removed
    assert "Arab News Japan" not in article.body
    assert paragraphs[-1] == "Japan launched this dialogue framework in 2004 to promote regional cooperation."


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("image credit: japannews.yomuri", "japannews.yomuri"),
        ("Image Credit - AFP / Getty", "AFP / Getty"),
        ("Photo credit: Reuters", "Reuters"),
        ("credit where it is due", None),
    ],
)
def test_split_credit(line: str, credit: str | None) -> None:
    found, rest = split_credit([line, "Body."])
    assert found == credit
    assert rest == (["Body."] if credit else [line, "Body."])


@pytest.mark.parametrize(
    ("paragraph", "dateline", "rest"),
    [
        ("TOKYO: At the meeting", "TOKYO", "At the meeting"),
        ("NEW YORK — Stocks fell", "NEW YORK", "Stocks fell"),
        ("WASHINGTON (Reuters) - The Senate voted", "WASHINGTON", "The Senate voted"),
        ("LONDON, UK: Rain", "LONDON", "Rain"),
        ("Tokyo: not a dateline", None, "Tokyo: not a dateline"),
        ("Note: nothing here", None, "Note: nothing here"),
        ("The US: a country", None, "The US: a country"),
    ],
)
def test_split_dateline(paragraph: str, dateline: str | None, rest: str) -> None:
    assert split_dateline(paragraph) == (dateline, rest)


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("Arab News Japan", True),
        ("The Japan Times", True),
        ("Reuters", True),
        ("Japan and Central Asia agree on cooperation", False),
        ("Arab News Japan reports.", False),
        ("Leaders meet in Tokyo", False),
    ],
)
def test_is_outlet_line(line: str, outlet: bool) -> None:
    assert is_outlet_line(line) is outlet


def test_title_line_and_outlet_line_in_either_order() -> None:
    text = "Summit ends with joint statement\nThe Daily Star\nDHAKA: Leaders agreed on trade.\nMore text."
    parts = clean_plaintext(text)
    assert parts.title == "Summit ends with joint statement"
    assert (parts.source, parts.dateline) == ("The Daily Star", "DHAKA")
    assert parts.body == "Leaders agreed on trade.\n\nMore text."


def test_unheaded_text_keeps_its_first_line() -> None:
    parts = clean_plaintext("Arab News Japan\nBody text here.", headed=False)
    assert parts.source is None
    assert parts.body.startswith("Arab News Japan")


def test_plain_text_repairs_mojibake_entities_and_hard_wrapping() -> None:
    text = (
        "Rates rise again\n"
        "The Ledger Times\n"
        "LONDON: The central bankâ€™s board raised its main rate by a quarter\n"
        "point on Tuesday &amp; signalled that further increases were likely,\n"
        "citing persistent inflation in services and a tight labour market in\n"
        "the spring.\n"
        "\n"
        "Markets were calm.\n"
    )
    parts = clean_plaintext(text)
    assert (parts.title, parts.source, parts.dateline) == ("Rates rise again", "The Ledger Times", "LONDON")
    assert parts.body.split("\n\n") == [
        "The central bank’s board raised its main rate by a quarter point on Tuesday & signalled that further "
        "increases were likely, citing persistent inflation in services and a tight labour market in the spring.",
        "Markets were calm.",
    ]


def test_plain_text_drops_soft_hyphens_and_zero_width_characters() -> None:
    parts = clean_plaintext("Body with inter\u00adnational\u200b news\u200d and more.", headed=False)
    assert parts.body == "Body with international news and more."
