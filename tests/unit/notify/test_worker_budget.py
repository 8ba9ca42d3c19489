"""The heartbeat worker's budget with limit alerts: one write per installation per batch, no other call on
the normal path; violations leave in one SendMessageBatch; a replay (older seq) alerts nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tessera.licensing import heartbeats

LIC = "lic_01JTEST0000000000000000000"


def message(n: int, ins: str, seq: int, violations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"report": {"lic": LIC, "ins": ins, "seq": seq, "sent_at": 1_770_000_000,
                                       "software_version": "4.2.0", "usage": {"users": 10}},
                            "received_at": "2026-03-01T22:30:00+00:00", "ip": "203.0.113.9"}
    if violations:
        body["violations"] = violations
    return {"messageId": f"m-{n}", "body": json.dumps(body)}


OVER = [{"limit": "users", "used": 230, "value": 200, "mode": "soft", "allowed_up_to": 220, "over": True,
         "threshold": 100}]


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def send_message_batch(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("send_message_batch", kwargs))
        return {"Successful": []}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    writes: list[tuple[str, int]] = []
    sqs = Recorder()
    newest_recorded: dict[str, int] = {}

    def record(report: Any, received_at: Any, ip: Any, *more: Any) -> bool:
        writes.append((report.ins, report.seq))
        if report.seq <= newest_recorded.get(report.ins, 0):
            return False  # the conditional update refused an older report
        newest_recorded[report.ins] = report.seq
        return True

    monkeypatch.setattr(heartbeats.repository, "record_heartbeat", record)
    monkeypatch.setattr(heartbeats, "sqs", sqs)
    monkeypatch.setenv("NOTIFY_QUEUE_URL", "https://sqs.example/notify")
    return {"writes": writes, "sqs": sqs, "recorded": newest_recorded}


def test_normal_path_one_write_per_installation_and_nothing_else(calls: dict[str, Any]) -> None:
    a, b = "ins_" + "A" * 26, "ins_" + "B" * 26
    failed = heartbeats.apply_batch([message(1, a, 1), message(2, a, 2), message(3, b, 1), message(4, a, 3)])
    assert failed == []
    assert sorted(calls["writes"]) == [(a, 3), (b, 1)]  # coalesced: one write each
    assert calls["sqs"].calls == []


def test_violations_leave_in_one_batch_with_the_moscow_day(calls: dict[str, Any]) -> None:
    a, b = "ins_" + "A" * 26, "ins_" + "B" * 26
    heartbeats.apply_batch([message(1, a, 1, OVER), message(2, b, 1, OVER), message(3, "ins_" + "C" * 26, 1)])
    assert len(calls["writes"]) == 3
    [(kind, args)] = calls["sqs"].calls
    bodies = [json.loads(e["MessageBody"]) for e in args["Entries"]]
    assert kind == "send_message_batch" and args["QueueUrl"] == "https://sqs.example/notify"
    assert [(x["installation_id"], x["day"]) for x in bodies] == [(a, "2026-03-02"), (b, "2026-03-02")]
    assert bodies[0]["violations"] == OVER and bodies[0]["kind"] == "limit"


def test_a_replayed_report_alerts_nothing(calls: dict[str, Any]) -> None:
    a = "ins_" + "A" * 26
    calls["recorded"][a] = 7
    heartbeats.apply_batch([message(1, a, 5, OVER)])
    assert calls["writes"] == [(a, 5)] and calls["sqs"].calls == []


def test_a_queue_outage_does_not_fail_the_heartbeats(calls: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    class Down:
        def send_message_batch(self, **kwargs: Any) -> None:
            raise ConnectionError("sqs unreachable")

    monkeypatch.setattr(heartbeats, "sqs", Down())
    assert heartbeats.apply_batch([message(1, "ins_" + "A" * 26, 1, OVER)]) == []
