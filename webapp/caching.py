"""HTTP caching of read-only answers: an ETag keyed by the index generation, revalidated on every request."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import make_response, request

from webapp.engine import get_engine

# Clients may keep answers but must ask again each time: a reindex can change them at any moment.
CACHE_CONTROL = "no-cache"


def etag() -> str:
    """The ETag of this request's answer: the index generation, the synonyms in use, and the full URL."""
    key = f"{get_engine().version()}|{request.full_path}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def conditional(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 304 when the client's copy is current; otherwise run the view and tag its answer."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tag = etag()
        if tag in request.if_none_match:
            response = make_response("", 304)
        else:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200:
                return response
        response.set_etag(tag)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response

    return wrapper
