"""POST /api/external/releases: the product's CI registers a release, signed as every /api/external/*
call is (billing's integration keys: `X-Tessera-Key`, `X-Tessera-Timestamp`, `X-Tessera-Signature:
sha256=<HMAC-SHA256 of "<timestamp>.<body>">`, 5 minutes either way). The signature is checked before the
body is parsed."""

from typing import Any

from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import ValidationError

from tessera.billing import integrations
from tessera.core.http import Response, Router, public
from tessera.core.request import RequestInfo
from tessera.deploys import service
from tessera.deploys.models import ReleaseAnswer, ReleaseRequest

router = Router()


@router.post("/api/external/releases",
             summary="The product's CI registers a release (signed; idempotent on the version)", tags=["deploys"])
@public
def register_release() -> Response[ReleaseAnswer]:
    raw = router.current_event.decoded_body or ""
    headers = router.current_event.headers or {}
    caller = integrations.authenticate(headers.get("x-tessera-key"), headers.get("x-tessera-timestamp"),
                                       raw.encode(), headers.get("x-tessera-signature"))
    try:
        command = ReleaseRequest.model_validate_json(raw or "{}")
    except ValidationError as exc:
        raise RequestValidationError([_in_body(e) for e in exc.errors()], body=raw) from exc
    answer = service.register_release(command, caller.id, RequestInfo.from_event(router.current_event))
    return Response(201 if answer.created else 200, "application/json", answer)


def _in_body(error: Any) -> Any:
    error = dict(error)
    error["loc"] = ("body", *error.get("loc", ()))
    return error
