"""A deterministic synthetic news corpus: real paragraphs recombined into txt, html and jsonl files."""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.shared import DATA

SOURCES_FILES = (DATA / "news-bbc" / "bbc.jsonl", DATA / "news-agnews-test" / "agnews_test.jsonl")
OUTLETS = ("Daily Herald", "Morning Post", "Evening Standard", "City Tribune", "Global Wire", "Harbor Gazette")
AUTHORS = (
    "Anna Kowalski",
    "James Okafor",
    "Mei Tanaka",
    "Luis Ortega",
    "Sara Lindqvist",
    "Omar Haddad",
    "Priya Raman",
    "Tom Becker",
)
JSONL_BATCH = 100
_EPOCH = datetime(2015, 1, 1, tzinfo=UTC)
_SPAN_DAYS = 10 * 365


@dataclass(frozen=True)
class Pool:
    """Titles and paragraphs of the real news the corpus is recombined from."""

    titles: list[str]
    long_paragraphs: list[str]  # BBC: several per article
    short_paragraphs: list[str]  # AG News: one-paragraph wire items


def load_pool(files: tuple[Path, ...] = SOURCES_FILES) -> Pool:
    """Read the real news once."""
    titles: list[str] = []
    long_p: list[str] = []
    short_p: list[str] = []
    for path in files:
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            titles.append(record["title"].strip())
            paragraphs = [p.strip() for p in record["text"].split("\n\n") if p.strip()]
            (long_p if len(paragraphs) > 1 else short_p).extend(paragraphs)
    return Pool(titles, long_p, short_p)


def _article(rng: random.Random, pool: Pool, n: int) -> dict[str, str]:
    # Realistic lengths: most wire items are short, features run to a dozen paragraphs.
    if rng.random() < 0.3:
        body = [rng.choice(pool.short_paragraphs) for _ in range(rng.randint(1, 2))]
    else:
        body = [rng.choice(pool.long_paragraphs) for _ in range(max(2, int(rng.lognormvariate(1.8, 0.5))))]
    date = _EPOCH + timedelta(days=rng.randrange(_SPAN_DAYS), seconds=rng.randrange(86400))
    return {
        "id": f"a{n:07d}",
        "title": rng.choice(pool.titles),
        "body": "\n\n".join(body),
        "source": rng.choice(OUTLETS),
        "author": rng.choice(AUTHORS),
        "date": date.isoformat(),
    }


def _txt(a: dict[str, str]) -> str:
    return f"{a['source']}\n{a['title']}\n\n{a['body']}\n"


def _html(a: dict[str, str]) -> str:
    e = html.escape
    paragraphs = "".join(f"<p>{e(p)}</p>\n" for p in a["body"].split("\n\n"))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(a["title"])} | {e(a["source"])}'
        f'</title>\n<meta property="og:site_name" content="{e(a["source"])}">\n'
        f'<meta property="og:title" content="{e(a["title"])}">\n<meta name="author" content="{e(a["author"])}">\n'
        f'<meta property="article:published_time" content="{a["date"]}">\n'
        "<script>window.analytics = {track: function () {}};</script></head>\n<body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>\n'
        f"<article><h1>{e(a['title'])}</h1>\n{paragraphs}</article>\n"
        "<aside>Most read: subscribe to our newsletter</aside><footer>All rights reserved.</footer></body></html>\n"
    )


def _record(a: dict[str, str]) -> str:
    return json.dumps(
        {
            "id": a["id"],
            "title": a["title"],
            "text": a["body"],
            "source": a["source"],
            "author": a["author"],
            "date": a["date"],
        },
        ensure_ascii=False,
    )


def generate(out: Path, n: int, seed: int = 6, pool: Pool | None = None) -> dict[str, int]:
    """Write ``n`` articles under ``out`` (about 40% txt, 30% html, 30% in jsonl batches); return file counts."""
    pool = pool or load_pool()
    rng = random.Random(seed)
    counts = {"txt": 0, "html": 0, "jsonl": 0}
    batch: list[str] = []
    batch_dir = out
    for i in range(n):
        a = _article(rng, pool, i)
        folder = out / a["source"].split()[-1].lower() / a["date"][:4]
        folder.mkdir(parents=True, exist_ok=True)
        kind = rng.random()
        if kind < 0.4:
            (folder / f"{a['id']}.txt").write_text(_txt(a), "utf-8")
            counts["txt"] += 1
        elif kind < 0.7:
            (folder / f"{a['id']}.html").write_text(_html(a), "utf-8")
            counts["html"] += 1
        else:
            batch.append(_record(a))
            batch_dir = folder
            if len(batch) == JSONL_BATCH:
                _flush(batch_dir, batch, counts)
    if batch:
        _flush(batch_dir, batch, counts)
    return counts


def _flush(folder: Path, batch: list[str], counts: dict[str, int]) -> None:
    (folder / f"export-{counts['jsonl']:05d}.jsonl").write_text("\n".join(batch) + "\n", "utf-8")
    counts["jsonl"] += 1
    batch.clear()


def touch_fraction(corpus: Path, fraction: float, seed: int = 7) -> int:
    """Change ``fraction`` of the txt/html files (an appended paragraph), as an editor would; return how many.
    A corpus of JSONL exports only has ``fraction`` of its records changed instead."""
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".txt", ".html"))
    if not files:
        return touch_records(corpus, fraction, seed)
    rng = random.Random(seed)
    chosen = rng.sample(files, max(1, int(len(files) * fraction)))
    for path in chosen:
        text = path.read_text("utf-8")
        if path.suffix == ".html":
            text = text.replace("</article>", "<p>Correction: an earlier version misstated a figure.</p></article>")
        else:
            text += "\nCorrection: an earlier version misstated a figure.\n"
        path.write_text(text, "utf-8")
    return len(chosen)


def touch_records(corpus: Path, fraction: float, seed: int = 7) -> int:
    """Append a correction to ``fraction`` of the records of the JSONL exports; return how many records."""
    rng = random.Random(seed)
    changed = 0
    for path in sorted(corpus.rglob("*.jsonl")):
        lines = path.read_text("utf-8").splitlines()
        for i in rng.sample(range(len(lines)), max(1, int(len(lines) * fraction))):
            record = json.loads(lines[i])
            record["text"] += "\n\nCorrection: an earlier version misstated a figure."
            lines[i] = json.dumps(record, ensure_ascii=False)
            changed += 1
        path.write_text("\n".join(lines) + "\n", "utf-8")
    return changed


REAL_NEWS_FILES = (*SOURCES_FILES, *sorted((DATA / "news-multilingual").glob("*.jsonl")))
REAL_EXPORT_RECORDS = 5000  # records per JSONL export: a few big files, as users' exports are


def real_news(out: Path, n: int, seed: int = 6) -> dict[str, int]:
    """Write ``n`` real news articles as plain-text JSONL exports; ``{"jsonl": files, "distinct": articles}``.

    Every real article is used once (BBC and AG News first, then the multilingual set); past the ~20k real
    ones, articles are recombined from real titles and paragraphs (``_article``), still each one distinct.
    """
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    records: list[str] = []
    real = 0
    for path in REAL_NEWS_FILES:
        for line in path.read_text("utf-8").splitlines():
            if len(records) == n:
                break
            r = json.loads(line)
            date = _EPOCH + timedelta(days=rng.randrange(_SPAN_DAYS), seconds=rng.randrange(86400))
            records.append(
                json.dumps(
                    {
                        "id": r["id"],
                        "title": r["title"].strip(),
                        "text": r["text"],
                        "source": rng.choice(OUTLETS),
                        "date": date.isoformat(),
                    },
                    ensure_ascii=False,
                )
            )
            real += 1
    pool = load_pool() if len(records) < n else None
    while len(records) < n:
        assert pool is not None
        records.append(_record(_article(rng, pool, len(records))))
    files = 0
    for start in range(0, n, REAL_EXPORT_RECORDS):
        chunk = records[start : start + REAL_EXPORT_RECORDS]
        (out / f"export-{files:03d}.jsonl").write_text("\n".join(chunk) + "\n", "utf-8")
        files += 1
    return {"jsonl": files, "distinct": n, "real": real}
