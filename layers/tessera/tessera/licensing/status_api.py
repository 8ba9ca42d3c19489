"""GET /api/licenses/{license_key} and the JWKS: what installations check, cached, read-only."""

from typing import Annotated, Any

from tessera.core.http import Path, Router, public
from tessera.core.i18n import negotiate
from tessera.licensing import signing, state
from tessera.licensing.models import StatusAnswer

router = Router()


@router.get("/api/licenses/jwks.json", summary="Public keys of license signatures (JWKS)", tags=["installation"])
@public
def jwks() -> dict[str, Any]:
    return signing.jwks()


@router.get("/api/licenses/<license_key>", summary="License status, modules, limits and the newest token",
            tags=["installation"])
@public
def status(license_key: Annotated[str, Path(min_length=10, max_length=64)]) -> StatusAnswer:
    return state.status(license_key, negotiate(router.current_event.headers.get("accept-language")))
