"""The notify tests' stack: e-mail through SES on moto (the real SES mailer), Telegram and Slack through
their real adapters against the local cloud's fake providers, called in-process (no sockets)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_string
from email.policy import default as email_policy
from typing import Any

import pytest

from tests.integration.identity.conftest import client, stack  # noqa: F401  (the same stack)
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import BASE_ENV, ROOT, Client, LambdaContext, Platform, handler_of

sys.path.insert(0, str(ROOT / "infra" / "local"))

from localcloud.chat_fake import FakeChats

TOKEN = "987654321:AAFakeTokenForTestsOnly_abcdefghijk12"
WEBHOOK = "https://hooks.slack.com/services/T0TEST000/B0TEST000/abcdefghijklmnopqrstuvwx"
NOW = datetime(2026, 3, 2, 7, tzinfo=UTC)  # 10:00 Moscow


class InProcessHttp:
    """The HTTP port, answered by the local cloud's fake providers (as if at https://…)."""

    def __init__(self, chats: FakeChats, prefix: str) -> None:
        self.chats, self.prefix = chats, prefix
        self.urls: list[str] = []

    def post_json(self, url: str, body: dict[str, Any], timeout: float) -> tuple[int, str]:
        self.urls.append(url)
        status, _, answer = self.chats.handle("POST", self.prefix + url.split("://", 1)[1].split("/", 1)[1],
                                              json.dumps(body).encode())
        return status, answer.decode()


class Outside:
    """What left the platform: SES (moto) messages and the fake chats' messages."""

    def __init__(self, chats: FakeChats) -> None:
        self.chats = chats

    @staticmethod
    def mails(to: str | None = None) -> list[Any]:
        from moto.ses.models import ses_backends

        found = []
        for message in ses_backends["123456789012"][BASE_ENV["AWS_REGION"]].sent_messages:
            if hasattr(message, "raw_data"):
                parsed = message_from_string(message.raw_data, policy=email_policy)
                item = {"to": list(message.destinations), "subject": str(parsed["Subject"]),
                        "text": parsed.get_body(("plain",)).get_content(),
                        "attachments": {a.get_filename(): a.get_content() for a in parsed.iter_attachments()}}
            else:
                item = {"to": list(message.destinations.get("ToAddresses", [])), "subject": message.subject,
                        "text": message.body, "attachments": {}}
            if to is None or to in item["to"]:
                found.append(item)
        return found

    def telegram(self) -> list[dict[str, Any]]:
        return [m for m in self.chats.messages if m["channel"] == "telegram"]

    def slack(self) -> list[dict[str, Any]]:
        return [m for m in self.chats.messages if m["channel"] == "slack"]


@pytest.fixture
def outside(stack: Platform) -> Iterator[Outside]:  # noqa: F811
    from tessera.notify import channels
    from tessera.notify.mail import SesMailer

    chats = FakeChats(lambda: NOW)
    channels.use_channels({
        "email": channels.EmailChannel(SesMailer(BASE_ENV["SES_SENDER"])),
        "telegram": channels.TelegramChannel(InProcessHttp(chats, "/_local/telegram/"),
                                             api_base="https://api.telegram.org"),
        "slack": channels.SlackChannel(InProcessHttp(chats, "/_local/slack/"), webhook_base=""),
    })
    yield Outside(chats)
    channels.use_channels(None)


def run_scan() -> dict[str, int]:
    """The daily schedule's invocation of the scanner function."""
    event = {"version": "0", "detail-type": "Scheduled Event", "source": "aws.events", "detail": {}}
    return dict(handler_of("NotifyExpiryScanFunction")(event, LambdaContext()))


def drain_notify() -> dict[str, Any]:
    """What the SQS event source does for the notify queue."""
    import os

    import boto3

    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=os.environ["NOTIFY_QUEUE_URL"], MaxNumberOfMessages=10,
                                   MessageSystemAttributeNames=["All"]).get("Messages", [])
    records = [{"messageId": m["MessageId"], "body": m["Body"], "attributes": m.get("Attributes", {})}
               for m in messages]
    answer = handler_of("NotifyWorkerFunction")({"Records": records}, LambdaContext()) if records else {}
    for m in messages:
        sqs.delete_message(QueueUrl=os.environ["NOTIFY_QUEUE_URL"], ReceiptHandle=m["ReceiptHandle"])
    return {"count": len(records), "bodies": [json.loads(r["body"]) for r in records], **answer}


@pytest.fixture
def world(stack: Platform, outside: Outside) -> dict[str, Any]:  # noqa: F811
    """A customer (owner anna@romashka.ru) with a license ending 2026-04-30, and the admin console."""
    with_clock = _frozen(NOW)
    with with_clock:
        console = admin(stack)
        owner, me = customer(stack, "anna@romashka.ru")
        org_id = me["current"]["org_id"]
        issued = console.post("/api/console/licenses", {
            "org_id": org_id, "plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2026-04-30",
            "grace_days": 14, "domain": "budget.romashka.ru"})
        assert issued.status == 201, issued.body
    return {"console": console, "owner": owner, "org_id": org_id, "license": issued.body,
            "license_id": issued.body["license"]["id"]}


def as_staff(role: str = "admin", user_id: str = "usr_01JTESTSTAFF000000000000000") -> Client:
    """A console caller past the authorizer (its answer given), for calls at any platform time."""
    from tessera.identity.principal import Principal

    caller = Client()
    caller.as_principal = Principal(user_id=user_id, session_id="ses_test", audience="console", kind="staff",
                                    roles=frozenset({role}), mfa=True, display=f"{role} <test>").to_context()
    return caller


def as_customer(org_id: str, role: str = "owner", user_id: str = "usr_01JTESTCUSTOMER00000000000") -> Client:
    from tessera.identity.principal import Principal

    caller = Client()
    caller.as_principal = Principal(user_id=user_id, session_id="ses_test", audience="app", kind="customer",
                                    roles=frozenset({role}), org_id=org_id, mfa=False).to_context()
    return caller


def _frozen(moment: datetime) -> Any:
    from tessera.core import clock

    return clock.frozen(moment)


def at(day: str, hour: int = 7) -> Any:
    """The platform clock at a UTC hour of a day (7 = 10:00 Moscow)."""
    return _frozen(datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC))


def days_after(moment: datetime, days: int) -> datetime:
    return moment + timedelta(days=days)


__all__ = ["NOW", "TOKEN", "WEBHOOK", "Client", "Outside", "as_customer", "as_staff", "at", "drain_notify",
           "run_scan"]
