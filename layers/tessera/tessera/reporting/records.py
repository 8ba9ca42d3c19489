"""Reporting items (env REPORTING_TABLE).

| item | pk | sk |
|---|---|---|
| a workspace's day (Moscow) of one channel: its leads' counters | `WS#<workspace_id>` | `DAY#<YYYY-MM-DD>#<channel>` |
| what of one lead is counted (idempotency) | `LEAD#<lead_id>` | `FACT` |
| an export job with its progress | `WS#<workspace_id>` | `EXPORT#<export_id>` |
| the owner's alert settings of a workspace | `WS#<workspace_id>` | `ALERTS` |
| a workspace with leads or alert settings, its last lead (the digest's list) | `REGISTRY#<0-7>` | `WS#<workspace_id>` |
| the export columns of leads created in one UTC hour (a part) | `WS#<workspace_id>` | `ROWS#<YYYY-MM-DDTHH>#<part>` |
| the rows hold every lead of the workspace | `WS#<workspace_id>` | `ROWSMETA` |

A dashboard range is one query on `DAY#<from>` … `DAY#<to>~` in the workspace's partition: at most
366 days × the channels, never a scan. The daily digest (weekly e-mail, alerts) reads the registry's 8
partitions (a workspace's shard is a hash of its id, so no partition takes every lead's write). A leads
export reads the rows of its hours (tessera.reporting.lead_rows): a few hundred items for 100 000 leads."""

from pynamodb.attributes import (
    BinaryAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from tessera.core.dynamo import BaseRecord, record_meta

META = record_meta("REPORTING_TABLE")


class DayCounterRecord(BaseRecord):
    """Leads created on `day` through `channel`, and how far they have got (each lead counted once per
    stage, on the day it was created: a cohort, so a range's funnel never exceeds its leads)."""

    Meta = META
    day = UnicodeAttribute()
    channel = UnicodeAttribute()
    leads = NumberAttribute(default=0)
    contacted = NumberAttribute(default=0)
    booked = NumberAttribute(default=0)
    lost = NumberAttribute(default=0)
    first_contact_seconds = NumberAttribute(default=0)  # sum over the leads first contacted
    first_contact_count = NumberAttribute(default=0)


class LeadFactRecord(BaseRecord):
    """When each stage of one lead was counted: a stage's counter moves only with the condition that it
    is not here yet, in the same transaction, so a redelivered stream record counts nothing."""

    Meta = META
    workspace_id = UnicodeAttribute()
    lead = UTCDateTimeAttribute(null=True)
    contacted = UTCDateTimeAttribute(null=True)
    booked = UTCDateTimeAttribute(null=True)
    lost = UTCDateTimeAttribute(null=True)


class ExportJobRecord(BaseRecord):
    Meta = META
    export_id = UnicodeAttribute()
    workspace_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # leads | analytics
    format = UnicodeAttribute()  # csv | xlsx
    filters = JSONAttribute(default=dict)
    status = UnicodeAttribute()  # queued | running | done | failed
    rows = NumberAttribute(default=0)
    object_key = UnicodeAttribute(null=True)
    file_name = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    requested_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)
    # set by the stream's aggregator when it reaches the job's marker: every lead change made before the
    # request is then in the rows model (tessera.reporting.lead_rows)
    rows_ready_at = UTCDateTimeAttribute(null=True)
    read_from = UnicodeAttribute(null=True)  # rows (the rows model) | leads (the leads table)
    expires_at = TTLAttribute(null=True)  # gone with its file (the exports bucket keeps files 7 days)


class AlertSettingsRecord(BaseRecord):
    Meta = META
    weekly_report = NumberAttribute(default=1)  # 1: the owners get the weekly e-mail
    no_leads_days = NumberAttribute(null=True)  # alert when no lead came for this many days
    min_conversion_percent = NumberAttribute(null=True)  # alert when last week's conversion fell below
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


class RegistryRecord(BaseRecord):
    Meta = META
    workspace_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    last_lead_at = UTCDateTimeAttribute(null=True)


class LeadRowsRecord(BaseRecord):
    """The export columns of leads created in one UTC hour: `{lead_id: row}` as zlib-compressed JSON
    (tessera.reporting.lead_rows.COLUMNS). Rewritten whole on each change of one of its leads, so a part
    holds at most ~64 KiB of JSON before the hour spills into the next part; `row_version` makes the
    writes optimistic (the stream's aggregator and a backfill may write one part at once)."""

    Meta = META
    workspace_id = UnicodeAttribute()
    hour = UnicodeAttribute()
    part = NumberAttribute()
    leads = NumberAttribute(default=0)
    raw_bytes = NumberAttribute(default=0)  # the JSON's size before compression: what the spill is measured by
    rows = BinaryAttribute(legacy_encoding=False)
    row_version = VersionAttribute()


class RowsMetaRecord(BaseRecord):
    """The rows model holds all of the workspace's leads since `complete_since`."""

    Meta = META
    workspace_id = UnicodeAttribute()
    complete_since = UTCDateTimeAttribute()
    source = UnicodeAttribute()  # stream (the workspace's creation) | backfill
