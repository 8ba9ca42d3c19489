"""POST /api/external/releases: the product's CI registers a release; POST /api/external/deploy-runs: budgetctl
reports a run from an engineer's machine. Both signed as every /api/external/*
call is (billing's integration keys: `X-Tessera-Key`, `X-Tessera-Timestamp`, `X-Tessera-Signature:
sha256=<HMAC-SHA256 of "<timestamp>.<body>">`, 5 minutes either way). The signature is checked before the
body is parsed."""

from typing import Any

from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from tessera.billing import integrations
from tessera.core.http import Response, Router, public
from tessera.core.request import RequestInfo
from tessera.deploys import service
from tessera.deploys.models import BudgetctlRunAnswer, BudgetctlRunRequest, ReleaseAnswer, ReleaseRequest

router = Router()


@router.post("/api/external/releases",
             summary="The product's CI registers a release (signed; idempotent on the version)", tags=["deploys"])
@public
def register_release() -> Response[ReleaseAnswer]:
    caller_id, command = _signed(ReleaseRequest)
    answer = service.register_release(command, caller_id, RequestInfo.from_event(router.current_event))
    return Response(201 if answer.created else 200, "application/json", answer)


@router.post("/api/external/deploy-runs",
             summary="budgetctl reports a run: prepare, deploy, status, rollback, modules sync (signed; idempotent "
                     "on run_id)", tags=["deploys"])
@public
def report_budgetctl_run() -> Response[BudgetctlRunAnswer]:
    caller_id, command = _signed(BudgetctlRunRequest)
    answer = service.record_budgetctl_run(command, caller_id, RequestInfo.from_event(router.current_event))
    return Response(201 if answer.created else 200, "application/json", answer)


def _signed[Body: BaseModel](model: type[Body]) -> tuple[str, Body]:
    """The integration that signed the request (401 otherwise), then the body it signed, validated."""
    raw = router.current_event.decoded_body or ""
    headers = router.current_event.headers or {}
    caller = integrations.authenticate(headers.get("x-tessera-key"), headers.get("x-tessera-timestamp"),
                                       raw.encode(), headers.get("x-tessera-signature"))
    try:
        return caller.id, model.model_validate_json(raw or "{}")
    except ValidationError as exc:
        raise RequestValidationError([_in_body(e) for e in exc.errors()], body=raw) from exc


def _in_body(error: Any) -> Any:
    error = dict(error)
    error["loc"] = ("body", *error.get("loc", ()))
    return error
