"""Build docs/openapi.json from the HTTP functions of template.yaml, and the route table of the API's
`$default` route (functions/unmatched_route/unmatched_route/routes.json: path → methods).

Each function with HttpApi events exposes a module-level Powertools resolver `app` (tessera.core.http);
its OpenAPI schema is merged into one document. `--check` fails (exit 1, with a diff) when a committed file
has drifted from the code; `--write` rewrites them."""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "infra" / "local"))
OUTPUT = ROOT / "docs" / "openapi.json"
ROUTE_TABLE = ROOT / "functions" / "unmatched_route" / "unmatched_route" / "routes.json"


def build(template: Any) -> dict[str, Any]:
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "1")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "1")
    version = template.parameters.get("Version", "0.0.0")
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Tessera API", "version": version,
                 "description": "Every error is an RFC 9457 problem (application/problem+json)."},
        "paths": {},
        "components": {"schemas": {}},
    }
    functions = sorted({route.function for route in template.routes if not route.is_default})
    schema_owner: dict[str, str] = {}
    for logical_id in functions:
        fn = template.functions[logical_id]
        for path in (str(fn.code_dir), *map(str, fn.layer_dirs)):
            if path not in sys.path:
                sys.path.insert(0, path)
        module = importlib.import_module(fn.handler.rpartition(".")[0])
        app = getattr(module, "app", None)
        if app is None:
            raise SystemExit(f"{logical_id}: {fn.handler} has HttpApi routes but no module-level `app` resolver")
        schema = app.get_openapi_schema(title="Tessera API", version=version).model_dump(
            mode="json", by_alias=True, exclude_none=True)
        for path, operations in (schema.get("paths") or {}).items():
            for method, operation in operations.items():
                operation.setdefault("tags", [logical_id])
                document["paths"].setdefault(path, {})[method] = operation
        schemas = document["components"]["schemas"]
        for name, definition in ((schema.get("components") or {}).get("schemas") or {}).items():
            # Powertools names a schema by its class: two different models of one name would replace each other.
            if name in schemas and schemas[name] != definition:
                raise SystemExit(f"two different models are both named {name!r} ({schema_owner[name]} and "
                                 f"{logical_id}): rename one")
            schemas[name], schema_owner[name] = definition, schema_owner.get(name, logical_id)
    return _without_null_defaults(with_problems(document))


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; `type` is stable, `code` machine-readable, `detail` for people.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference", "examples": ["/problems/validation-failed"]},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["loc", "msg", "code"], "properties": {
            "loc": {"type": "string"}, "msg": {"type": "string"}, "code": {"type": "string"}}}},
    },
}


def with_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Document what the resolver really answers on errors: problems, not Powertools' default shapes."""
    problem = {"description": "Problem", "content": {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"}}}}
    for operations in document["paths"].values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for powertools_shape in ("422", "500"):  # its validation errors: problems here, like every error
                responses.pop(powertools_shape, None)
            if operation.get("parameters") or operation.get("requestBody"):
                responses["422"] = {**problem, "description": "Validation failed"}
            responses["default"] = problem
    schemas = document["components"]["schemas"]
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    return document


def _without_null_defaults(value: Any) -> Any:
    """`"default": null` says nothing an optional field does not, and typed-client generators read a
    default as "always present"."""
    if isinstance(value, dict):
        return {k: _without_null_defaults(v) for k, v in value.items() if not (k == "default" and v is None)}
    if isinstance(value, list):
        return [_without_null_defaults(v) for v in value]
    return value


def route_table(template: Any) -> dict[str, list[str]]:
    table: dict[str, set[str]] = {}
    for route in template.routes:
        if not route.is_default:
            table.setdefault(route.path, set()).add(route.method)
    return {path: sorted(methods) for path, methods in table.items()}


def render(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def outputs() -> dict[Path, str]:
    from localcloud.template import load_template

    template = load_template(ROOT / "template.yaml")
    return {OUTPUT: render(build(template)), ROUTE_TABLE: render(route_table(template))}


def main() -> int:
    parser = argparse.ArgumentParser()
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    args = parser.parse_args()
    drifted = False
    for output, text in outputs().items():
        name = output.relative_to(ROOT)
        if args.write:
            output.write_text(text, encoding="utf-8")
            print(f"wrote {name}")
            continue
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            drifted = True
            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), text.splitlines(True),
                                                       f"{name} (committed)", f"{name} (from code)"))
            print(f"\n{name} has drifted from the routes: run `make openapi`", file=sys.stderr)
    return 1 if drifted else 0


if __name__ == "__main__":
    sys.exit(main())
