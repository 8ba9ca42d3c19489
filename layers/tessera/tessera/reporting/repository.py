"""The only code that touches the reporting table (records.py lists its items)."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import date, datetime
from typing import Literal

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from tessera.core.dynamo import refused, transaction
from tessera.reporting.records import (
    AlertSettingsRecord,
    DayCounterRecord,
    ExportJobRecord,
    LeadFactRecord,
    LeadRowsRecord,
    RegistryRecord,
    RowsMetaRecord,
)

Stage = Literal["lead", "contacted", "booked", "lost"]


def count_stage(*, workspace_id: str, lead_id: str, stage: Stage, at: datetime, day: date, channel: str,
                first_contact_seconds: int | None = None) -> bool:
    """Count one lead's `stage` in its day's counter, once: False when it was counted before (a
    redelivered stream record), and then nothing changes."""
    fact = LeadFactRecord(pk=f"LEAD#{lead_id}", sk="FACT")
    stage_attribute = getattr(LeadFactRecord, stage)
    counter = DayCounterRecord(pk=f"WS#{workspace_id}", sk=f"DAY#{day.isoformat()}#{channel}")
    adds = [DayCounterRecord.day.set(day.isoformat()), DayCounterRecord.channel.set(channel),
            getattr(DayCounterRecord, "leads" if stage == "lead" else stage).add(1)]
    if first_contact_seconds is not None:
        adds += [DayCounterRecord.first_contact_seconds.add(first_contact_seconds),
                 DayCounterRecord.first_contact_count.add(1)]
    try:
        with transaction() as tx:
            tx.update(fact, actions=[stage_attribute.set(at), LeadFactRecord.workspace_id.set(workspace_id)],
                      condition=stage_attribute.does_not_exist(), return_values="ALL_OLD")
            tx.update(counter, actions=adds)
    except TransactWriteError as error:
        if refused(error, fact):
            return False
        raise
    return True


def days(workspace_id: str, first: date, last: date) -> list[DayCounterRecord]:
    """Every channel's counters of the days `first` … `last` (one query; its pages read to the end)."""
    return list(DayCounterRecord.query(
        f"WS#{workspace_id}", DayCounterRecord.sk.between(f"DAY#{first.isoformat()}", f"DAY#{last.isoformat()}~")))


# --- export jobs -----------------------------------------------------------------------------------

def add_export(tx: TransactWrite, job: ExportJobRecord) -> None:
    tx.save(job, condition=ExportJobRecord.pk.does_not_exist())


def find_export(workspace_id: str, export_id: str) -> ExportJobRecord | None:
    try:
        return ExportJobRecord.get(f"WS#{workspace_id}", f"EXPORT#{export_id}", consistent_read=True)
    except DoesNotExist:
        return None


def start_export(job: ExportJobRecord) -> None:
    job.update(actions=[ExportJobRecord.status.set(job.status), ExportJobRecord.rows.set(job.rows),
                        ExportJobRecord.file_name.set(job.file_name), ExportJobRecord.object_key.set(job.object_key)])


def export_read_from(job: ExportJobRecord, source: Literal["rows", "leads"]) -> None:
    job.update(actions=[ExportJobRecord.read_from.set(source)])


def export_progress(job: ExportJobRecord) -> None:
    job.update(actions=[ExportJobRecord.rows.set(job.rows)])


def save_export(job: ExportJobRecord) -> None:
    job.save()


def export_rows_ready(workspace_id: str, export_id: str, at: datetime) -> bool:
    """The stream reached the job's marker; False when there is no such job (nothing is made)."""
    job = ExportJobRecord(pk=f"WS#{workspace_id}", sk=f"EXPORT#{export_id}")
    try:
        job.update(actions=[ExportJobRecord.rows_ready_at.set(at)], condition=ExportJobRecord.pk.exists())
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True


# --- the leads' rows (tessera.reporting.lead_rows) ----------------------------------------------------

def rows_of_hour(workspace_id: str, hour: str) -> list[LeadRowsRecord]:
    """The parts of one hour, first to last (one query, consistent: a write follows)."""
    return list(LeadRowsRecord.query(f"WS#{workspace_id}", LeadRowsRecord.sk.startswith(f"ROWS#{hour}#"),
                                     consistent_read=True))


def save_rows(part: LeadRowsRecord) -> bool:
    """Write a part unless another writer changed it since it was read (False: read it again)."""
    try:
        part.save()
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True


def rows_between(workspace_id: str, first_hour: str, last_hour: str) -> Iterator[LeadRowsRecord]:
    """The parts of the hours `first_hour` … `last_hour`, newest hour first, read page by page."""
    return LeadRowsRecord.query(f"WS#{workspace_id}", LeadRowsRecord.sk.between(f"ROWS#{first_hour}#",
                                                                                 f"ROWS#{last_hour}#~"),
                                scan_index_forward=False)


def mark_rows_complete(workspace_id: str, since: datetime, source: Literal["stream", "backfill"]) -> None:
    RowsMetaRecord(pk=f"WS#{workspace_id}", sk="ROWSMETA", workspace_id=workspace_id, complete_since=since,
                   source=source).save()  # a redelivery writes the same again


def rows_complete(workspace_id: str) -> bool:
    try:
        RowsMetaRecord.get(f"WS#{workspace_id}", "ROWSMETA", consistent_read=True)
    except DoesNotExist:
        return False
    return True


# --- alert settings --------------------------------------------------------------------------------

def find_alerts(workspace_id: str) -> AlertSettingsRecord | None:
    try:
        return AlertSettingsRecord.get(f"WS#{workspace_id}", "ALERTS", consistent_read=True)
    except DoesNotExist:
        return None


def add_alerts(tx: TransactWrite, settings: AlertSettingsRecord, org_id: str) -> None:
    tx.save(settings)
    registry = _registry(settings.pk.removeprefix("WS#"))
    tx.update(registry, actions=[RegistryRecord.workspace_id.set(registry.sk.removeprefix("WS#")),
                                 RegistryRecord.org_id.set(org_id)])


# --- the registry: which workspaces the digest looks at -------------------------------------------

REGISTRY_SHARDS = 8


def _registry(workspace_id: str) -> RegistryRecord:
    shard = zlib.crc32(workspace_id.encode()) % REGISTRY_SHARDS
    return RegistryRecord(pk=f"REGISTRY#{shard}", sk=f"WS#{workspace_id}")


def saw_lead(workspace_id: str, org_id: str, at: datetime) -> None:
    """The workspace in the registry with its newest lead's time (an older lead changes nothing)."""
    record = _registry(workspace_id)
    try:
        record.update(actions=[RegistryRecord.workspace_id.set(workspace_id), RegistryRecord.org_id.set(org_id),
                               RegistryRecord.last_lead_at.set(at)],
                      condition=RegistryRecord.last_lead_at.does_not_exist() | (RegistryRecord.last_lead_at < at))
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def registered_workspaces() -> Iterator[RegistryRecord]:
    for shard in range(REGISTRY_SHARDS):
        yield from RegistryRecord.query(f"REGISTRY#{shard}")
