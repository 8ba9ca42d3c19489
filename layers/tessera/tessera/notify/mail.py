"""The mail port, its SES adapter (SendEmail; SendRawEmail when there are attachments) and an in-memory
fake, and the template renderer."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tessera.core import aws

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

TEMPLATES = Path(__file__).parent / "templates"
ses = aws.client("ses")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    html: str
    text: str
    tags: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


class Mailer(Protocol):
    def send(self, email: Email) -> str: ...


class SesMailer:
    def __init__(self, sender: str, configuration_set: str | None = None, client: SESClient | None = None) -> None:
        self.sender = sender
        self.configuration_set = configuration_set
        self._client = client or ses

    def send(self, email: Email) -> str:
        if email.attachments:
            return self._send_raw(email)
        args: dict[str, Any] = {
            "Source": self.sender, "Destination": {"ToAddresses": [email.to]},
            "Message": {"Subject": {"Data": email.subject, "Charset": "UTF-8"},
                        "Body": {"Html": {"Data": email.html, "Charset": "UTF-8"},
                                 "Text": {"Data": email.text, "Charset": "UTF-8"}}},
            "Tags": [{"Name": k, "Value": v} for k, v in email.tags.items()],
        }
        if self.configuration_set:
            args["ConfigurationSetName"] = self.configuration_set
        return str(self._client.send_email(**args)["MessageId"])

    def _send_raw(self, email: Email) -> str:
        """SendRawEmail: a MIME message with the text and HTML bodies and the attachments."""
        message = EmailMessage()
        message["Subject"] = email.subject
        message["From"] = self.sender
        message["To"] = email.to
        message.set_content(email.text)
        message.add_alternative(email.html, subtype="html")
        for attachment in email.attachments:
            main, _, sub = attachment.content_type.partition("/")
            message.add_attachment(attachment.content, maintype=main, subtype=sub or "octet-stream",
                                   filename=attachment.filename)
        args: dict[str, Any] = {"Source": self.sender, "Destinations": [email.to],
                                "RawMessage": {"Data": message.as_bytes()},
                                "Tags": [{"Name": k, "Value": v} for k, v in email.tags.items()]}
        if self.configuration_set:
            args["ConfigurationSetName"] = self.configuration_set
        return str(self._client.send_raw_email(**args)["MessageId"])


class MemoryMailer:
    def __init__(self) -> None:
        self.sent: list[Email] = []

    def send(self, email: Email) -> str:
        self.sent.append(email)
        return f"memory-{len(self.sent)}"


@cache
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape  # only when mail is sent

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(template: str, language: str, **context: Any) -> tuple[str, str, str]:
    """(subject, html, text) of `templates/<template>.<language>.j2`, whose blocks are subject, body, text."""
    compiled = _environment().get_template(f"{template}.{language if language in ('ru', 'en') else 'ru'}.j2")
    blocks = compiled.blocks
    ctx = compiled.new_context(context)
    subject = "".join(blocks["subject"](ctx)).strip()
    html = _environment().get_template("layout.html.j2").render(body="".join(blocks["body"](ctx)), subject=subject)
    text = "".join(blocks["text"](ctx)).strip()
    return subject, html, text


_mailer: Mailer | None = None


def mailer() -> Mailer:
    """The process's mailer: SES with the sender from SES_SENDER, or the one a test installed."""
    global _mailer
    if _mailer is None:
        _mailer = SesMailer(os.environ.get("SES_SENDER", "no-reply@tessera.local"),
                            os.environ.get("SES_CONFIGURATION_SET") or None)
    return _mailer


def use_mailer(replacement: Mailer | None) -> None:
    global _mailer
    _mailer = replacement


def send_template(to: str, template: str, language: str, **context: Any) -> str:
    subject, html, text = render(template, language, **context)
    return mailer().send(Email(to=to, subject=subject, html=html, text=text, tags={"template": template}))
