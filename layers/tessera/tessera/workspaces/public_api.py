"""POST /api/public/leads and its CORS preflight: no login, the widget's Origin allow-list instead
(on its own HttpApi: an API-wide CorsConfiguration would answer every preflight with one list)."""

import json
from typing import Any

from tessera.core.errors import MalformedJson, PayloadTooLarge, UnsupportedMediaType
from tessera.core.http import Response, Router, public
from tessera.core.request import RequestInfo
from tessera.workspaces import ingest
from tessera.workspaces.models import LeadAccepted

router = Router()
PATH = "/api/public/leads"
MAX_BODY = 16_384  # the widget's largest body is ~7 KB


@router.route(PATH, method="OPTIONS", summary="CORS preflight: allowed for origins a widget allows",
              tags=["public"], responses={204: {"description": "allowed"}})
@public
def leads_preflight():  # an empty answer: no return annotation
    return Response(204, headers=ingest.preflight(router.current_event.headers.get("origin")))


@router.post(PATH, summary="A lead from the widget: 201 stored, 200 a repeat of a stored one",
             description="The body is LeadSubmission; docs/design/widget.md has every answer.", tags=["public"],
             responses={201: {"description": "stored", "content": {"application/json": {"model": LeadAccepted}}},
                        200: {"description": "already stored (or dropped as a bot's): the first answer again",
                              "content": {"application/json": {"model": LeadAccepted}}}})
@public
def submit_lead():  # the body is checked in the widget doc's order, after the Origin: no body parameter
    event = router.current_event
    content_type = (event.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType("Send the body as application/json.", code="unsupported-media-type")
    raw = event.decoded_body or ""
    if len(raw.encode()) > MAX_BODY:
        raise PayloadTooLarge("The lead is too large.", code="payload-too-large")
    try:
        body: Any = json.loads(raw)
    except ValueError:
        raise MalformedJson() from None
    answer, headers = ingest.submit(body, event.headers.get("origin"), RequestInfo.from_event(event))
    return Response(answer.status, "application/json", answer.body.model_dump_json(), headers=headers)

