"""Staff notices of releases and deploy outcomes reach the notices topic; a topic that refuses never fails
the change they tell of."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tessera.core.settings import get_settings
from tessera.deploys import notices


@pytest.fixture
def topic(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mock_aws():
        sns, sqs = boto3.client("sns", region_name="eu-central-1"), boto3.client("sqs", region_name="eu-central-1")
        arn = sns.create_topic(Name="notices")["TopicArn"]
        queue = sqs.create_queue(QueueName="staff")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)
        monkeypatch.setenv("STAFF_NOTICES_TOPIC_ARN", arn)
        monkeypatch.setenv("WEB_BASE_URL", "https://portal.example.ru")
        monkeypatch.setattr(notices, "sns", sns)
        get_settings.cache_clear()

        def received() -> list[dict[str, Any]]:
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
            return [json.loads(m["Body"]) for m in messages]

        yield received
    get_settings.cache_clear()


def test_a_new_release_is_told_with_its_changelog_and_link(topic: Any) -> None:
    assert notices.release_registered("4.3.0", "stable", "0123456789abcdef", "Отчёты быстрее\n\nНовый модуль")
    [message] = topic()
    assert message["Subject"] == "Новый релиз IT Budget Manager 4.3.0 (stable)"
    assert message["Message"].splitlines() == [
        "Версия 4.3.0, канал stable, коммит 0123456789ab", "", "Отчёты быстрее", "Новый модуль", "",
        "https://portal.example.ru/console/deploys/releases"]


def test_a_rolled_back_deploy_names_the_version_it_returned_to_and_why(topic: Any) -> None:
    assert notices.run_finished("dep_1", "rolled_back", "4.3.0", "4.2.0", "ins_1", "deploy",
                                "States.Timeout: no heartbeat with 4.3.0")
    [message] = topic()
    assert message["Subject"] == "↩️ Развёртывание 4.3.0 откатено к 4.2.0"
    assert "Причина: States.Timeout: no heartbeat with 4.3.0" in message["Message"]
    assert message["Message"].endswith("https://portal.example.ru/console/deploys/runs/dep_1")


def test_a_notice_that_cannot_be_sent_is_counted_not_raised(topic: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_NOTICES_TOPIC_ARN", "arn:aws:sns:eu-central-1:123456789012:gone")
    get_settings.cache_clear()
    assert notices.run_finished("dep_1", "failed", "4.3.0", None, "ins_1", "deploy", None) is False
    assert topic() == []
