"""/api/app/orgs/{org_id}/workspaces/*: a customer organization's workspaces and their widget. The
organization comes from the token; another organization's workspace answers 404 (its key includes the
organization, so it is never read)."""

from typing import Annotated

from tessera.core.http import Path, Response, Router
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard
from tessera.workspaces import assets, service
from tessera.workspaces.models import (
    WORKSPACE_ID,
    AssetConfirm,
    AssetUpload,
    AssetUploadRequest,
    Publish,
    Snippet,
    WidgetUpdate,
    WidgetView,
    WorkspaceCreate,
    WorkspaceList,
    WorkspaceUpdate,
    WorkspaceView,
)

router = Router()
ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]
WS_ID = Annotated[str, Path(pattern=WORKSPACE_ID)]
ASSET_ID = Annotated[str, Path(pattern=r"^img_[0-9A-HJKMNP-TV-Z]{26}$")]
BASE = "/api/app/orgs/<org_id>/workspaces"
ONE = f"{BASE}/<workspace_id>"


def _actor() -> service.Actor:
    return service.Actor.of(current(), RequestInfo.from_event(router.current_event))


@router.get(BASE, summary="The organization's workspaces and how many the plan allows", tags=["workspaces"])
@guard(router, "app.workspaces.read")
def list_workspaces(org_id: ORG_ID) -> WorkspaceList:
    return service.list_workspaces(org_id)


@router.post(BASE, summary="Create a workspace with its widget (limited by the plan)", tags=["workspaces"])
@guard(router, "app.workspaces.create")
def create_workspace(org_id: ORG_ID, body: WorkspaceCreate) -> Response[WorkspaceView]:
    return Response(201, "application/json", service.create_workspace(org_id, body, _actor()))


@router.get(ONE, summary="A workspace", tags=["workspaces"])
@guard(router, "app.workspaces.read")
def get_workspace(org_id: ORG_ID, workspace_id: WS_ID) -> WorkspaceView:
    return service.get_workspace(org_id, workspace_id)


@router.patch(ONE, summary="Change a workspace's name, site domain or allowed origins", tags=["workspaces"])
@guard(router, "app.workspaces.update")
def update_workspace(org_id: ORG_ID, workspace_id: WS_ID, body: WorkspaceUpdate) -> WorkspaceView:
    return service.update_workspace(org_id, workspace_id, body, _actor())


@router.post(f"{ONE}/archive", summary="Archive a workspace: its widget stops taking leads, data is kept",
             tags=["workspaces"])
@guard(router, "app.workspaces.archive")
def archive_workspace(org_id: ORG_ID, workspace_id: WS_ID) -> WorkspaceView:
    return service.archive_workspace(org_id, workspace_id, _actor())


@router.get(f"{ONE}/widget", summary="The widget's saved settings, version and publication", tags=["widget"])
@guard(router, "app.widget.read")
def get_widget(org_id: ORG_ID, workspace_id: WS_ID) -> WidgetView:
    return service.get_widget(org_id, workspace_id)


@router.put(f"{ONE}/widget",
            summary="Save the widget's settings (409 with current_version when someone saved first)", tags=["widget"])
@guard(router, "app.widget.update")
def save_widget(org_id: ORG_ID, workspace_id: WS_ID, body: WidgetUpdate) -> WidgetView:
    return service.save_widget(org_id, workspace_id, body, _actor())


@router.post(f"{ONE}/widget/publish", summary="Publish the saved version to the CDN", tags=["widget"])
@guard(router, "app.widget.publish")
def publish_widget(org_id: ORG_ID, workspace_id: WS_ID, body: Publish) -> WidgetView:
    return service.publish(org_id, workspace_id, body, _actor())


@router.get(f"{ONE}/widget/snippet", summary="The loader snippet to paste into the site", tags=["widget"])
@guard(router, "app.widget.read")
def widget_snippet(org_id: ORG_ID, workspace_id: WS_ID) -> Snippet:
    return service.snippet(org_id, workspace_id)


@router.post(f"{ONE}/widget/assets",
             summary="Start a logo or avatar upload: a presigned POST bound to the type and size (then confirm)",
             tags=["widget"])
@guard(router, "app.widget.update")
def start_asset_upload(org_id: ORG_ID, workspace_id: WS_ID, body: AssetUploadRequest) -> Response[AssetUpload]:
    return Response(201, "application/json", assets.start_upload(org_id, workspace_id, body, _actor()))


@router.post(f"{ONE}/widget/assets/<asset_id>/confirm",
             summary="Confirm an upload: the image is checked and saved into the widget's settings (a new version)",
             tags=["widget"])
@guard(router, "app.widget.update")
def confirm_asset_upload(org_id: ORG_ID, workspace_id: WS_ID, asset_id: ASSET_ID, body: AssetConfirm) -> WidgetView:
    return assets.confirm_upload(org_id, workspace_id, asset_id, body, _actor())
