"""Flask's JSON through orjson: the API's answers serialised in C (Flask's encoder was a tenth of a request)."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

# Dates and dataclasses go through Flask's own ``default`` (dates as HTTP dates, as Flask writes them).
_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    """Flask's default JSON provider with orjson doing the encoding and decoding (compact UTF-8 output)."""

    def _options(self) -> int:
        return _OPTIONS | (orjson.OPT_SORT_KEYS if self.sort_keys else 0)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialise ``obj`` to a JSON string (``kwargs``, the stdlib's options, are not used)."""
        return orjson.dumps(obj, default=self.default, option=self._options()).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Deserialise JSON text."""
        return orjson.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """A JSON response of the arguments, as ``jsonify`` builds it, encoded once straight to bytes."""
        obj = self._prepare_response_obj(args, kwargs)
        body = orjson.dumps(obj, default=self.default, option=self._options())
        return self._app.response_class(body, mimetype=self.mimetype)
