"""Alarms to the staff's Slack channel. CloudWatch publishes every alarm's state change, and EventBridge
every failed backup job, to the stack's AlarmTopic; each message becomes one chat message (what, its new
state, why, when and a console link) posted through notify's Slack adapter to the incoming webhook kept
in Secrets Manager. The topic also e-mails staff directly, so Slack is the second way, not the only one."""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from tessera.core import aws
from tessera.core.observability import logger
from tessera.notify.channels import Outgoing, Target, channels

STATE_MARKS = {"ALARM": "🔴", "OK": "✅", "INSUFFICIENT_DATA": "⚪"}
BACKUP_MARKS = {"FAILED": "🔴", "ABORTED": "🔴", "EXPIRED": "🟠"}
MOSCOW = ZoneInfo("Europe/Moscow")
MAX_OTHER_TEXT = 1500
secretsmanager = aws.client("secretsmanager")


def chat_text(sns: dict[str, Any]) -> str:
    """The chat message for one SNS notification (the `Sns` part of a Lambda SNS record)."""
    raw = str(sns.get("Message") or "")
    try:
        message = json.loads(raw)
    except ValueError:
        message = None
    if isinstance(message, dict) and "AlarmName" in message:
        return _alarm_text(message)
    if isinstance(message, dict) and message.get("source") == "aws.backup":
        return _backup_text(message)
    subject = str(sns.get("Subject") or "AWS notice")
    body = raw if len(raw) <= MAX_OTHER_TEXT else raw[:MAX_OTHER_TEXT - 1] + "…"
    return f"📣 {subject}\n{body}"


def _alarm_text(alarm: dict[str, Any]) -> str:
    name = str(alarm["AlarmName"])
    state = str(alarm.get("NewStateValue") or "?")
    region = _region(alarm.get("AlarmArn"))
    lines = [f"{STATE_MARKS.get(state, '•')} {state}: {name}"]
    if alarm.get("AlarmDescription"):
        lines.append(str(alarm["AlarmDescription"]))
    if alarm.get("NewStateReason"):
        lines.append(f"Why: {alarm['NewStateReason']}")
    lines.append(f"Was {alarm.get('OldStateValue') or '?'}; changed {_when(alarm.get('StateChangeTime'))}")
    lines.append(f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
                 f"#alarmsV2:alarm/{quote(name, safe='')}")
    return "\n".join(lines)


def _backup_text(event: dict[str, Any]) -> str:
    detail = event.get("detail") or {}
    state = str(detail.get("state") or "?")
    region = str(event.get("region") or os.environ.get("AWS_REGION", "eu-central-1"))
    lines = [f"{BACKUP_MARKS.get(state, '•')} Backup job {state}: {detail.get('resourceArn') or '?'}"]
    if detail.get("statusMessage"):
        lines.append(f"Why: {detail['statusMessage']}")
    lines.append(f"Vault {detail.get('backupVaultName') or '?'}; at {_when(event.get('time'))}")
    if detail.get("backupJobId"):
        lines.append(f"https://{region}.console.aws.amazon.com/backup/home?region={region}"
                     f"#/jobs/backup/details/{quote(str(detail['backupJobId']), safe='')}")
    return "\n".join(lines)


def _region(arn: Any) -> str:
    parts = str(arn or "").split(":")
    return parts[3] if len(parts) > 3 and parts[3] else os.environ.get("AWS_REGION", "eu-central-1")


def _when(value: Any) -> str:
    """CloudWatch writes 2026-03-02T07:15:00.123+0000, EventBridge 2026-03-02T07:15:00Z; staff read Moscow time."""
    text = str(value or "")
    for pattern in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            moment = datetime.strptime(text.replace("Z", "+0000"), pattern)
        except ValueError:
            continue
        return f"{moment.astimezone(MOSCOW):%Y-%m-%d %H:%M} Moscow"
    return text or "at an unknown time"


def webhook_url() -> str:
    """Read for every alarm: alarms are rare, and a webhook set after deploy then works at once."""
    value = str(secretsmanager.get_secret_value(SecretId=os.environ["ALARM_SLACK_SECRET_ARN"])["SecretString"]).strip()
    if value.startswith("https://"):  # someone stored the bare URL
        return value
    try:
        document = json.loads(value or "{}")
    except ValueError:
        document = {}
    return str(document.get("webhook_url") or "").strip() if isinstance(document, dict) else ""


def send_to_slack(records: list[dict[str, Any]]) -> None:
    """Post each SNS record. A failed post raises (DeliveryError), so Lambda retries the event and, after
    that, leaves it in the function's dead-letter queue (itself alarmed)."""
    url = webhook_url()
    if not url:
        logger.warning("alarm not sent to Slack: AlarmSlackWebhookSecret has no webhook_url", extra={
            "notifications": len(records)})
        return
    slack = channels()["slack"]
    for record in records:
        sns = record.get("Sns") or {}
        text = chat_text(sns)
        slack.send(Outgoing(subject=str(sns.get("Subject") or ""), html="", text=text, chat_text=text,
                            template="ops.alarm"), Target("slack", url))
        logger.info("alarm sent to Slack", extra={"first_line": text.split("\n", 1)[0]})
