"""The HTTP resolver every API function uses: routing of API Gateway HTTP API (payload 2.0) events,
request validation with pydantic, serialization, and RFC 9457 problems for every failure.

Route modules declare `router = Router()` and decorate functions with `@router.get("/path/<id>")`;
parameters are typed: `Annotated[str, Path(pattern=...)]`, `Annotated[int, Query(ge=1)] = 25`, and a
pydantic model (or `Model | None`) for the JSON body. A route returns a model, a list or dict, or a
`Response` for a status code, headers, cookies or a file.

It is ours rather than Powertools' resolver because a function's cold start is on every customer's
first request: the Powertools event handler costs ~70 ms of import, this ~3 ms. Routes are compiled
(signature read, validators built) on their first call, so an import pays nothing per route.

Failures: domain `Problem`s as raised, request validation as 422 with field errors (never echoing the
submitted values, which may be secrets), malformed JSON as 400, unknown routes as 404, and anything
unexpected as a 500 that carries only the request id (the exception goes to the log)."""

from __future__ import annotations

import base64
import inspect
import json
import re
import types
import typing
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, TypeVar
from urllib.parse import unquote

from tessera.core.errors import FieldError, Internal, MalformedJson, NotFound, Problem, ValidationFailed
from tessera.core.i18n import DEFAULT_LANGUAGE, field_message, negotiate, translate
from tessera.core.observability import logger
from tessera.core.pagination import (  # noqa: F401  (re-exported for route modules)
    DEFAULT_LIMIT,
    MAX_LIMIT,
    clamp_limit,
    decode_cursor,
    encode_cursor,
    page,
)
from tessera.core.routes import public

__all__ = ["Cookie", "HttpEvent", "Path", "Query", "Resolver", "Response", "Router", "SameSite", "make_resolver",
           "public"]

T = TypeVar("T")
_event: ContextVar[HttpEvent | None] = ContextVar("tessera_http_event", default=None)


# --- the request ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class HttpInfo:
    method: str
    path: str
    source_ip: str | None


@dataclass(frozen=True)
class RequestContext:
    request_id: str | None
    http: HttpInfo


class HttpEvent:
    """The parts of a payload 2.0 event routes read; `raw_event` holds the rest."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw_event = raw
        self.headers: dict[str, str] = {k.lower(): v for k, v in (raw.get("headers") or {}).items()}
        self.cookies: list[str] = raw.get("cookies") or []
        self.query_string_parameters: dict[str, str] = raw.get("queryStringParameters") or {}
        context = raw.get("requestContext") or {}
        http = context.get("http") or {}
        self.request_context = RequestContext(context.get("requestId"), HttpInfo(
            (http.get("method") or "GET").upper(), raw.get("rawPath") or http.get("path") or "/", http.get("sourceIp")))

    @property
    def body(self) -> str | None:
        body = self.raw_event.get("body")
        if body is not None and self.raw_event.get("isBase64Encoded"):
            return base64.b64decode(body).decode("utf-8")
        return body


# --- parameters and answers ----------------------------------------------------------------------

class Param:
    """`Query(...)` / `Path(...)`: where a parameter comes from, with pydantic `Field` constraints."""

    def __init__(self, where: str, alias: str | None = None, description: str | None = None, **constraints: Any):
        self.where, self.alias, self.description, self.constraints = where, alias, description, constraints


def Query(alias: str | None = None, description: str | None = None, **constraints: Any) -> Any:
    return Param("query", alias, description, **constraints)


def Path(alias: str | None = None, description: str | None = None, **constraints: Any) -> Any:
    return Param("path", alias, description, **constraints)


class SameSite(Enum):
    LAX_MODE = "Lax"
    STRICT_MODE = "Strict"
    NONE_MODE = "None"


@dataclass
class Cookie:
    name: str
    value: str
    path: str = "/"
    domain: str | None = None
    secure: bool = True
    http_only: bool = False
    max_age: int | None = None
    same_site: SameSite | None = None

    def __str__(self) -> str:
        parts = [f"{self.name}={self.value}", f"Path={self.path}"]
        if self.domain:
            parts.append(f"Domain={self.domain}")
        if self.max_age is not None:
            parts.append(f"Max-Age={self.max_age}")
        if self.secure:
            parts.append("Secure")
        if self.http_only:
            parts.append("HttpOnly")
        if self.same_site is not None:
            parts.append(f"SameSite={self.same_site.value}")
        return "; ".join(parts)


class Response[T]:
    """An answer with its own status, headers or cookies; `Response[Model]` documents the body's type."""

    def __init__(self, status_code: int, content_type: str | None = None, body: Any = None,
                 headers: dict[str, str] | None = None, cookies: list[Cookie] | None = None) -> None:
        self.status_code, self.body = status_code, body
        self.headers = dict(headers or {})
        if content_type:
            self.headers.setdefault("Content-Type", content_type)
        self.cookies = cookies or []


def _encode(value: Any) -> str:
    if isinstance(value, (dict, list)):
        try:  # plain data (health) needs no pydantic
            return json.dumps(value, ensure_ascii=False)
        except TypeError:
            pass
    from pydantic_core import to_json

    return to_json(value, by_alias=True).decode("utf-8")


def _render(response: Response[Any]) -> dict[str, Any]:
    body, binary = response.body, False
    if isinstance(body, bytes):
        body, binary = base64.b64encode(body).decode("ascii"), True
    elif body is not None and not isinstance(body, str):
        body = _encode(body)
    answer: dict[str, Any] = {"statusCode": response.status_code, "headers": response.headers,
                              "body": body or "", "isBase64Encoded": binary}
    if response.cookies:
        answer["cookies"] = [str(cookie) for cookie in response.cookies]
    return answer


# --- routes --------------------------------------------------------------------------------------

SCALARS = (str, int, float, bool, type(None), date, datetime)


def _strip_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    if typing.get_origin(annotation) is Annotated:
        base, *metadata = typing.get_args(annotation)
        return base, metadata
    return annotation, []


def _is_scalar(annotation: Any) -> bool:
    args, origin = typing.get_args(annotation), typing.get_origin(annotation)
    if origin is typing.Literal:
        return True
    if args and origin in (typing.Union, types.UnionType):
        return all(_is_scalar(_strip_annotated(a)[0]) for a in args)
    return annotation in SCALARS or (isinstance(annotation, type) and issubclass(annotation, (str, int, Enum)))


@dataclass
class Route:
    method: str
    path: str  # with <name> placeholders
    func: Callable[..., Any]
    summary: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    responses: dict[int, Any] = field(default_factory=dict)  # OpenAPI answers documented by hand (files)
    regex: re.Pattern[str] = field(init=False)
    _compiled: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.regex = re.compile("^" + re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", self.path) + "$")

    @property
    def openapi_path(self) -> str:
        return re.sub(r"<(\w+)>", r"{\1}", self.path)

    def compiled(self) -> CompiledRoute:
        if self._compiled is None:
            self._compiled = CompiledRoute(self)
        return self._compiled


@dataclass
class ParamSpec:
    name: str
    where: str  # path | query | body
    annotation: Any  # with its constraints, for pydantic
    default: Any
    alias: str | None
    description: str | None


class CompiledRoute:
    """A route's parameters read once from its signature, with the pydantic validators they need."""

    def __init__(self, route: Route) -> None:
        func = inspect.unwrap(route.func)
        hints = typing.get_type_hints(func, include_extras=True)
        path_names = set(route.regex.groupindex)
        self.params: list[ParamSpec] = []
        fields: dict[str, Any] = {}
        self.body: ParamSpec | None = None
        for name, parameter in inspect.signature(route.func).parameters.items():
            annotation = hints.get(name, Any)
            base, metadata = _strip_annotated(annotation)
            marker = next((m for m in metadata if isinstance(m, Param)), None)
            others = [m for m in metadata if not isinstance(m, Param)]
            where = marker.where if marker else "path" if name in path_names else "query" if _is_scalar(base) \
                else "body"
            default = parameter.default if parameter.default is not inspect.Parameter.empty else ...
            spec = ParamSpec(name, where, annotation, default, marker.alias if marker else None,
                             marker.description if marker else None)
            if where == "body":
                self.body = spec
                continue
            constraints = marker.constraints if marker else {}
            from pydantic import Field

            info = Field(alias=spec.alias, description=spec.description, **constraints)
            typed = Annotated[(base, *others, info)] if others else Annotated[base, info]
            fields[name] = (typed, default)
            self.params.append(spec)
        self.params_model: Any = None
        self.body_adapter: Any = None
        if fields:
            from pydantic import create_model

            self.params_model = create_model(f"{func.__name__}_params", **fields)
        if self.body:
            from pydantic import TypeAdapter

            self.body_adapter = TypeAdapter(self.body.annotation)

    def arguments(self, event: HttpEvent, path_values: dict[str, str]) -> dict[str, Any]:
        if self.params_model is None and self.body_adapter is None:
            return {}
        from pydantic import ValidationError

        errors: list[dict[str, Any]] = []
        values: dict[str, Any] = {}
        if self.params_model is not None:
            raw: dict[str, Any] = {}
            for spec in self.params:
                key = spec.alias or spec.name
                source = path_values if spec.where == "path" else event.query_string_parameters
                if key in source:
                    raw[key] = source[key]
            where = {spec.alias or spec.name: spec.where for spec in self.params}
            try:
                values.update(dict(self.params_model.model_validate(raw)))
            except ValidationError as exc:
                for error in exc.errors():
                    first = str(error["loc"][0]) if error["loc"] else ""
                    errors.append({**error, "loc": (where.get(first, "query"), *error["loc"])})
        if self.body is not None and self.body_adapter is not None:
            text = event.body
            if not text:
                if self.body.default is ...:
                    errors.append({"type": "missing", "loc": ("body",), "msg": "Field required", "ctx": None})
                else:
                    values[self.body.name] = self.body.default
            else:
                try:
                    values[self.body.name] = self.body_adapter.validate_json(text)
                except ValidationError as exc:
                    if any(e["type"] == "json_invalid" for e in exc.errors()):
                        raise MalformedJson() from None
                    errors.extend({**e, "loc": ("body", *e["loc"])} for e in exc.errors())
        if errors:
            raise _RequestInvalid(errors)
        return values


class _RequestInvalid(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("request validation failed")
        self.errors = errors


class Router:
    """A set of routes; a function's `Resolver` includes the routers of its route modules."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    @property
    def current_event(self) -> HttpEvent:
        event = _event.get()
        if event is None:
            raise RuntimeError("no request is being resolved")
        return event

    def route(self, method: str, path: str, *, summary: str | None = None, description: str | None = None,
              tags: list[str] | None = None, responses: dict[int, Any] | None = None,
              ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            self.routes.append(Route(method.upper(), path, func, summary, description, tags or [], responses or {}))
            return func

        return register

    def get(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route("DELETE", path, **options)


class Resolver(Router):
    """Resolves one function's events to its routes."""

    def include_router(self, router: Router) -> None:
        self.routes.extend(router.routes)

    def resolve(self, raw_event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        event = HttpEvent(raw_event)
        token = _event.set(event)
        try:
            return _render(self._dispatch(event))
        finally:
            _event.reset(token)

    def _dispatch(self, event: HttpEvent) -> Response[Any]:
        try:
            route, path_values = self._match(event.request_context.http.method, event.request_context.http.path)
            try:
                arguments = route.compiled().arguments(event, path_values)
            except (_RequestInvalid, MalformedJson):
                # Who may not call the route learns that, not what its input looks like.
                precheck = getattr(route.func, "__tessera_precheck__", None)
                if precheck is not None:
                    precheck(path_values)
                raise
            result = route.func(**arguments)
            if isinstance(result, Response):
                return result
            return Response(200, "application/json", result)
        except Problem as exc:
            return _problem(exc, event)
        except _RequestInvalid as exc:
            language = negotiate(event.headers.get("accept-language"))
            fields = [FieldError(".".join(str(p) for p in e.get("loc", ())),
                                 field_message(str(e.get("type", "")), language, e.get("ctx"), str(e.get("msg", ""))),
                                 str(e.get("type", "invalid"))) for e in exc.errors]
            return _problem(ValidationFailed("Some fields are not valid.", errors=fields), event)
        except json.JSONDecodeError:
            return _problem(MalformedJson(), event)
        except Exception as exc:
            logger.exception("unhandled error", extra={"error_type": type(exc).__name__})
            return _problem(Internal("Something went wrong on our side. Quote the request id to support.",
                                     code="internal"), event)

    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        for route in self.routes:
            if route.method == method:
                found = route.regex.match(path)
                if found:
                    return route, {k: unquote(v) for k, v in found.groupdict().items()}
        raise NotFound("No such route.", code="route-not-found")

    def openapi(self) -> dict[str, Any]:
        """Paths and component schemas of this function's routes (for docs/openapi.json)."""
        from tessera.core.openapi import describe

        return describe(self.routes)


def _problem(exc: Problem, event: HttpEvent) -> Response[Any]:
    language = negotiate(event.headers.get("accept-language")) if event.headers else DEFAULT_LANGUAGE
    text = translate(exc.code, language, {**exc.extra, "detail": exc.detail})
    if text:
        exc.detail = text
    answer = exc.to_response(event.request_context.request_id)
    assert isinstance(answer, Response)
    return answer


def make_resolver() -> Resolver:
    return Resolver()
