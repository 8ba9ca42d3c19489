"""Commands and views of channels, replies and Cal.com. Credentials go in, never out: a view shows a
masked hint of each."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tessera.workspaces.channels.providers import ChannelKind

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Secret = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1024)]
Setting = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChannelConnect(_Strict):
    """`credentials` and `settings` by `type` (docs/design/workspaces.md, "Channels"):
    telegram {bot_token} {chat_id}; smsc {login, password} {notify_phone, sender?};
    twilio {account_sid, auth_token} {from_number, notify_phone}; email {} {notify_email, sender_name?};
    whatsapp {access_token, app_secret?} {phone_number_id, notify_phone}; max {bot_token} {chat_id}."""

    type: ChannelKind
    name: ShortText | None = None
    credentials: dict[str, Secret] = Field(default_factory=dict, max_length=4)
    settings: dict[str, Setting] = Field(default_factory=dict, max_length=6)
    notify_new_leads: bool = Field(True, description="send each new lead to this channel's address")


class ChannelUpdate(_Strict):
    notify_new_leads: bool


class ChannelError(BaseModel):
    reason: Literal["unauthorized", "bad_address", "rejected", "unavailable"]
    message: str = Field(description="in the request's language, with the provider's own words")
    provider_detail: str


class ChannelInbound(BaseModel):
    """Where the provider sends the leads' answers (SMS to the Twilio number, WhatsApp messages)."""

    webhook_url: str = Field(description="paste into the provider's console: Twilio's \"A message comes in\" "
                                         "(HTTP POST), or the Meta app's WhatsApp webhook callback URL")
    verify_token: str | None = Field(None, description="WhatsApp's verify token: in full only when connecting, "
                                                       "masked in credentials_hint after")
    ready: bool = Field(description="false for WhatsApp without its app secret: its deliveries cannot be "
                                    "authenticated, so they are refused")


class ChannelView(BaseModel):
    type: ChannelKind
    name: str
    status: Literal["active", "failed"] = Field(description="failed: the last test failed; no sends until one passes")
    notify_new_leads: bool
    settings: dict[str, str]
    credentials_hint: dict[str, str] = Field(description="each credential masked; the values are never returned")
    account: str | None = Field(None, description="the provider's name of the account, e.g. the bot's @username")
    last_tested_at: datetime | None = None
    last_error: ChannelError | None = None
    connected_at: datetime
    connected_by: str
    inbound: ChannelInbound | None = Field(None, description="for the channels that receive the leads' answers")


class ChannelList(BaseModel):
    items: list[ChannelView]


class ChannelTest(_Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] | None = None


class LeadMessage(_Strict):
    channel: ChannelKind
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    client_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F-]{36}$")] = Field(
        description="a UUID the app makes per message: sending again with it sends nothing twice")


class LeadMessageView(BaseModel):
    client_id: str
    lead_id: str
    channel: ChannelKind
    to: str
    text: str
    provider_message_id: str | None
    sent_at: datetime
    sent_by: str
    lead_status: str


class CalcomConnect(_Strict):
    api_key: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^cal_[A-Za-z0-9_]{8,200}$")]


class CalcomEventType(BaseModel):
    id: int
    slug: str
    title: str
    length: int | None = None


class CalcomView(BaseModel):
    connected: bool
    api_key_hint: str | None = None
    webhook_url: str = Field(description="paste into Cal.com (Settings → Developer → Webhooks) with the secret")
    webhook_secret: str | None = Field(None, description="shown once, when connecting; never again")
    triggers: list[str]
    connected_at: datetime | None = None


class CalcomEventTypes(BaseModel):
    items: list[CalcomEventType]


class CalcomAck(BaseModel):
    received: bool = True
    lead_id: str | None = Field(None, description="the lead the booking was matched to")
    duplicate: bool = False


class InboundAck(BaseModel):
    received: bool = True
    stored: int = Field(0, description="messages added to leads' timelines")
    duplicates: int = Field(0, description="messages applied before (a provider's retry)")
    unmatched: int = Field(0, description="messages from a phone no lead of the workspace has: not stored")
