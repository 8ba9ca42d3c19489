"""Commands and views of workspaces, the widget configuration and leads; the public lead body
(docs/design/widget.md is the contract of the widget's config JSON and of `POST /api/public/leads`)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tessera.core.i18n import register_fields
from tessera.core.settings import CoreSettings, get_settings
from tessera.core.validation import Email
from tessera.workspaces.origins import normalize_domain, normalize_origin

register_fields({
    "origin_invalid": {"ru": "Источник — это схема и адрес сайта, например https://okna.example.ru.",
                       "en": "An origin is a scheme and a host, e.g. https://okna.example.ru."},
    "domain_invalid": {"ru": "Домен сайта, например okna.example.ru.", "en": "A site's domain, e.g. okna.example.ru."},
    "color_invalid": {"ru": "Цвет в формате #rgb или #rrggbb.", "en": "A colour as #rgb or #rrggbb."},
    "url_invalid": {"ru": "Ссылка должна начинаться с https://.", "en": "A link must be an https:// URL."},
    "image_url_invalid": {"ru": "Ссылка на изображение: https:// или загруженный файл.",
                          "en": "An image link: https://, or an uploaded file."},
    "channel_url_invalid": {"ru": "Ссылка канала: {expected}.", "en": "The channel's link: {expected}."},
    "contacts_hidden": {"ru": "Нельзя скрыть и телефон, и e-mail: с посетителем не связаться.",
                        "en": "Phone and e-mail cannot both be hidden: nobody could answer the lead."},
    "consent_text_required": {"ru": "Нужен текст согласия на обработку персональных данных.",
                              "en": "The consent text is required when consent is required."},
    "lead_phone_invalid": {"ru": "Неверный номер телефона.", "en": "Not a valid phone number."},
    "lead_contact_required": {"ru": "Укажите телефон или e-mail.", "en": "Give a phone number or an e-mail."},
    "consent_required": {"ru": "Нужно согласие на обработку персональных данных.",
                         "en": "Consent to the processing of personal data is required."},
    "consent_version_mismatch": {"ru": "Текст согласия обновился: подтвердите согласие ещё раз.",
                                 "en": "The consent text has changed: agree to it again."},
    "client_lead_id_invalid": {"ru": "Ожидается UUID версии 4.", "en": "A version 4 UUID is expected."},
    "status_transition": {"ru": "Из статуса «{current}» нельзя перейти в «{target}».",
                          "en": "A lead cannot go from {current} to {target}."},
})

ULID = r"[0-9A-HJKMNP-TV-Z]{26}"
WORKSPACE_ID = rf"^ws_{ULID}$"
WIDGET_ID = rf"^wgt_{ULID}$"
LEAD_ID = rf"^lead_{ULID}$"
HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
MAX_ORIGINS = 20


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _color(value: str) -> str:
    if not HEX_COLOR.match(value):
        raise PydanticCustomError("color_invalid", "a colour as #rgb or #rrggbb")
    return value.lower()


def _https_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise PydanticCustomError("url_invalid", "an https:// URL")
    return value


def _image_url(value: str) -> str:
    """https, or an image uploaded to the platform's own CDN path (locally its base URL is http)."""
    own = get_settings(CoreSettings).web_base_url.rstrip("/") + "/widgets/"
    if value.startswith(own) and len(value) > len(own):
        return value
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise PydanticCustomError("image_url_invalid", "an https:// URL or an uploaded image")
    return value


Origin = Annotated[str, Field(max_length=300), AfterValidator(normalize_origin)]
Domain = Annotated[str, Field(min_length=1, max_length=253), AfterValidator(normalize_domain)]
Color = Annotated[str, AfterValidator(_color)]
HttpsUrl = Annotated[str, Field(max_length=2000), AfterValidator(_https_url)]
ImageUrl = Annotated[str, Field(max_length=2000), AfterValidator(_image_url)]
Name = Annotated[str, Field(min_length=1, max_length=100)]


# --- workspaces ------------------------------------------------------------------------------------

class WorkspaceCreate(_Strict):
    name: Name
    domain: Domain | None = Field(None, description="the site's domain; its https origin is allowed by default")
    allowed_origins: list[Origin] | None = Field(None, max_length=MAX_ORIGINS,
                                                 description="where the widget may send leads from, "
                                                             "scheme://host[:port]; default: https://<domain>")

    @field_validator("allowed_origins")
    @classmethod
    def _dedupe(cls, value: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(value)) if value is not None else None


class WorkspaceUpdate(_Strict):
    name: Name | None = None
    domain: Domain | None = None
    allowed_origins: list[Origin] | None = Field(None, max_length=MAX_ORIGINS)

    @field_validator("allowed_origins")
    @classmethod
    def _dedupe(cls, value: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(value)) if value is not None else None


WorkspaceStatus = Literal["active", "archived"]


class WorkspaceView(BaseModel):
    id: str
    org_id: str
    name: str
    domain: str | None
    allowed_origins: list[str]
    status: WorkspaceStatus
    widget_id: str
    created_at: datetime
    updated_at: datetime


class WorkspaceList(BaseModel):
    items: list[WorkspaceView]
    limit: int | None = Field(description="how many active workspaces the plan allows; null: unlimited")


# --- the widget's configuration --------------------------------------------------------------------

FieldMode = Literal["required", "optional", "hidden"]
ChannelType = Literal["telegram", "whatsapp", "max"]
CHANNEL_HOSTS: dict[str, tuple[str, str]] = {
    "telegram": ("t.me", "https://t.me/<bot>"),
    "whatsapp": ("wa.me", "https://wa.me/<number>"),
    "max": ("max.ru", "https://max.ru/<name>"),
}


class Colors(_Strict):
    primary: Color = "#2f6fed"
    on_primary: Color = "#ffffff"


class Texts(_Strict):
    launcher: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=200)
    greeting: str | None = Field(None, max_length=1000)
    submit: str | None = Field(None, max_length=100)
    thank_you: str | None = Field(None, max_length=1000)


class Fields(_Strict):
    name: FieldMode = "optional"
    phone: FieldMode = "required"
    email: FieldMode = "optional"
    message: FieldMode = "optional"

    @model_validator(mode="after")
    def _reachable(self) -> Fields:
        if self.phone == "hidden" and self.email == "hidden":
            raise PydanticCustomError("contacts_hidden", "phone and e-mail cannot both be hidden")
        return self


class Channel(_Strict):
    type: ChannelType
    url: HttpsUrl

    @model_validator(mode="after")
    def _host(self) -> Channel:
        host, expected = CHANNEL_HOSTS[self.type]
        parts = urlsplit(self.url)
        if parts.hostname != host or len(parts.path.strip("/")) < 1:
            raise PydanticCustomError("channel_url_invalid", "the channel's link: {expected}", {"expected": expected})
        return self


class ConsentSettings(_Strict):
    required: bool = True
    text: str | None = Field(None, max_length=4000,
                             description="as shown to the visitor; a changed text gets a new consent version")
    policy_url: HttpsUrl | None = None

    @model_validator(mode="after")
    def _text(self) -> ConsentSettings:
        if self.required and not self.text:
            raise PydanticCustomError("consent_text_required", "the consent text is required")
        return self


class WidgetSettings(_Strict):
    """What the configurator edits: the published config JSON without widget_id, version and api_base."""

    locale: Literal["ru", "en"] = "ru"
    position: Literal["right", "left"] = "right"
    colors: Colors = Field(default_factory=Colors)
    texts: Texts = Field(default_factory=Texts)
    logo_url: ImageUrl | None = None
    avatar_url: ImageUrl | None = None
    operator_name: str | None = Field(None, max_length=100)
    quick_replies: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(default_factory=list,
                                                                                   max_length=6)
    fields: Fields = Field(default_factory=Fields)
    consent: ConsentSettings
    channels: list[Channel] = Field(default_factory=list, max_length=3)


class WidgetUpdate(WidgetSettings):
    version: int = Field(ge=1, description="the version this edit started from: a newer one answers 409")


class Publish(_Strict):
    version: int = Field(ge=1, description="the version to publish: the newest saved one")


class ConsentView(BaseModel):
    required: bool
    text: str | None
    version: str | None = Field(description="assigned by the server; a new text makes a new version")
    policy_url: str | None


class WidgetView(BaseModel):
    widget_id: str
    workspace_id: str
    version: int = Field(description="the saved configuration's version (optimistic locking)")
    published_version: int | None
    published_at: datetime | None
    settings: dict[str, Any] = Field(description="WidgetSettings, consent with its version")
    config_url: str = Field(description="where the published config is on the CDN")
    updated_at: datetime


class Snippet(BaseModel):
    widget_id: str
    script_url: str
    html: str = Field(description="what the customer pastes before </body>")


AssetKind = Literal["logo", "avatar"]


class AssetUploadRequest(_Strict):
    kind: AssetKind
    content_type: Literal["image/png", "image/jpeg", "image/webp"] = Field(
        description="SVG is not accepted (docs/design/workspaces.md says why)")
    size: int = Field(ge=1, description="bytes; the upload accepts at most this many")


class UploadForm(BaseModel):
    """An S3 presigned POST: send `fields` and then the file (as `file`, last) as multipart/form-data."""

    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_size: int


class AssetUpload(BaseModel):
    asset_id: str
    kind: AssetKind
    url: str = Field(description="where the image will be served once confirmed")
    upload: UploadForm
    used_bytes: int = Field(description="the workspace's images with this upload reserved")
    quota_bytes: int


class AssetConfirm(_Strict):
    version: int = Field(ge=1, description="the widget version the editor has: the image is saved on top of it")


# --- onboarding ------------------------------------------------------------------------------------

OnboardingStep = Literal["workspace", "widget", "channel", "calendar", "snippet", "test"]
ONBOARDING_STEPS: tuple[OnboardingStep, ...] = ("workspace", "widget", "channel", "calendar", "snippet", "test")


class StepOutcome(_Strict):
    outcome: Literal["done", "skipped"]
    workspace_id: str | None = Field(None, pattern=WORKSPACE_ID,
                                     description="the workspace the wizard created: required to finish `workspace`")


class OnboardingStepView(BaseModel):
    step: OnboardingStep
    state: Literal["pending", "done", "skipped"]
    skippable: bool


class OnboardingView(BaseModel):
    status: Literal["active", "finished", "dismissed"] = Field(
        description="active: the wizard is shown after sign-in; an organization that had workspaces before "
                    "the wizard existed is finished")
    steps: list[OnboardingStepView]
    current: OnboardingStep | None = Field(description="the first step neither done nor skipped")
    workspace_id: str | None
    tour_seen: bool = Field(description="whether the caller has seen the guided tour")


# --- public lead ingest ----------------------------------------------------------------------------

def _phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        number = phonenumbers.parse(value, "RU")
    except phonenumbers.NumberParseException:
        raise PydanticCustomError("lead_phone_invalid", "not a valid phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise PydanticCustomError("lead_phone_invalid", "not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _uuid4(value: str) -> str:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise PydanticCustomError("client_lead_id_invalid", "a version 4 UUID") from None
    if parsed.version != 4:
        raise PydanticCustomError("client_lead_id_invalid", "a version 4 UUID")
    return str(parsed)


class LeadConsent(BaseModel):
    model_config = ConfigDict(extra="ignore")
    accepted: bool
    text_version: str | None = Field(max_length=100)


class LeadSubmission(BaseModel):
    """The widget's body (every key is always present). Unknown keys are ignored: a newer widget may send more."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    widget_id: str = Field(pattern=WIDGET_ID)
    config_version: int = Field(ge=1)
    client_lead_id: Annotated[str, AfterValidator(_uuid4)]
    name: str | None = Field(None, max_length=100)
    phone: Annotated[str | None, Field(max_length=32), AfterValidator(_phone)] = None
    email: Email | None = None
    message: str | None = Field(None, max_length=2000)
    consent: LeadConsent
    page_url: str = Field(max_length=2000)
    referrer: str | None = Field(None, max_length=2000)
    utm_source: str | None = Field(None, max_length=200)
    utm_medium: str | None = Field(None, max_length=200)
    utm_campaign: str | None = Field(None, max_length=200)
    utm_term: str | None = Field(None, max_length=200)
    utm_content: str | None = Field(None, max_length=200)
    honeypot: str = Field("", max_length=1000)
    elapsed_ms: int = Field(ge=0)
    locale: Literal["ru", "en"] = "ru"

    @field_validator("name", "phone", "email", "message", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class LeadAccepted(BaseModel):
    lead_id: str
    client_lead_id: str


# --- leads in the app ------------------------------------------------------------------------------

LeadStatus = Literal["new", "contacted", "booked", "lost"]
LeadChannel = Literal["widget", "telegram", "whatsapp", "max", "sms", "email"]


class LeadView(BaseModel):
    id: str
    workspace_id: str
    channel: LeadChannel
    status: LeadStatus
    locked: bool = Field(description="over the plan's monthly limit: contacts hidden until the plan allows it")
    name: str | None
    phone: str | None
    email: str | None
    message: str | None
    page_url: str | None
    utm: dict[str, str]
    created_at: datetime
    updated_at: datetime
    first_contact_at: datetime | None = Field(None, description="the first reply through a channel")


class LeadEventView(BaseModel):
    at: datetime
    kind: Literal["form", "status", "message", "booking"]
    actor: str | None = Field(description="who: a user id, or null for the visitor")
    data: dict[str, Any]


class ConsentRecordView(BaseModel):
    accepted: bool
    text_version: str | None
    at: datetime
    ip: str | None


class LeadDetail(LeadView):
    referrer: str | None
    consent: ConsentRecordView | None
    timeline: list[LeadEventView]


class LeadPage(BaseModel):
    items: list[LeadView]
    next_cursor: str | None


class LeadStatusChange(_Strict):
    status: LeadStatus
    note: str | None = Field(None, max_length=1000)
