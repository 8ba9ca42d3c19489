"""POST /api/licenses/activate: installations register themselves (no login; the license key is the
credential, the installation's key pair is bound by the certificate the answer carries)."""

from __future__ import annotations

from typing import Any

from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.licensing.activation_api import router

app = make_resolver()
app.include_router(router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
