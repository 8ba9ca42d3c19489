"""Commands and views of notifications. Secrets go in (bot token, webhook URL) and never come out:
views carry only hints."""

import re
from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tessera.core.i18n import register_fields
from tessera.core.validation import Email
from tessera.notify.channels import SLACK_WEBHOOK, TELEGRAM_CHAT, TELEGRAM_TOKEN

register_fields({
    "telegram_chat_invalid": {"ru": "Числовой id чата или @имяканала.", "en": "A numeric chat id or @channelname."},
    "telegram_token_invalid": {"ru": "Токен бота в том виде, как его выдаёт @BotFather: <цифры>:<35 символов>.",
                               "en": "A bot token as @BotFather gives it: <digits>:<35 characters>."},
    "slack_webhook_invalid": {"ru": "Адрес входящего вебхука: https://hooks.slack.com/services/T…/B…/…",
                              "en": "An incoming webhook URL: https://hooks.slack.com/services/T…/B…/…"},
    "org_ids_invalid": {"ru": "Идентификаторы организаций (org_…).", "en": "Organization ids (org_…)."},
    "secret_replace_or_forget": {"ru": "Либо новый секрет, либо удаление сохранённого, не то и другое сразу.",
                                 "en": "Either a new secret or forgetting the stored one, not both."},
})

EventName = Literal["license.expiry", "license.limit"]
EVENTS: tuple[EventName, ...] = ("license.expiry", "license.limit")
DeliveryEvent = Literal["license.expiry", "license.limit", "license.file", "channel.test", "billing.dunning",
                        "billing.trial", "billing.document", "leads.limit", "analytics.weekly", "analytics.alert"]
Language = Literal["ru", "en"]
Status = Literal["pending", "sent", "failed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EmailUpdate(_Strict):
    enabled: bool = True
    recipients: list[Email] = Field(default_factory=list, max_length=20,
                                       description="customer: addresses for notices (empty: the license contacts); "
                                                   "staff: ignored, the notices go to the user's own e-mail")


class TelegramUpdate(_Strict):
    enabled: bool = False
    chat_id: str | None = Field(None, max_length=40, description="a chat id (e.g. -1001234567890) or @channel")
    bot_token: str | None = Field(None, max_length=80, repr=False,
                                  description="write-only; omitted: keep the stored token")
    forget_bot_token: bool = Field(False, description="erase the stored token (the channel must then be off)")

    @field_validator("chat_id")
    @classmethod
    def _chat(cls, value: str | None) -> str | None:
        if value is not None and not TELEGRAM_CHAT.match(value):
            raise PydanticCustomError("telegram_chat_invalid", "A numeric chat id or @channelname.")
        return value

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: str | None) -> str | None:
        if value is not None and not TELEGRAM_TOKEN.match(value):
            raise PydanticCustomError("telegram_token_invalid",
                                      "A bot token as @BotFather gives it: <digits>:<35 characters>.")
        return value

    @model_validator(mode="after")
    def _replace_or_forget(self) -> Self:
        if self.bot_token and self.forget_bot_token:
            raise PydanticCustomError("secret_replace_or_forget", "Either a new secret or forgetting the stored one.")
        return self


class SlackUpdate(_Strict):
    enabled: bool = False
    webhook_url: str | None = Field(None, max_length=300, repr=False,
                                    description="write-only: https://hooks.slack.com/services/…; omitted: keep")
    forget_webhook: bool = Field(False, description="erase the stored webhook URL (the channel must then be off)")

    @field_validator("webhook_url")
    @classmethod
    def _webhook(cls, value: str | None) -> str | None:
        if value is not None and not SLACK_WEBHOOK.match(value):
            raise PydanticCustomError("slack_webhook_invalid",
                                      "An incoming webhook URL: https://hooks.slack.com/services/T…/B…/…")
        return value

    @model_validator(mode="after")
    def _replace_or_forget(self) -> Self:
        if self.webhook_url and self.forget_webhook:
            raise PydanticCustomError("secret_replace_or_forget", "Either a new secret or forgetting the stored one.")
        return self


class PreferencesUpdate(_Strict):
    events: list[EventName] = Field(default_factory=lambda: list(EVENTS))
    language: Language = "ru"
    email: EmailUpdate = Field(default_factory=EmailUpdate)
    telegram: TelegramUpdate = Field(default_factory=TelegramUpdate)
    slack: SlackUpdate = Field(default_factory=SlackUpdate)


class StaffPreferencesUpdate(PreferencesUpdate):
    events: list[EventName] = Field(default_factory=list)
    customers: list[str] = Field(default_factory=list, max_length=200,
                                 description="only these organizations (empty: every customer)")

    @field_validator("customers")
    @classmethod
    def _orgs(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"org_[0-9A-HJKMNP-TV-Z]{26}", v)]
        if bad:
            raise PydanticCustomError("org_ids_invalid", "Organization ids (org_…).")
        return sorted(set(value))


class EmailView(BaseModel):
    enabled: bool
    recipients: list[str]
    effective_recipients: list[str] = Field(description="where e-mail notices go now")


class TelegramView(BaseModel):
    enabled: bool
    chat_id: str | None
    configured: bool
    bot_token_hint: str | None = Field(description="the last characters only; the token is never returned")


class SlackView(BaseModel):
    enabled: bool
    configured: bool
    webhook_hint: str | None = Field(description="the last characters only; the URL is never returned")


class PreferencesView(BaseModel):
    owner: Literal["org", "staff"]
    owner_id: str
    events: list[EventName]
    language: Language
    email: EmailView
    telegram: TelegramView
    slack: SlackView
    customers: list[str] = Field(default_factory=list)
    saved: bool = Field(description="false: the defaults, nothing stored yet")
    updated_at: datetime | None = None


class DeliveryView(BaseModel):
    id: str
    event: DeliveryEvent
    channel: Literal["email", "telegram", "slack"]
    audience: Literal["customer", "staff"]
    org_id: str | None
    license_id: str | None
    recipient: str = Field(description="masked")
    template: str
    language: Language
    status: Status
    attempts: int
    provider_message_id: str | None
    error: str | None
    created_at: datetime
    sent_at: datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryView]
    next_cursor: str | None


class SendLicenseRequest(_Strict):
    recipients: list[Email] | None = Field(None, max_length=20,
                                              description="omitted: the customer's license recipients")
    language: Language | None = Field(None, description="omitted: the customer's notification language")


class SendAnswer(BaseModel):
    deliveries: list[DeliveryView]


class TestRequest(_Strict):
    channel: Literal["email", "telegram", "slack"]
