"""/api/agent/*: installations' agents fetch commands and report results (signed by the installation key)."""

from __future__ import annotations

from typing import Any

from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.deploys.agent_api import router

app = make_resolver()
app.include_router(router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
