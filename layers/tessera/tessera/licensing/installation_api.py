"""The installation API. One router per function: status and keys (read-only, cached) apart from
activation (writes, signs), since they scale, fail and are secured differently."""

from typing import Annotated, Any

from tessera.core.http import Path, Router, public
from tessera.core.i18n import negotiate
from tessera.core.request import RequestInfo
from tessera.licensing import activation, heartbeats, service, signing
from tessera.licensing.models import ActivateAnswer, ActivateRequest, HeartbeatAnswer, HeartbeatRequest, StatusAnswer

status_router = Router()
activation_router = Router()
heartbeat_router = Router()


@status_router.get("/api/licenses/jwks.json", summary="Public keys of license signatures (JWKS)", tags=["installation"])
@public
def jwks() -> dict[str, Any]:
    return signing.jwks()


@status_router.get(
    "/api/licenses/<license_key>", summary="License status, modules, limits and the newest token", tags=["installation"]
)
@public
def status(license_key: Annotated[str, Path(min_length=10, max_length=64)]) -> StatusAnswer:
    return service.status(license_key, negotiate(status_router.current_event.headers.get("accept-language")))


@activation_router.post(
    "/api/licenses/activate",
    summary="Activate an installation: configuration, token, certificate",
    tags=["installation"],
)
@public
def activate(body: ActivateRequest) -> ActivateAnswer:
    return activation.activate(body, RequestInfo.from_event(activation_router.current_event))


@heartbeat_router.post(
    "/api/licenses/heartbeat",
    summary="A signed heartbeat: queued, answered with a signed receipt",
    tags=["installation"],
)
@public
def heartbeat(body: HeartbeatRequest) -> HeartbeatAnswer:
    return heartbeats.receive(body, RequestInfo.from_event(heartbeat_router.current_event))
