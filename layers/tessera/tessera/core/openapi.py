"""OpenAPI 3.1 paths and schemas from the routes of `tessera.core.http`: used when docs/openapi.json is
built, never in a Lambda."""

from __future__ import annotations

import inspect
import re
import typing
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

if TYPE_CHECKING:
    from tessera.core.http import Route

REF = "#/components/schemas/{model}"


def _answer_type(route: Route) -> Any:
    from tessera.core.http import Response

    answer = typing.get_type_hints(inspect.unwrap(route.func)).get("return")
    if answer in (None, type(None), Response) or answer is inspect.Signature.empty:
        return None
    if typing.get_origin(answer) is Response:
        return typing.get_args(answer)[0]
    return answer


def describe(routes: list[Route]) -> dict[str, Any]:
    inputs: list[tuple[tuple[int, str], Any, TypeAdapter[Any]]] = []
    for index, route in enumerate(routes):
        compiled = route.compiled()
        if compiled.params_model is not None:
            inputs.append(((index, "params"), "validation", TypeAdapter(compiled.params_model)))
        if compiled.body is not None:
            inputs.append(((index, "body"), "validation", compiled.body_adapter))
        answer = _answer_type(route)
        if answer is not None:
            inputs.append(((index, "answer"), "serialization", TypeAdapter(answer)))
    schemas, definitions = TypeAdapter.json_schemas(inputs, ref_template=REF)
    definitions = dict(definitions.get("$defs", {}))

    paths: dict[str, Any] = {}
    for index, route in enumerate(routes):
        compiled = route.compiled()
        operation: dict[str, Any] = {
            "operationId": re.sub(r"\W", "_", inspect.unwrap(route.func).__name__ + route.openapi_path)
            + "_" + route.method.lower()}
        if route.summary:
            operation["summary"] = route.summary
        if route.description:
            operation["description"] = route.description
        if route.tags:
            operation["tags"] = route.tags
        if compiled.params_model is not None:
            ref = schemas[((index, "params"), "validation")]["$ref"].rsplit("/", 1)[-1]
            model = definitions.pop(ref)
            required = set(model.get("required", []))
            where = {spec.alias or spec.name: spec.where for spec in compiled.params}
            parameters = []
            for name, schema in model.get("properties", {}).items():
                parameter = {"name": name, "in": where[name], "required": name in required, "schema": schema}
                if "description" in schema:
                    parameter["description"] = schema["description"]
                parameters.append(parameter)
            operation["parameters"] = parameters
        if compiled.body is not None:
            operation["requestBody"] = {"required": compiled.body.default is ..., "content": {
                "application/json": {"schema": schemas[((index, "body"), "validation")]}}}
        answer = schemas.get(((index, "answer"), "serialization"))
        ok: dict[str, Any] = {"description": "Successful Response"}
        if answer is not None:
            ok["content"] = {"application/json": {"schema": answer}}
        operation["responses"] = {"200": ok, **{str(status): answer for status, answer in route.responses.items()}}
        paths.setdefault(route.openapi_path, {})[route.method.lower()] = operation
    return _without_null_defaults({"paths": paths, "components": {"schemas": definitions}})


def _without_null_defaults(value: Any) -> Any:
    """`"default": null` says nothing an optional field does not, and typed-client generators read a
    default as "always present"."""
    if isinstance(value, dict):
        return {k: _without_null_defaults(v) for k, v in value.items() if not (k == "default" and v is None)}
    if isinstance(value, list):
        return [_without_null_defaults(v) for v in value]
    return value
