"""Support bundles: the agent asks for an upload URL (signed by the installation key); staff list and read
them (console.deploys.read: implementation, developers, admins, auditors; each download URL audited)."""

from typing import Annotated

from tessera.core.http import Path, Response, Router, public
from tessera.core.request import RequestInfo
from tessera.deploys import bundles
from tessera.deploys.agent_api import caller_of
from tessera.deploys.console_api import CURSOR, INSTALLATION_ID, LIMIT
from tessera.deploys.models import SupportBundlePage, SupportBundleRequest, SupportBundleUpload, SupportBundleView
from tessera.identity.principal import current, guard

router = Router()
BUNDLE_ID = Annotated[str, Path(pattern=r"^bnd_[0-9A-HJKMNP-TV-Z]{26}$")]


@router.post("/api/agent/support-bundles",
             summary="A presigned PUT URL for the installation's support bundle (signed by the installation)",
             tags=["installation"])
@public
def request_upload(body: SupportBundleRequest) -> Response[SupportBundleUpload]:
    return Response(201, "application/json", bundles.request_upload(caller_of(router.current_event), body))


@router.get("/api/console/installations/<installation_id>/support-bundles",
            summary="An installation's support bundles, newest first", tags=["deploys"])
@guard(router, "console.deploys.read")
def list_bundles(installation_id: INSTALLATION_ID, cursor: CURSOR = None, limit: LIMIT = None) -> SupportBundlePage:
    return bundles.list_bundles(installation_id, cursor, limit)


@router.get("/api/console/installations/<installation_id>/support-bundles/<bundle_id>",
            summary="A support bundle: its files and a download URL (audited)", tags=["deploys"])
@guard(router, "console.deploys.read")
def read_bundle(installation_id: INSTALLATION_ID, bundle_id: BUNDLE_ID) -> SupportBundleView:
    return bundles.read_bundle(installation_id, bundle_id, current(), RequestInfo.from_event(router.current_event))

