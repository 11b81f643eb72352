"""The query profile's attribution of py-spy samples to search stages."""

from __future__ import annotations

from bench.profile import shares, stage_of

RANK = "main (bench/profile.py:1);search (indexer/search/searching.py:170);run (indexer/search/searching.py:220)"


def test_a_sample_goes_to_the_innermost_search_stage_on_its_stack() -> None:
    assert stage_of(f"{RANK};score_all (indexer/search/ranking/arrays.py:50)").startswith("array ranking")
    fuzzy = f"{RANK};fuzzify (indexer/search/query.py:113);score_all (indexer/search/ranking/arrays.py:50)"
    assert stage_of(fuzzy).startswith("typo tolerance")
    assert stage_of("main (bench/profile.py:1);search (indexer/search/searching.py:170)").startswith("other")
    assert stage_of("main (bench/profile.py:1);load_pool (bench/corpus.py:31)") == "outside search"


def test_shares_count_samples_inside_search_only() -> None:
    collapsed = "\n".join(
        [
            f"{RANK};score_all (indexer/search/ranking/arrays.py:50) 30",
            "main (bench/profile.py:1);search (indexer/search/searching.py:170);"
            "page_of (indexer/search/collapse.py:34) 10",
            "main (bench/profile.py:1);load_pool (bench/corpus.py:31) 60",
            "not a stack line",
        ]
    )
    assert shares(collapsed) == {"array ranking (words, phrases, AND, OR, NOT)": 0.75, "near-duplicate folding": 0.25}
