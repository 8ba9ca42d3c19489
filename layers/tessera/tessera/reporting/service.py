"""The way into reporting: the Fast Lead dashboard from the read model (never the leads), export jobs
and the owner's alert settings. The workspace is always looked up under the caller's organization
(another organization's answers 404)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from pydantic import Field
from pynamodb.transactions import TransactWrite

from tessera.core import aws, clock
from tessera.core.errors import FieldError, NotFound, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.settings import CoreSettings, get_settings
from tessera.reporting import repository
from tessera.reporting.aggregation import MOSCOW, local_day
from tessera.reporting.models import (
    AlertSettings,
    AnalyticsExportCreate,
    ChannelStats,
    Counts,
    DayStats,
    ExportView,
    FunnelStage,
    LeadExportCreate,
    LeadsDashboard,
    Totals,
)
from tessera.reporting.records import AlertSettingsRecord, DayCounterRecord, ExportJobRecord
from tessera.workspaces import leads
from tessera.workspaces import service as workspaces
from tessera.workspaces.service import Actor, commit_with_audit

register({
    "analytics-range": {"ru": "Неверный период: дата «с» должна быть не позже даты «по», а период — не длиннее "
                                              "{max_days} дней.",
                        "en": "Invalid range: from must not be after to, at most {max_days} days."},
    "export-not-found": {"ru": "Такой выгрузки нет.", "en": "No such export."},
})

MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30
DOWNLOAD_SECONDS = 900
EXPORT_DAYS = 7  # the exports bucket's lifecycle


class ReportingSettings(CoreSettings):
    exports_bucket: str = Field(alias="EXPORTS_BUCKET")
    export_queue_url: str = Field(alias="REPORTING_EXPORT_QUEUE_URL")
    # how long a leads export waits for the stream to bring its marker before it reads the leads table
    export_barrier_seconds: float = Field(30.0, alias="REPORTING_EXPORT_BARRIER_SECONDS", ge=0)


s3 = aws.client("s3")
sqs = aws.client("sqs")


# --- the dashboard ---------------------------------------------------------------------------------

def date_range(date_from: date | None, date_to: date | None, where: str = "query") -> tuple[date, date]:
    """The range asked for, checked; the last 30 days (Moscow) when a bound is missing."""
    last = date_to or local_day(clock.now())
    first = date_from or last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if first > last or (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed(f"Invalid range: from must not be after to, at most {MAX_RANGE_DAYS} days.",
                               code="analytics-range", max_days=MAX_RANGE_DAYS,
                               errors=[FieldError(f"{where}.from", f"from ≤ to, at most {MAX_RANGE_DAYS} days",
                                                  "range")])
    return first, last


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _counts(rows: Iterable[DayCounterRecord]) -> dict[str, int]:
    total = {"leads": 0, "contacted": 0, "booked": 0, "lost": 0, "seconds": 0, "contacts": 0}
    for row in rows:
        total["leads"] += int(row.leads)
        total["contacted"] += int(row.contacted)
        total["booked"] += int(row.booked)
        total["lost"] += int(row.lost)
        total["seconds"] += int(row.first_contact_seconds)
        total["contacts"] += int(row.first_contact_count)
    return total


def summarize(workspace_id: str, rows: list[DayCounterRecord], first: date, last: date) -> LeadsDashboard:
    """The dashboard of these counter rows (every channel of every day in the range)."""
    total = _counts(rows)
    counts = {name: total[name] for name in Counts.model_fields}
    average = round(total["seconds"] / total["contacts"]) if total["contacts"] else None
    totals = Totals(**counts, conversion=_ratio(total["booked"], total["leads"]),
                    contact_rate=_ratio(total["contacted"], total["leads"]), avg_first_contact_seconds=average)
    by_channel = []
    for channel in sorted({row.channel for row in rows}):
        of_channel = _counts(r for r in rows if r.channel == channel)
        by_channel.append(ChannelStats(channel=channel, **{name: of_channel[name] for name in Counts.model_fields},
                                       conversion=_ratio(of_channel["booked"], of_channel["leads"])))
    by_channel.sort(key=lambda c: -c.leads)
    funnel, previous = [], total["leads"]
    for stage, count in (("lead", total["leads"]), ("contacted", total["contacted"]), ("booked", total["booked"])):
        funnel.append(FunnelStage(stage=stage, count=count, rate_from_previous=_ratio(count, previous),
                                  rate_from_start=_ratio(count, total["leads"])))
        previous = count
    by_day: dict[str, list[DayCounterRecord]] = {}
    for row in rows:
        by_day.setdefault(row.day, []).append(row)
    daily = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        of_day = _counts(by_day.get(day.isoformat(), []))
        daily.append(DayStats(date=day, **{name: of_day[name] for name in Counts.model_fields}))
    return LeadsDashboard(workspace_id=workspace_id, date_from=first, date_to=last, timezone=str(MOSCOW), totals=totals,
                     by_channel=by_channel, funnel=funnel, daily=daily)


def dashboard(org_id: str, workspace_id: str, date_from: date | None, date_to: date | None) -> LeadsDashboard:
    first, last = date_range(date_from, date_to)
    workspaces.get_workspace(org_id, workspace_id)  # another organization's: 404
    return summarize(workspace_id, repository.days(workspace_id, first, last), first, last)


# --- export jobs -----------------------------------------------------------------------------------

def _start(org_id: str, workspace_id: str, kind: str, export_format: str, filters: dict[str, Any],
           actor: Actor) -> ExportView:
    workspaces.get_workspace(org_id, workspace_id)
    now, export_id = clock.now(), new_id("exp")
    job = ExportJobRecord(pk=f"WS#{workspace_id}", sk=f"EXPORT#{export_id}", export_id=export_id,
                          workspace_id=workspace_id, org_id=org_id, kind=kind, format=export_format, filters=filters,
                          status="queued", rows=0, requested_by=actor.user_id, created_at=now,
                          expires_at=now + timedelta(days=EXPORT_DAYS))

    def writes(tx: TransactWrite) -> None:
        repository.add_export(tx, job)
        if kind == "leads":  # the rows' barrier: the worker waits for the stream to bring it
            leads.mark_export(tx, workspace_id, export_id, job.expires_at)

    commit_with_audit(writes, actor, f"{kind}.export", "workspace", workspace_id, org_id, None,
                      {"export_id": job.export_id, "format": export_format, "filters": filters})
    settings = get_settings(ReportingSettings)
    sqs.send_message(QueueUrl=settings.export_queue_url,
                     MessageBody=json.dumps({"workspace_id": workspace_id, "export_id": job.export_id}))
    return export_view(job)


def start_leads_export(org_id: str, workspace_id: str, command: LeadExportCreate, actor: Actor) -> ExportView:
    return _start(org_id, workspace_id, "leads", command.format,
                  command.filters.model_dump(mode="json", exclude_none=True), actor)


def start_analytics_export(org_id: str, workspace_id: str, command: AnalyticsExportCreate,
                           actor: Actor) -> ExportView:
    first, last = date_range(command.date_from, command.date_to, "body")
    return _start(org_id, workspace_id, "analytics", command.format,
                  {"from": first.isoformat(), "to": last.isoformat()}, actor)


def export_view(job: ExportJobRecord) -> ExportView:
    url = expires = None
    if job.status == "done" and job.object_key:
        url = s3.generate_presigned_url("get_object", ExpiresIn=DOWNLOAD_SECONDS, Params={
            "Bucket": get_settings(ReportingSettings).exports_bucket, "Key": job.object_key,
            "ResponseContentDisposition": f'attachment; filename="{job.file_name}"'})
        expires = clock.now() + timedelta(seconds=DOWNLOAD_SECONDS)
    return ExportView(id=job.export_id, kind=job.kind, format=job.format, status=job.status,
                      rows=int(job.rows), created_at=job.created_at, finished_at=job.finished_at,
                      file_name=job.file_name, size=None if job.size is None else int(job.size), download_url=url,
                      download_expires_at=expires, error=job.error)


def get_export(org_id: str, workspace_id: str, export_id: str) -> ExportView:
    workspaces.get_workspace(org_id, workspace_id)
    job = repository.find_export(workspace_id, export_id)
    if job is None or job.org_id != org_id:
        raise NotFound("No such export.", code="export-not-found")
    return export_view(job)


# --- alert settings --------------------------------------------------------------------------------

def _alerts_view(record: AlertSettingsRecord | None) -> AlertSettings:
    if record is None:
        return AlertSettings()
    return AlertSettings(weekly_report=bool(record.weekly_report),
                         no_leads_days=None if record.no_leads_days is None else int(record.no_leads_days),
                         min_conversion_percent=None if record.min_conversion_percent is None
                         else int(record.min_conversion_percent))


def get_alerts(org_id: str, workspace_id: str) -> AlertSettings:
    workspaces.get_workspace(org_id, workspace_id)
    return _alerts_view(repository.find_alerts(workspace_id))


def save_alerts(org_id: str, workspace_id: str, command: AlertSettings, actor: Actor) -> AlertSettings:
    workspaces.get_workspace(org_id, workspace_id)
    before = _alerts_view(repository.find_alerts(workspace_id))
    record = AlertSettingsRecord(pk=f"WS#{workspace_id}", sk="ALERTS", weekly_report=int(command.weekly_report),
                                 no_leads_days=command.no_leads_days,
                                 min_conversion_percent=command.min_conversion_percent, updated_at=clock.now(),
                                 updated_by=actor.user_id)
    commit_with_audit(lambda tx: repository.add_alerts(tx, record, org_id), actor, "analytics.alerts", "workspace",
                      workspace_id, org_id, before.model_dump(), command.model_dump())
    return command
