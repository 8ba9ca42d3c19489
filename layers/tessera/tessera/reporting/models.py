"""What the reporting routes take and answer (pydantic v2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tessera.workspaces.models import LeadChannel, LeadStatus


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Counts(BaseModel):
    leads: int
    contacted: int
    booked: int
    lost: int


class Totals(Counts):
    conversion: float = Field(description="booked ÷ leads, 0…1 (0 without leads)")
    contact_rate: float = Field(description="contacted ÷ leads, 0…1")
    avg_first_contact_seconds: int | None = Field(description="mean time from a lead to its first contact")


class ChannelStats(Counts):
    channel: str
    conversion: float


class FunnelStage(BaseModel):
    stage: Literal["lead", "contacted", "booked"]
    count: int
    rate_from_previous: float = Field(description="this stage ÷ the previous one, 0…1")
    rate_from_start: float = Field(description="this stage ÷ leads, 0…1")


class DayStats(Counts):
    date: date


class Dashboard(BaseModel):
    workspace_id: str
    date_from: date = Field(serialization_alias="from")
    date_to: date = Field(serialization_alias="to")
    timezone: str = Field(description="the calendar the days are counted in")
    totals: Totals
    by_channel: list[ChannelStats]
    funnel: list[FunnelStage]
    daily: list[DayStats] = Field(description="every day of the range, zeros included (an ECharts series)")


ExportFormat = Literal["csv", "xlsx"]
ExportStatus = Literal["queued", "running", "done", "failed"]


class LeadExportFilters(_Strict):
    """The leads list's filters."""

    status: LeadStatus | None = None
    channel: LeadChannel | None = None
    created_after: datetime | None = Field(None, description="ISO 8601, inclusive")
    created_before: datetime | None = Field(None, description="ISO 8601, inclusive")
    q: str | None = Field(None, min_length=2, max_length=100, description="part of the name, phone, e-mail or message")


class LeadExportCreate(_Strict):
    format: ExportFormat = "csv"
    filters: LeadExportFilters = Field(default_factory=LeadExportFilters)


class AnalyticsExportCreate(_Strict):
    format: ExportFormat = "csv"
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")


class ExportView(BaseModel):
    id: str
    kind: Literal["leads", "analytics"]
    format: ExportFormat
    status: ExportStatus
    rows: int = Field(description="rows written so far")
    created_at: datetime
    finished_at: datetime | None
    file_name: str | None
    size: int | None = Field(description="bytes, when done")
    download_url: str | None = Field(description="a presigned S3 GET URL, when done")
    download_expires_at: datetime | None
    error: str | None


class AlertSettings(_Strict):
    weekly_report: bool = Field(True, description="the owners get the weekly e-mail with the metrics")
    no_leads_days: int | None = Field(None, ge=1, le=90, description="alert when no lead came for this many days")
    min_conversion_percent: int | None = Field(None, ge=1, le=100,
                                               description="alert when last week's conversion fell below")
