"""The extractors the extraction benchmark runs on every page: ours and the references, by name."""

from __future__ import annotations

import logging
from collections.abc import Callable

import trafilatura

from indexer.clean.html import clean_html

log = logging.getLogger(__name__)

Extractor = Callable[[str], str]


def ours(html: str) -> str:
    """Our cleaner's body (metadata included in the cost: it is what the build runs)."""
    return clean_html(html).body


def trafilatura_default(html: str) -> str:
    """trafilatura with its fallbacks (readability, jusText): its recommended setting."""
    return trafilatura.extract(html) or ""


def trafilatura_fast(html: str) -> str:
    """trafilatura's fast mode: main pass only, no fallbacks."""
    return trafilatura.extract(html, fast=True) or ""


def _resiliparse() -> Extractor | None:
    """Resiliparse's main-content extractor, when the package is installed."""
    try:
        from resiliparse.extract.html2text import extract_plain_text
    except ImportError:
        return None

    def resiliparse(html: str) -> str:
        """Resiliparse's ``extract_plain_text`` with ``main_content=True``."""
        return extract_plain_text(html, main_content=True)

    return resiliparse


def available() -> dict[str, Extractor]:
    """Every extractor this environment can run, ours first."""
    found: dict[str, Extractor] = {
        "newsfind (ours)": ours,
        "trafilatura": trafilatura_default,
        "trafilatura fast": trafilatura_fast,
    }
    resiliparse = _resiliparse()
    if resiliparse is not None:
        found["resiliparse"] = resiliparse
    else:
        log.warning("resiliparse is not installed: its column is left out")
    return found
