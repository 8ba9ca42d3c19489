"""POST /api/webhooks/calcom/{workspace_id}: Cal.com's booking webhooks (a public route: the signature
in X-Cal-Signature-256 authenticates each delivery)."""

import base64
from typing import Annotated

from tessera.core.http import Path, Router, public
from tessera.workspaces.channels import bookings
from tessera.workspaces.channels.models import CalcomAck
from tessera.workspaces.models import WORKSPACE_ID

router = Router()


@router.post("/api/webhooks/calcom/<workspace_id>",
             summary="Cal.com booking webhooks (HMAC-SHA256 signed; 401 when the signature does not match)",
             tags=["webhooks"])
@public
def calcom_webhook(workspace_id: Annotated[str, Path(pattern=WORKSPACE_ID)]) -> CalcomAck:
    event = router.current_event
    body = event.body or ""
    raw = base64.b64decode(body) if event.is_base64_encoded else body.encode()  # the bytes Cal.com signed
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    return bookings.handle_webhook(workspace_id, raw, headers.get("x-cal-signature-256"))
