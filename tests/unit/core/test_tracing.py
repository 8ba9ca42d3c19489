"""X-Ray subsegments without the SDK: what goes to the daemon, under which parent, and when nothing does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tessera.core import aws, tracing
from tessera.core.observability import lambda_entry
from tests.unit.conftest import LambdaContext

TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    documents: list[dict[str, Any]] = []
    monkeypatch.setattr(tracing, "send", documents.append)
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED", raising=False)
    monkeypatch.setenv("_X_AMZN_TRACE_ID", TRACE)
    yield documents


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dict[str, Any]]]:
    queue: list[tuple[int, dict[str, Any]]] = []
    monkeypatch.setattr(aws, "transport", lambda method, url, headers, body: (
        queue[0][0], json.dumps(queue.pop(0)[1]).encode()))
    monkeypatch.setattr(aws, "_pause", lambda attempt: None)
    return queue


def test_a_handler_and_its_aws_calls_nest_under_the_invocation(sent: list[dict[str, Any]],
                                                               answers: list[tuple[int, dict[str, Any]]]) -> None:
    @lambda_entry()
    def handler(event: dict[str, Any], context: Any) -> str:
        aws.client("dynamodb").get_item(TableName="tessera-licensing", Key={})
        return "ok"

    answers.append((200, {}))
    assert handler({}, LambdaContext()) == "ok"
    call, outer = sent
    assert outer["name"] == "## handler" and outer["parent_id"] == "53995c3f42cd8ad8"
    assert outer["trace_id"] == "1-5759e988-bd862e3fe1be46a994272793" and outer["type"] == "subsegment"
    assert outer["annotations"]["Service"] and isinstance(outer["annotations"]["ColdStart"], bool)
    assert call["parent_id"] == outer["id"] and call["namespace"] == "aws" and call["name"] == "DynamoDB"
    assert call["aws"] == {"operation": "GetItem", "region": "eu-central-1", "table_name": "tessera-licensing"}
    assert call["http"] == {"response": {"status": 200}}
    assert outer["start_time"] <= call["start_time"] <= call["end_time"] <= outer["end_time"]
    assert "fault" not in outer and "error" not in call


def test_a_refused_call_is_an_error_and_a_crash_a_fault_named_by_type_only(
        sent: list[dict[str, Any]], answers: list[tuple[int, dict[str, Any]]]) -> None:
    answers.append((400, {"__type": "ConditionalCheckFailedException", "message": "The conditional request failed"}))
    with pytest.raises(aws.AwsError):
        aws.client("dynamodb").put_item(TableName="t", Item={})
    assert sent[-1]["error"] is True and "fault" not in sent[-1] and sent[-1]["http"]["response"]["status"] == 400
    answers += [(500, {})] * 3
    with pytest.raises(aws.AwsError):
        aws.client("sqs").send_message(QueueUrl="https://sqs/q", MessageBody="{}")
    assert sent[-1]["fault"] is True and sent[-1]["aws"]["queue_url"] == "https://sqs/q"

    @lambda_entry()
    def crashing(event: dict[str, Any], context: Any) -> None:
        raise ValueError("ivan@example.ru is not a customer")

    with pytest.raises(ValueError):
        crashing({}, LambdaContext())
    assert sent[-1]["fault"] is True
    assert sent[-1]["cause"]["exceptions"][0]["type"] == "ValueError"
    assert "ivan@" not in json.dumps(sent[-1])  # messages may hold personal data: never sent


@pytest.mark.parametrize("trace, disabled", [(TRACE.replace("Sampled=1", "Sampled=0"), None), (None, None),
                                             (TRACE, "true")])
def test_nothing_is_sent_outside_a_sampled_invocation(trace: str | None, disabled: str | None,
                                                      sent: list[dict[str, Any]],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    if trace is None:
        monkeypatch.delenv("_X_AMZN_TRACE_ID")
    else:
        monkeypatch.setenv("_X_AMZN_TRACE_ID", trace)
    if disabled:
        monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", disabled)
    with tracing.subsegment("work") as segment:
        segment.annotations["x"] = 1
    assert sent == []


def test_the_daemon_address_as_lambda_gives_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129:2000")
    assert tracing.daemon_address() == ("169.254.79.129", 2000)
    monkeypatch.setenv("AWS_XRAY_DAEMON_ADDRESS", "tcp:127.0.0.1:2000 udp:127.0.0.2:2001")
    assert tracing.daemon_address() == ("127.0.0.2", 2001)
