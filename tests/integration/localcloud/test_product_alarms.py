"""The product's template on the local cloud, configured as `make run` configures it: a notification
published to AlarmTopic, and an alarm set to ALARM and back, reach the Slack fake (/_local/chats)
through AlarmSlackFunction and notify's real Slack adapter."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from localcloud.cloud import CloudConfig, LocalCloud
from localcloud.template import REGION, local_parameters

from .conftest import wait_until

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    with socket.socket() as probe:  # the gateway's address goes into the parameters (the Slack fake's URL)
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    cloud = LocalCloud(CloudConfig(
        template=ROOT / "template.yaml", root=ROOT, port=port, aws_port=0,
        state_dir=tmp_path_factory.mktemp("product-state"), log=lambda line: None,
        parameter_overrides=local_parameters(ROOT, f"http://127.0.0.1:{port}")))
    try:
        yield cloud.start()
    finally:
        cloud.stop()


def slack(cloud: LocalCloud, needle: str) -> list[dict[str, Any]]:
    return [m for m in cloud.pages.chats.messages if m["channel"] == "slack" and needle in m["text"]]


def client(cloud: LocalCloud, service: str) -> Any:
    return boto3.client(service, endpoint_url=cloud.endpoint_url, region_name=REGION)


def test_a_message_published_to_the_alarm_topic_reaches_the_slack_fake(product: LocalCloud) -> None:
    assert product.template is not None
    note = f"Maintenance tonight {uuid.uuid4().hex[:6]}"
    client(product, "sns").publish(TopicArn=product.template.names.get("AlarmTopic").ref,  # type: ignore[union-attr]
                                   Subject="Ops notice", Message=note)
    (message,) = wait_until(lambda: slack(product, note), timeout=20, what="the Slack message")
    assert message["text"] == f"📣 Ops notice\n{note}"
    assert message["to"] == "TLOCALOPS/BALARMS"  # the webhook of infra/local/parameters.json, in the secret


def test_an_alarm_and_its_recovery_reach_the_slack_fake(product: LocalCloud) -> None:
    cloudwatch = client(product, "cloudwatch")
    name = "tessera-local-LicenseHeartbeatFunction-errors"
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="Threshold Crossed: 1 datapoint [3.0]")
    (alarm,) = wait_until(lambda: slack(product, f"ALARM: {name}"), timeout=20, what="the alarm in Slack")
    assert "Why: Threshold Crossed: 1 datapoint [3.0]" in alarm["text"]
    assert f"#alarmsV2:alarm/{name}" in alarm["text"]

    cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="no errors")
    (recovered,) = wait_until(lambda: slack(product, f"✅ OK: {name}"), timeout=20, what="the recovery in Slack")
    assert "Was ALARM" in recovered["text"]
