"""The workspaces table's stream → the analytics read model (ReportingAggregatorFunction).

A lead's INSERT counts it on its creation day; a MODIFY into contacted, booked or lost counts that stage
on the same (creation) day, once per lead whatever the stream redelivers or the status does later
(lost → contacted again is not a second contact). A booking straight from a new lead (a calendar link)
also counts the lead as contacted, so the funnel lead → contacted → booked never widens; only an
operator's contact measures the time to first contact. Days are Moscow calendar days.

The same records keep the leads' rows for exports (tessera.reporting.lead_rows); a workspace's INSERT
marks its rows complete, and an export's marker tells its job that the rows are up to date with every
lead change made before it was asked for."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from boto3.dynamodb.types import TypeDeserializer
from pynamodb.attributes import UTCDateTimeAttribute

from tessera.core import clock
from tessera.core.observability import logger
from tessera.reporting import lead_rows, repository

MOSCOW = ZoneInfo("Europe/Moscow")
_deserializer = TypeDeserializer()
_moment = UTCDateTimeAttribute()


def local_day(moment: datetime) -> date:
    return moment.astimezone(MOSCOW).date()


def _image(record: dict[str, Any]) -> dict[str, Any]:
    raw = record["dynamodb"].get("NewImage") or {}
    return {name: _deserializer.deserialize(value) for name, value in raw.items()}


def apply(record: dict[str, Any]) -> int:
    """One stream record into the read models; how many stages it counted (0 for a repeat)."""
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        return 0
    item = _image(record)
    pk, sk = str(item.get("pk", "")), str(item.get("sk", ""))
    if sk.startswith("LEAD#"):
        counted = _count(item)
        lead_rows.merge(item["workspace_id"], dict([lead_rows.row_of(item)]))
        return counted
    if record["eventName"] == "INSERT" and sk.startswith("EXPORTREQ#"):
        repository.export_rows_ready(item["workspace_id"], item["export_id"], clock.now())
    elif record["eventName"] == "INSERT" and pk.startswith("ORG#") and sk.startswith("WS#"):
        repository.mark_rows_complete(item["workspace_id"], _moment.deserialize(item["created_at"]), "stream")
    return 0


def _count(lead: dict[str, Any]) -> int:
    created = _moment.deserialize(lead["created_at"])
    updated = _moment.deserialize(lead["updated_at"])
    where = {"workspace_id": lead["workspace_id"], "lead_id": lead["lead_id"], "day": local_day(created),
             "channel": lead["channel"]}
    counted = int(repository.count_stage(stage="lead", at=created, **where))
    repository.saw_lead(lead["workspace_id"], lead["org_id"], created)  # idempotent: newest only
    status = lead.get("status")
    if status == "contacted":
        seconds = max(0, int((updated - created).total_seconds()))
        counted += repository.count_stage(stage="contacted", at=updated, first_contact_seconds=seconds, **where)
    elif status == "booked":
        counted += repository.count_stage(stage="contacted", at=updated, **where)
        counted += repository.count_stage(stage="booked", at=updated, **where)
    elif status == "lost":
        counted += repository.count_stage(stage="lost", at=updated, **where)
    return counted


def on_stream(records: list[dict[str, Any]]) -> str | None:
    """The batch in order; the sequence number of the first record that failed (the batch resumes from
    it, and what it counted before failing stays counted once), None when all are done."""
    for record in records:
        try:
            apply(record)
        except Exception:
            logger.exception("analytics aggregation failed; the batch resumes here")
            return str(record["dynamodb"]["SequenceNumber"])
    return None
