"""A fixed query set drawn from the corpus vocabulary, rendered in each system's syntax."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field

from whoosh.analysis import STOP_WORDS

from bench.corpus import OUTLETS, Pool

_WORD = re.compile(r"[A-Za-z]{3,}")
_NAME = re.compile(r"\b([A-Z][a-z]{2,}) ([A-Z][a-z]{2,})\b")
# (kind, how many): at least 500 in all.
MIX = (
    ("common", 90),
    ("rare", 70),
    ("two_words", 80),
    ("three_words", 50),
    ("phrase", 70),
    ("name", 60),
    ("title", 30),
    ("filtered", 70),
)


@dataclass(frozen=True)
class BenchQuery:
    """One query: words and phrases that must all match, optionally restricted to one outlet."""

    kind: str
    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    source: str | None = None
    title_terms: tuple[str, ...] = field(default=())

    def whoosh(self) -> str:
        """Our (and naive Whoosh's) query syntax."""
        parts = [*self.terms, *(f'"{" ".join(p)}"' for p in self.phrases), *(f"title:{t}" for t in self.title_terms)]
        if self.source:
            parts.append(f"source:{self.source}")
        return " ".join(parts)

    def tantivy(self) -> str:
        """Tantivy's syntax, every clause required."""
        parts = [f"+{t}" for t in self.terms] + [f'+"{" ".join(p)}"' for p in self.phrases]
        parts += [f"+title:{t}" for t in self.title_terms]
        if self.source:
            parts.append(f"+source:{self.source}")
        return " ".join(parts)

    def fts5(self) -> str:
        """SQLite FTS5 MATCH syntax (implicit AND)."""
        parts = [f'"{t}"' for t in self.terms] + [f'"{" ".join(p)}"' for p in self.phrases]
        parts += [f'title:"{t}"' for t in self.title_terms]
        if self.source:
            parts.append(f'source:"{self.source}"')
        return " AND ".join(parts)


def _content_words(text: str) -> list[str]:
    return [w for w in (m.lower() for m in _WORD.findall(text)) if w not in STOP_WORDS]


def make_queries(pool: Pool, seed: int = 6) -> list[BenchQuery]:
    """The fixed query set (deterministic for a seed)."""
    rng = random.Random(seed)
    paragraphs = pool.long_paragraphs + pool.short_paragraphs
    df: Counter[str] = Counter()
    for p in paragraphs:
        df.update(set(_content_words(p)))
    by_freq = [w for w, _ in df.most_common()]
    common = by_freq[:400]
    rare = sorted(w for w, n in df.items() if 3 <= n <= 8)
    names = sorted(
        {
            f"{a} {b}"
            for p in pool.long_paragraphs[:4000]
            for a, b in _NAME.findall(p)
            if a.lower() not in STOP_WORDS and b.lower() not in STOP_WORDS
        }
    )
    outlets = [o.split()[-1].lower() for o in OUTLETS]

    def words_from_paragraph(k: int) -> tuple[str, ...]:
        while True:
            words = list(dict.fromkeys(_content_words(rng.choice(paragraphs))))
            if len(words) >= k:
                return tuple(rng.sample(words, k))

    def phrase() -> tuple[str, ...]:
        while True:
            tokens = rng.choice(paragraphs).split()
            start = rng.randrange(max(1, len(tokens) - 3))
            chunk = [re.sub(r"[^A-Za-z]", "", t).lower() for t in tokens[start : start + rng.choice((2, 3))]]
            if all(len(t) >= 3 and t not in STOP_WORDS for t in chunk):
                return tuple(chunk)

    queries: list[BenchQuery] = []
    for kind, count in MIX:
        for _ in range(count):
            if kind == "common":
                q = BenchQuery(kind, terms=(rng.choice(common),))
            elif kind == "rare":
                q = BenchQuery(kind, terms=(rng.choice(rare),))
            elif kind == "two_words":
                q = BenchQuery(kind, terms=words_from_paragraph(2))
            elif kind == "three_words":
                q = BenchQuery(kind, terms=words_from_paragraph(3))
            elif kind == "phrase":
                q = BenchQuery(kind, phrases=(phrase(),))
            elif kind == "name":
                q = BenchQuery(kind, phrases=(tuple(rng.choice(names).lower().split()),))
            elif kind == "title":
                q = BenchQuery(kind, title_terms=(rng.choice(common[:200]),))
            else:
                q = BenchQuery(kind, terms=words_from_paragraph(rng.choice((1, 2))), source=rng.choice(outlets))
            queries.append(q)
    return queries
