"""POST /api/licenses/activate: writes and signs, so it scales and is secured apart from the checks."""

from tessera.core.http import Router, public
from tessera.core.request import RequestInfo
from tessera.licensing import activation
from tessera.licensing.models import ActivateAnswer, ActivateRequest

router = Router()


@router.post("/api/licenses/activate", summary="Activate an installation: configuration, token, certificate",
             tags=["installation"])
@public
def activate(body: ActivateRequest) -> ActivateAnswer:
    return activation.activate(body, RequestInfo.from_event(router.current_event))
