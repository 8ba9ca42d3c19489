"""AlarmSlackFunction in-process on moto: the webhook comes from the secret on every batch, the message
reaches the Slack fake through notify's real Slack adapter, and a post that fails fails the invocation
(so Lambda retries it, then dead-letters it)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from tessera.notify.channels import DeliveryError
from tests.integration.notify.conftest import WEBHOOK, Outside
from tests.integration.stack import LambdaContext, Platform, handler_of

ALARM = {"AlarmName": "tessera-test-AuthFunction-errors", "NewStateValue": "ALARM", "OldStateValue": "OK",
         "NewStateReason": "Threshold Crossed: 1 datapoint [2.0] was greater than the threshold (0.0).",
         "StateChangeTime": "2026-03-02T07:15:00.000+0000",
         "AlarmArn": "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:tessera-test-AuthFunction-errors"}


def sns_event(message: dict[str, Any]) -> dict[str, Any]:
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "Sns": {
        "Type": "Notification", "Subject": 'ALARM: "tessera-test-AuthFunction-errors" in EU (Frankfurt)',
        "Message": json.dumps(message), "TopicArn": "arn:aws:sns:eu-central-1:123456789012:alarms"}}]}


@pytest.fixture
def webhook_secret(stack: Platform, monkeypatch: pytest.MonkeyPatch) -> str:
    arn = boto3.client("secretsmanager").create_secret(Name="alarm-slack", SecretString='{"webhook_url": ""}')["ARN"]
    monkeypatch.setenv("ALARM_SLACK_SECRET_ARN", arn)
    return str(arn)


def set_webhook(arn: str, value: str) -> None:
    boto3.client("secretsmanager").put_secret_value(SecretId=arn, SecretString=value)


def test_an_alarm_reaches_the_staff_channel_through_the_webhook_in_the_secret(webhook_secret: str,
                                                                               outside: Outside) -> None:
    relay = handler_of("AlarmSlackFunction")
    relay(sns_event(ALARM), LambdaContext())
    assert outside.slack() == []  # no webhook yet: e-mail is the only way, nothing fails

    set_webhook(webhook_secret, json.dumps({"webhook_url": WEBHOOK}))  # after deploy, without a redeploy
    relay(sns_event(ALARM), LambdaContext())
    (message,) = outside.slack()
    assert message["to"] == "T0TEST000/B0TEST000"
    assert message["text"].startswith("🔴 ALARM: tessera-test-AuthFunction-errors\nWhy: Threshold Crossed")

    set_webhook(webhook_secret, WEBHOOK)  # the bare URL, as people paste it
    relay(sns_event({**ALARM, "NewStateValue": "OK", "OldStateValue": "ALARM"}), LambdaContext())
    assert outside.slack()[-1]["text"].startswith("✅ OK: tessera-test-AuthFunction-errors")


def test_a_post_slack_refuses_fails_the_invocation(webhook_secret: str, outside: Outside) -> None:
    set_webhook(webhook_secret, json.dumps({"webhook_url": WEBHOOK.rsplit("/", 1)[0] + "/revoked"}))
    with pytest.raises(DeliveryError, match="Slack answered 403: invalid_token"):
        handler_of("AlarmSlackFunction")(sns_event(ALARM), LambdaContext())
    assert outside.slack() == []
