"""The app's JSON goes through orjson and says what Flask's own encoder said."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

import pytest
from flask.json.provider import DefaultJSONProvider

from webapp import create_app
from webapp.jsonprovider import OrjsonProvider


@dataclass
class _Point:
    x: int
    label: str


VALUES = [
    {"b": 1, "a": [1.5, None, True], "ü": "naïve — “quoted” <b>"},
    {"when": datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC), "day": datetime.date(2024, 5, 1)},
    {"point": _Point(3, "x"), "rows": (1, 2)},
    {3: "int keys become strings"},
]


@pytest.fixture
def app(built_index):  # noqa: ANN001, ANN201 - conftest's fixtures are untyped
    return create_app({"INDEX_DIR": str(built_index), "TESTING": True})


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("sort_keys", [False, True])
def test_the_same_data_as_flasks_encoder(app, value: object, sort_keys: bool) -> None:  # noqa: ANN001
    assert isinstance(app.json, OrjsonProvider)
    ours, flasks = app.json, DefaultJSONProvider(app)
    ours.sort_keys = flasks.sort_keys = sort_keys
    text = ours.dumps(value)
    assert json.loads(text) == json.loads(flasks.dumps(value))
    assert ours.loads(text) == json.loads(text)
    if sort_keys:  # the keys in order, as Flask writes them
        assert list(json.loads(text)) == list(json.loads(flasks.dumps(value)))


def test_responses_are_compact_utf8_json(app) -> None:  # noqa: ANN001
    with app.test_request_context():
        response = app.json.response({"q": "café", "n": [1, 2]})
    assert response.mimetype == "application/json"
    assert response.get_data() == '{"q":"café","n":[1,2]}'.encode()


def test_the_api_answers_through_it(client) -> None:  # noqa: ANN001
    response = client.get("/api/search?q=rule+of+law")
    assert response.status_code == 200 and response.is_json
    assert response.get_data().startswith(b'{"query":"rule of law"')  # compact, in the results' own order
