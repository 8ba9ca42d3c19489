"""X-Ray subsegments without the SDK: what goes to the daemon, under which parent, and when nothing does.
(AWS calls go through boto3 now and are not traced here.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tessera.core import tracing
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


def test_a_handler_nests_under_the_invocation(sent: list[dict[str, Any]]) -> None:
    @lambda_entry()
    def handler(event: dict[str, Any], context: Any) -> str:
        return "ok"

    assert handler({}, LambdaContext()) == "ok"
    [outer] = sent
    assert outer["name"] == "## handler" and outer["parent_id"] == "53995c3f42cd8ad8"
    assert outer["trace_id"] == "1-5759e988-bd862e3fe1be46a994272793" and outer["type"] == "subsegment"
    assert outer["annotations"]["Service"] and isinstance(outer["annotations"]["ColdStart"], bool)
    assert "fault" not in outer


def test_a_crash_is_a_fault_named_by_type_only(sent: list[dict[str, Any]]) -> None:
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
