"""The HTTP resolver every API function uses: Powertools' `APIGatewayHttpResolver` with request
validation; route modules import its names from here, never from Powertools.

Every failure is an RFC 9457 problem (`tessera.core.errors`): validation as 422 with field errors in the
caller's language that never echo the values; a body that is not JSON, UTF-8 or base64 as 400; AWS
throttling past the SDK's retries as 503 with Retry-After; anything else as a 500 carrying only the
request id. On a guarded route input is judged only after the caller (`tessera.identity.principal.guard`)."""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
    ResponseValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter as Router
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from aws_lambda_powertools.shared.json_encoder import Encoder

from tessera.core.errors import (
    FieldError,
    Internal,
    MalformedJson,
    NotFound,
    Problem,
    Throttled,
    UnsupportedMediaType,
    ValidationFailed,
    aws_error_code,
    is_throttling,
)
from tessera.core.i18n import field_message, negotiate, translate
from tessera.core.observability import logger

__all__ = ["Cookie", "Path", "Query", "Response", "Router", "SameSite", "make_resolver", "public"]


def public(route: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a route that needs no signed-in caller (health, sign-in, public ingest). Every other route
    declares its action with `tessera.identity.principal.guard`; a test checks each route has one."""
    route.__tessera_action__ = None  # type: ignore[attr-defined]
    return route


def _body_decodes(event: Any) -> bool:
    try:
        event.decoded_body  # noqa: B018  (base64 and UTF-8 decoding happen on access)
    except (binascii.Error, UnicodeDecodeError):
        return False
    return True


def make_resolver() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(
        enable_validation=True,
        # A route answering something other than what it declares is our bug: a 500, never the caller's 422.
        response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR,
        serializer=partial(json.dumps, separators=(",", ":"), ensure_ascii=False, cls=Encoder),
    )

    def answer(problem: Problem) -> Response[str]:
        event = app.current_event
        language = negotiate(event.headers.get("accept-language"))
        text = translate(problem.code, language, {**problem.extra, "detail": problem.detail})
        if text:
            problem.detail = text
        response: Response[str] = problem.to_response(event.request_context.request_id)
        return response

    def refused_input(problem: Problem) -> Response[str]:
        """Powertools validates a request before any route code runs; a guarded route's precheck says
        first whether this caller may call it at all (401, 403, or 404 for another tenant). Powertools
        keeps the matched route and its raw path values in `app.context`."""
        route = app.context.get("_route")
        precheck: Callable[[dict[str, str]], None] | None = getattr(getattr(route, "func", None),
                                                                     "__tessera_precheck__", None)
        if precheck is not None:
            try:
                precheck(app.context.get("_route_args") or {})
            except Problem as refused:
                return answer(refused)
        return answer(problem)

    def internal(exc: BaseException) -> Response[str]:
        logger.exception("unhandled error", extra={"error_type": type(exc).__name__})
        return answer(Internal("Something went wrong on our side. Quote the request id to support.", code="internal"))

    @app.exception_handler(Problem)
    def problem(exc: Problem) -> Response[str]:
        return answer(exc)

    @app.not_found
    def not_found(_: Exception) -> Response[str]:
        return answer(NotFound("No such route.", code="route-not-found"))

    @app.exception_handler(RequestValidationError)
    def invalid(exc: RequestValidationError) -> Response[str]:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return refused_input(MalformedJson())
        language = negotiate(app.current_event.headers.get("accept-language"))
        fields = [FieldError(".".join(str(p) for p in e.get("loc", ())),
                             field_message(str(e.get("type", "")), language, e.get("ctx"), str(e.get("msg", ""))),
                             str(e.get("type", "invalid"))) for e in errors]
        return refused_input(ValidationFailed("Some fields are not valid.", errors=fields))

    @app.exception_handler(RequestUnsupportedContentType)
    def unsupported(_: RequestUnsupportedContentType) -> Response[str]:
        return refused_input(UnsupportedMediaType("Send the body as application/json.", code="unsupported-media-type"))

    @app.exception_handler([binascii.Error, UnicodeDecodeError])
    def undecodable(exc: ValueError) -> Response[str]:
        if _body_decodes(app.current_event):
            return internal(exc)  # not the request's body: our bug
        return refused_input(MalformedJson("The request body is not UTF-8 text.", code="body-not-utf8"))

    @app.exception_handler(ResponseValidationError)
    def answer_invalid(exc: ResponseValidationError) -> Response[str]:
        return internal(exc)

    @app.exception_handler(Exception)
    def unexpected(exc: Exception) -> Response[str]:
        if is_throttling(exc):
            logger.warning("AWS throttled past the SDK's retries", extra={"aws_error_code": aws_error_code(exc)})
            return answer(Throttled())
        return internal(exc)

    return app
