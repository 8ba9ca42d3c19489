"""POST /api/webhooks/{yookassa,tbank}: the providers' notifications (public routes: the adapter
authenticates each one, by ЮKassa's source networks or Т-Банк's Token)."""

import base64

from tessera.billing import webhooks
from tessera.billing.checkout import Provider
from tessera.core.http import Response, Router, public

router = Router()


def _notification(provider: Provider) -> Response[str]:
    event = router.current_event
    body = event.body or ""
    raw = base64.b64decode(body) if event.is_base64_encoded else body.encode()
    # the HTTP API's own view of the caller; X-Forwarded-For is the caller's to write, so never trusted
    source_ip = event.request_context.http.source_ip
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    ack = webhooks.handle_webhook(provider, source_ip, headers, raw)
    return Response(ack.status_code, ack.content_type, ack.body)


@router.post("/api/webhooks/yookassa", summary="ЮKassa's notifications (answered 200)", tags=["webhooks"])
@public
def yookassa() -> Response[str]:
    return _notification("yookassa")


@router.post("/api/webhooks/tbank", summary="Т-Банк's notifications (answered 200 `OK`)", tags=["webhooks"])
@public
def tbank() -> Response[str]:
    return _notification("tbank")
