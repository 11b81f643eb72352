"""The query profile's attribution of py-spy samples to search stages."""

from __future__ import annotations

from bench.profile import http_shares, layer_of, shares, stage_of

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


WORKER = "run (gunicorn/arbiter.py:1);spawn_worker (gunicorn/arbiter.py:2);run (gunicorn/workers/gthread.py:3)"


def test_a_workers_sample_goes_to_its_layer() -> None:
    view = f"{WORKER};wsgi_app (flask/app.py:1);search_view (webapp/api.py:40)"
    assert layer_of(f"{view};search (indexer/search/searching.py:60)").startswith("the search")
    assert layer_of(f"{view};to_dict (indexer/search/results.py:117)").startswith("answer as plain data")
    assert layer_of(f"{view};response (webapp/jsonprovider.py:30)") == "JSON encoding"
    assert layer_of(view) == "Flask and Werkzeug"
    assert layer_of(f"{WORKER};handle (gunicorn/workers/gthread.py:9)").startswith("gunicorn")
    assert layer_of("run (gunicorn/arbiter.py:1);sleep (gunicorn/arbiter.py:5)") == "outside"


def test_http_shares_leave_the_master_out() -> None:
    collapsed = "\n".join(
        [
            f"{WORKER};wsgi_app (flask/app.py:1);search (indexer/search/searching.py:60) 3",
            f"{WORKER};handle (gunicorn/workers/gthread.py:9) 1",
            "run (gunicorn/arbiter.py:1);sleep (gunicorn/arbiter.py:5) 50",
        ]
    )
    assert http_shares(collapsed) == {"the search (Engine.search)": 0.75, "gunicorn (sockets, HTTP, worker loop)": 0.25}
