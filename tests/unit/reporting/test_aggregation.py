"""The read model's arithmetic (the dashboard from day counters) and the stream's idempotency: a stage
counts once per lead, whatever is redelivered, on the lead's Moscow creation day."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeSerializer
from moto import mock_aws

from tessera.reporting.records import DayCounterRecord

T0 = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)  # 00:30 on 2 March in Moscow


def _row(day: str, channel: str, **counts: int) -> DayCounterRecord:
    return DayCounterRecord(pk="WS#ws", sk=f"DAY#{day}#{channel}", day=day, channel=channel, **counts)


def test_the_dashboard_sums_days_and_channels_into_totals_funnel_and_a_gapless_series() -> None:
    from tessera.reporting.service import summarize

    rows = [_row("2026-03-01", "widget", leads=10, contacted=6, booked=3, lost=1, first_contact_seconds=600,
                 first_contact_count=4),
            _row("2026-03-01", "telegram", leads=5, contacted=5, booked=1, first_contact_seconds=300,
                 first_contact_count=2),
            _row("2026-03-03", "widget", leads=5, contacted=1)]
    board = summarize("ws", rows, date(2026, 3, 1), date(2026, 3, 4))
    assert board.totals.model_dump() == {"leads": 20, "contacted": 12, "booked": 4, "lost": 1, "conversion": 0.2,
                                         "contact_rate": 0.6, "avg_first_contact_seconds": 150}
    assert [(c.channel, c.leads, c.conversion) for c in board.by_channel] == [("widget", 15, 0.2),
                                                                             ("telegram", 5, 0.2)]
    assert [(s.stage, s.count, s.rate_from_previous, s.rate_from_start) for s in board.funnel] == [
        ("lead", 20, 1.0, 1.0), ("contacted", 12, 0.6, 0.6), ("booked", 4, 0.3333, 0.2)]
    assert [(d.date.day, d.leads) for d in board.daily] == [(1, 15), (2, 0), (3, 5), (4, 0)]


def test_an_empty_range_has_zero_rates_and_no_average() -> None:
    from tessera.reporting.service import summarize

    board = summarize("ws", [], date(2026, 3, 1), date(2026, 3, 1))
    assert board.totals.conversion == 0.0 and board.totals.avg_first_contact_seconds is None
    assert [s.count for s in board.funnel] == [0, 0, 0] and board.by_channel == []


@pytest.fixture
def table() -> Iterator[None]:
    from tests.integration.stack import RESOURCES

    with mock_aws():
        props = RESOURCES["ReportingTable"]["Properties"]
        boto3.client("dynamodb").create_table(TableName="reporting", BillingMode="PAY_PER_REQUEST",
                                              KeySchema=props["KeySchema"],
                                              AttributeDefinitions=props["AttributeDefinitions"])
        os.environ["REPORTING_TABLE"] = "reporting"
        from tessera.core.dynamo import rebind_from_env

        rebind_from_env()
        yield


def _record(event: str, status: str, updated: datetime, channel: str = "widget") -> dict[str, Any]:
    stamp = "%Y-%m-%dT%H:%M:%S.%f%z"
    image = {"pk": "WS#ws", "sk": "LEAD#lead_1", "lead_id": "lead_1", "workspace_id": "ws", "org_id": "org",
             "channel": channel, "status": status, "created_at": T0.strftime(stamp),
             "updated_at": updated.strftime(stamp)}
    serializer = TypeSerializer()
    return {"eventName": event, "dynamodb": {"SequenceNumber": updated.isoformat(),
                                             "NewImage": {k: serializer.serialize(v) for k, v in image.items()}}}


def _day(day: str = "2026-03-02") -> DayCounterRecord:
    return DayCounterRecord.get("WS#ws", f"DAY#{day}#widget")


def test_each_stage_counts_once_on_the_moscow_creation_day(table: None) -> None:
    from tessera.reporting.aggregation import apply, on_stream

    batch = [_record("INSERT", "new", T0), _record("MODIFY", "contacted", T0 + timedelta(minutes=15)),
             _record("MODIFY", "lost", T0 + timedelta(days=2)), _record("MODIFY", "contacted", T0 + timedelta(days=3))]
    assert on_stream(batch) is None
    assert on_stream(batch) is None  # redelivered: nothing counts twice
    assert [apply(r) for r in batch] == [0, 0, 0, 0]
    day = _day()
    assert (day.leads, day.contacted, day.lost, day.booked) == (1, 1, 1, 0)
    assert (day.first_contact_seconds, day.first_contact_count) == (900, 1)  # the first contact only


def test_a_booking_straight_from_new_also_counts_the_contact_but_no_response_time(table: None) -> None:
    from tessera.reporting.aggregation import apply

    # the INSERT was never seen (e.g. filtered out in a gap): the MODIFY counts the lead itself
    assert apply(_record("MODIFY", "booked", T0 + timedelta(hours=1))) == 3
    day = _day()
    assert (day.leads, day.contacted, day.booked, day.first_contact_count) == (1, 1, 1, 0)


def test_other_items_and_removals_are_ignored(table: None) -> None:
    from tessera.reporting.aggregation import apply

    record = _record("INSERT", "new", T0)
    record["dynamodb"]["NewImage"]["sk"] = {"S": "LEADEV#lead_1#ev_1"}
    assert apply(record) == 0
    assert apply({"eventName": "REMOVE", "dynamodb": {}}) == 0


def test_the_chunk_reader_gives_back_the_bytes_in_any_read_size() -> None:
    from tessera.reporting.exports import ChunkReader, csv_chunks

    chunks = list(csv_chunks(("a", "b"), [[("1", "=2")], [], [("x", 3)]]))
    whole = b"".join(chunks)
    assert whole == "\ufeffa,b\r\n1,'=2\r\nx,3\r\n".encode()
    reader = io.BufferedReader(ChunkReader(iter(chunks)), buffer_size=4)
    assert b"".join(iter(lambda: reader.read(3), b"")) == whole


def test_alerts_are_due_by_the_owners_thresholds() -> None:
    from tessera.reporting.digest import alerts_due
    from tessera.reporting.models import AlertSettings
    from tessera.reporting.service import summarize

    week = summarize("ws", [_row("2026-03-02", "widget", leads=10, booked=1)], date(2026, 3, 2), date(2026, 3, 8))
    both = AlertSettings(no_leads_days=3, min_conversion_percent=20)
    assert alerts_due(both, T0, week, date(2026, 3, 5)) == ["no_leads", "low_conversion"]  # 3 Moscow days
    assert alerts_due(both, T0, week, date(2026, 3, 4)) == ["low_conversion"]
    assert alerts_due(both, None, week, date(2026, 3, 30)) == ["low_conversion"]  # never a lead: nothing to miss
    assert alerts_due(AlertSettings(min_conversion_percent=10), T0, week, date(2026, 3, 9)) == []  # 10 % is not below
    few = summarize("ws", [_row("2026-03-02", "widget", leads=4)], date(2026, 3, 2), date(2026, 3, 8))
    assert alerts_due(both, T0 + timedelta(days=5), few, date(2026, 3, 9)) == []  # 4 leads: too few to judge
    assert alerts_due(AlertSettings(), T0, week, date(2026, 4, 1)) == []
