"""The HTTP API's `$default` route: every request that no route of the API matches.

API Gateway routes by method and path before any function runs, so a wrong method and an unknown path
both end here. From the API's route table (routes.json, written from template.yaml by `make openapi`)
a path that exists answers 405 with `Allow`, anything else 404: both as problem+json."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tessera.core.errors import MethodNotAllowed, NotFound
from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry

ROUTE_TABLE = Path(__file__).with_name("routes.json")


def _segment(part: str) -> str:
    if part.startswith("{"):
        return ".+" if part.endswith("+}") else "[^/]+"  # a greedy {name+} takes the rest of the path
    return re.escape(part)


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^/" + "/".join(_segment(part) for part in path.strip("/").split("/")) + "$")


ROUTES = [(_pattern(path), methods) for path, methods in json.loads(ROUTE_TABLE.read_text(encoding="utf-8")).items()]

app = make_resolver()


def allowed_methods(path: str) -> list[str]:
    return sorted({method for pattern, methods in ROUTES if pattern.match(path) for method in methods})


@app.not_found
def unmatched(_: Exception) -> Any:
    allow = allowed_methods(app.current_event.path)
    if allow:
        raise MethodNotAllowed("This path does not take that method; the Allow header lists those it takes.",
                               allow=allow)
    raise NotFound("No such route.", code="route-not-found")


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
