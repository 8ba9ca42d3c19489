"""The installation API: GET /api/licenses/{license_key} (status) and the public keys."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from tessera.core.http import public
from tessera.core.i18n import negotiate
from tessera.licensing import service, signing
from tessera.licensing.models import StatusAnswer

router = APIGatewayHttpRouter()


@router.get("/api/licenses/jwks.json", summary="Public keys of license signatures (JWKS)", tags=["installation"])
@public
def jwks() -> dict[str, Any]:
    return signing.jwks()


@router.get("/api/licenses/<license_key>", summary="License status, modules, limits and the newest token",
            tags=["installation"])
@public
def status(license_key: Annotated[str, Path(min_length=10, max_length=64)]) -> StatusAnswer:
    return service.status(license_key, negotiate(router.current_event.headers.get("accept-language")))
