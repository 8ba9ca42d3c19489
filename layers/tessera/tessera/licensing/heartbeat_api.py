"""POST /api/licenses/heartbeat: verified in-process, queued, answered with a signed receipt."""

from tessera.core.http import Router, public
from tessera.core.request import RequestInfo
from tessera.licensing import heartbeats
from tessera.licensing.models import HeartbeatAnswer, HeartbeatRequest

router = Router()


@router.post("/api/licenses/heartbeat", summary="A signed heartbeat: queued, answered with a signed receipt",
             tags=["installation"])
@public
def heartbeat(body: HeartbeatRequest) -> HeartbeatAnswer:
    return heartbeats.receive(body, RequestInfo.from_event(router.current_event))
