"""/api/app/orgs/{org_id}/workspaces/{workspace_id}/channels, …/calcom and …/leads/{lead_id}/messages:
channels and Cal.com are managed by who manages the workspace (owner, admin); operators reply through
them. Another organization's workspace answers 404."""

from typing import Annotated

from tessera.core.http import Path, Response, Router
from tessera.core.i18n import negotiate
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard
from tessera.workspaces import service
from tessera.workspaces.channels import bookings
from tessera.workspaces.channels import service as channels
from tessera.workspaces.channels.models import (
    CalcomConnect,
    CalcomEventTypes,
    CalcomView,
    ChannelConnect,
    ChannelList,
    ChannelTest,
    ChannelUpdate,
    ChannelView,
    LeadMessage,
    LeadMessageView,
)
from tessera.workspaces.channels.providers import ChannelKind
from tessera.workspaces.models import LEAD_ID, WORKSPACE_ID

router = Router()
ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]
WS_ID = Annotated[str, Path(pattern=WORKSPACE_ID)]
ONE_LEAD = Annotated[str, Path(pattern=LEAD_ID)]
KIND = Annotated[ChannelKind, Path()]
ONE = "/api/app/orgs/<org_id>/workspaces/<workspace_id>"
CHANNELS = f"{ONE}/channels"


def _actor() -> service.Actor:
    return service.Actor.of(current(), RequestInfo.from_event(router.current_event))


def _language() -> str:
    return negotiate(router.current_event.headers.get("accept-language"))


@router.get(CHANNELS, summary="The workspace's connected channels (credentials masked)", tags=["channels"])
@guard(router, "app.workspaces.read")
def list_channels(org_id: ORG_ID, workspace_id: WS_ID) -> ChannelList:
    return channels.list_channels(org_id, workspace_id, _language())


@router.post(CHANNELS, summary="Connect a channel: tested live first; a refused test stores nothing (400)",
             tags=["channels"])
@guard(router, "app.workspaces.update")
def connect_channel(org_id: ORG_ID, workspace_id: WS_ID, body: ChannelConnect) -> Response[ChannelView]:
    return Response(201, "application/json", channels.connect(org_id, workspace_id, body, _actor(), _language()))


@router.patch(f"{CHANNELS}/<channel>", summary="Choose whether the channel tells of new leads", tags=["channels"])
@guard(router, "app.workspaces.update")
def update_channel(org_id: ORG_ID, workspace_id: WS_ID, channel: KIND, body: ChannelUpdate) -> ChannelView:
    return channels.update(org_id, workspace_id, channel, body, _actor(), _language())


@router.post(f"{CHANNELS}/<channel>/test",
             summary="Send a test message: a failure turns the channel `failed` until a test passes", tags=["channels"])
@guard(router, "app.workspaces.update")
def test_channel(org_id: ORG_ID, workspace_id: WS_ID, channel: KIND, body: ChannelTest) -> ChannelView:
    return channels.test(org_id, workspace_id, channel, body, _language())


@router.delete(f"{CHANNELS}/<channel>", summary="Disconnect a channel (its credentials are deleted)",
               tags=["channels"])
@guard(router, "app.workspaces.update")
def disconnect_channel(org_id: ORG_ID, workspace_id: WS_ID, channel: KIND) -> Response[None]:
    channels.disconnect(org_id, workspace_id, channel, _actor())
    return Response(204)


@router.post(f"{ONE}/leads/<lead_id>/messages",
             summary="Reply to a lead through a channel (201; 200 for a client id already sent)", tags=["leads"])
@guard(router, "app.leads.update")
def send_message(org_id: ORG_ID, workspace_id: WS_ID, lead_id: ONE_LEAD,
                 body: LeadMessage) -> Response[LeadMessageView]:
    sent, view = channels.reply(org_id, workspace_id, lead_id, body, _actor(), _language())
    return Response(201 if sent else 200, "application/json", view)


@router.get(f"{ONE}/calcom", summary="The Cal.com connection and the webhook to set up there", tags=["calcom"])
@guard(router, "app.workspaces.read")
def get_calcom(org_id: ORG_ID, workspace_id: WS_ID) -> CalcomView:
    return bookings.get(org_id, workspace_id)


@router.put(f"{ONE}/calcom",
            summary="Connect Cal.com with an API key (tested); answers the webhook secret once", tags=["calcom"])
@guard(router, "app.workspaces.update")
def connect_calcom(org_id: ORG_ID, workspace_id: WS_ID, body: CalcomConnect) -> CalcomView:
    return bookings.connect(org_id, workspace_id, body, _actor())


@router.delete(f"{ONE}/calcom", summary="Disconnect Cal.com (its webhooks are refused from then on)",
               tags=["calcom"])
@guard(router, "app.workspaces.update")
def disconnect_calcom(org_id: ORG_ID, workspace_id: WS_ID) -> Response[None]:
    bookings.disconnect(org_id, workspace_id, _actor())
    return Response(204)


@router.get(f"{ONE}/calcom/event-types", summary="The Cal.com account's event types", tags=["calcom"])
@guard(router, "app.workspaces.read")
def calcom_event_types(org_id: ORG_ID, workspace_id: WS_ID) -> CalcomEventTypes:
    return bookings.event_types(org_id, workspace_id)
