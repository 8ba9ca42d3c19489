"""The HTTP resolver every API function uses, and cursor pagination.

`make_resolver()` gives a Powertools `APIGatewayHttpResolver` whose every failure is an RFC 9457
problem: domain `Problem`s as raised, request validation as 422 with field errors (never echoing
the submitted values, which may be secrets), malformed JSON as 400, unknown routes as 404, and
anything unexpected as a 500 that carries only the request id (the exception goes to the log)."""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter as Router
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

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

# Route modules import these from here, never from Powertools, so the resolver can change underneath.
__all__ = ["Cookie", "Path", "Query", "Response", "Router", "SameSite", "make_resolver", "public"]


def make_resolver(*, enable_validation: bool = True, cors_origins: list[str] | None = None) -> APIGatewayHttpResolver:
    cors = CORSConfig(allow_origin=cors_origins[0], extra_origins=cors_origins[1:], allow_credentials=True) \
        if cors_origins else None
    app = APIGatewayHttpResolver(enable_validation=enable_validation, cors=cors)

    def instance() -> str | None:
        try:
            return app.current_event.request_context.request_id
        except Exception:
            return None

    def localized(exc: Problem) -> Problem:
        try:
            language = negotiate(app.current_event.headers.get("accept-language"))
        except Exception:
            language = DEFAULT_LANGUAGE
        text = translate(exc.code, language, {**exc.extra, "detail": exc.detail})
        if text:
            exc.detail = text
        return exc

    @app.exception_handler(Problem)
    def problem(exc: Problem) -> Response:
        return localized(exc).to_response(instance())

    @app.not_found
    def not_found(_: Exception) -> Response:
        return localized(NotFound("No such route.", code="route-not-found")).to_response(instance())

    if enable_validation:
        from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

        @app.exception_handler(RequestValidationError)
        def invalid(exc: RequestValidationError) -> Response:
            errors = exc.errors()
            if any(e.get("type") == "json_invalid" for e in errors):
                return localized(MalformedJson()).to_response(instance())
            language = negotiate(app.current_event.headers.get("accept-language"))
            fields = [FieldError(".".join(str(p) for p in e.get("loc", ())),
                                 field_message(str(e.get("type", "")), language, e.get("ctx"), str(e.get("msg", ""))),
                                 str(e.get("type", "invalid"))) for e in errors]
            return localized(ValidationFailed("Some fields are not valid.", errors=fields)).to_response(instance())

    @app.exception_handler(json.JSONDecodeError)
    def malformed(_: json.JSONDecodeError) -> Response:
        return localized(MalformedJson()).to_response(instance())

    @app.exception_handler(Exception)
    def unexpected(exc: Exception) -> Response:
        logger.exception("unhandled error", extra={"error_type": type(exc).__name__})
        return localized(Internal("Something went wrong on our side. Quote the request id to support.",
                                  code="internal")).to_response(instance())

    return app


