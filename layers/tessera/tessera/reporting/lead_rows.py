"""The leads as an export reads them: a rows model in the reporting table, kept by the workspaces table's
stream (docs/design/reporting.md, «Leads export»).

Reading a lead item costs its export ~140 µs of parsing (botocore and PynamoDB), 14 s for 100 000 leads
before any network. Here the export columns of the leads created in one UTC hour are one item, a
zlib-compressed JSON object `{lead_id: row}` (COLUMNS), so an export reads a few hundred items instead.

- Every lead change rewrites its hour's part (one query and one put): a row is replaced only by one as
  new or newer (`updated_at`), so a redelivered or late stream record changes nothing, and the parts'
  `row_version` makes concurrent writers (the stream, a backfill) read again instead of losing a row.
- An hour's part holds up to PART_BYTES of JSON; new leads past it go to the next part.
- The rows hold a workspace's every lead once `ROWSMETA` says so: written from the workspace's own
  INSERT on the stream, or by `backfill` for a workspace older than this model.
- Freshness is the export's: it waits for the stream to reach its marker (tessera.reporting.exports).
- The lock is applied when exporting, as the leads list does: a row keeps the lead's stored `locked`, and
  an upgrade opens its month without a change to the lead."""

from __future__ import annotations

import itertools
import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import UTCDateTimeAttribute

from tessera.core import clock
from tessera.reporting import repository
from tessera.reporting.records import LeadRowsRecord

COLUMNS = ("created", "updated", "status", "channel", "name", "phone", "email", "message", "page_url",
           "utm_source", "utm_medium", "utm_campaign", "locked", "search")
CREATED, UPDATED, STATUS, CHANNEL, NAME, PHONE, EMAIL, MESSAGE, PAGE, SOURCE, MEDIUM, CAMPAIGN, LOCKED, SEARCH = (
    range(len(COLUMNS)))
PART_BYTES = 64 * 1024  # a lead change rewrites its part: ≤ 16 WRU once compressed, most hours far less
WRITE_ATTEMPTS = 5
FIRST_HOUR, LAST_HOUR = "0000-00-00T00", "9999-12-31T23"

Row = list[Any]
_moment = UTCDateTimeAttribute()


def utc_text(moment: datetime | str) -> str:
    """A time as the rows store it: UTC, fixed width, so that text order is time order."""
    parsed = _moment.deserialize(moment) if isinstance(moment, str) else moment
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_of(lead: Mapping[str, Any]) -> tuple[str, Row]:
    """A lead's id and row from its stored attributes (a stream image, or a record's values)."""
    utm = lead.get("utm") or {}
    if isinstance(utm, str):  # a JSON attribute, as the stream carries it
        utm = json.loads(utm)
    return lead["lead_id"], [
        utc_text(lead["created_at"]), utc_text(lead["updated_at"]), lead["status"], lead["channel"],
        lead.get("name"), lead.get("phone"), lead.get("email"), lead.get("message"), lead.get("page_url"),
        utm.get("utm_source"), utm.get("utm_medium"), utm.get("utm_campaign"), bool(lead.get("locked")),
        lead.get("search_text") or ""]


def _decode(part: LeadRowsRecord) -> dict[str, Row]:
    rows: dict[str, Row] = json.loads(zlib.decompress(part.rows))
    return rows


def _encode(rows: dict[str, Row]) -> tuple[bytes, int]:
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()
    return zlib.compress(text, 6), len(text)


def _size(lead_id: str, row: Row) -> int:
    return len(json.dumps({lead_id: row}, ensure_ascii=False, separators=(",", ":")).encode())


def merge(workspace_id: str, rows: Mapping[str, Row]) -> int:
    """Put rows (lead id → row) into their hours' parts; how many parts were written (0: nothing new)."""
    by_hour: dict[str, dict[str, Row]] = {}
    for lead_id, row in rows.items():
        by_hour.setdefault(row[CREATED][:13], {})[lead_id] = row
    written = 0
    for hour, of_hour in sorted(by_hour.items()):
        for _ in range(WRITE_ATTEMPTS):
            done = _merge_hour(workspace_id, hour, of_hour)
            if done is not None:
                written += done
                break
        else:
            raise RuntimeError(f"the rows of {hour} kept changing under {WRITE_ATTEMPTS} attempts")
    return written


def _merge_hour(workspace_id: str, hour: str, rows: Mapping[str, Row]) -> int | None:
    """One read-modify-write of an hour's parts; None when another writer got in first."""
    parts = repository.rows_of_hour(workspace_id, hour)
    stored = [_decode(part) for part in parts]
    sizes = [int(part.raw_bytes) for part in parts]
    changed: set[int] = set()
    for lead_id, row in rows.items():
        where = next((n for n, of_part in enumerate(stored) if lead_id in of_part), None)
        if where is not None:
            if row[UPDATED] >= stored[where][lead_id][UPDATED] and row != stored[where][lead_id]:
                stored[where][lead_id] = row
                changed.add(where)
            continue
        size = _size(lead_id, row)
        if not parts or (sizes[-1] + size > PART_BYTES and stored[-1]):
            parts.append(LeadRowsRecord(pk=f"WS#{workspace_id}", sk=f"ROWS#{hour}#{len(parts):03d}",
                                        workspace_id=workspace_id, hour=hour, part=len(parts)))
            stored.append({})
            sizes.append(0)
        stored[-1][lead_id] = row
        sizes[-1] += size
        changed.add(len(parts) - 1)
    for n in sorted(changed):
        parts[n].rows, parts[n].raw_bytes = _encode(stored[n])
        parts[n].leads = len(stored[n])
        if not repository.save_rows(parts[n]):
            return None
    return len(changed)


def _hour(moment: datetime | None, default: str) -> str:
    return default if moment is None else utc_text(moment)[:13]


def select(workspace_id: str, *, status: str | None = None, channel: str | None = None,
           created_after: datetime | None = None, created_before: datetime | None = None,
           q: str | None = None) -> Iterator[tuple[str, Row]]:
    """The rows the leads list shows with these filters, newest first (one hour's parts in memory)."""
    after = utc_text(created_after) if created_after else None
    before = utc_text(created_before) if created_before else None
    needle = q.strip().lower() if q else None
    parts = repository.rows_between(workspace_id, _hour(created_after, FIRST_HOUR), _hour(created_before, LAST_HOUR))
    for _, of_hour in itertools.groupby(parts, key=lambda part: part.hour):
        rows: dict[str, Row] = {}
        for part in of_hour:
            rows.update(_decode(part))
        for lead_id in sorted(rows, reverse=True):  # ULIDs: newest first, as the list
            row = rows[lead_id]
            if ((status and row[STATUS] != status) or (channel and row[CHANNEL] != channel)
                    or (after and row[CREATED] < after) or (before and row[CREATED] > before)
                    or (needle and needle not in row[SEARCH])):
                continue
            yield lead_id, row


def backfill(workspace_id: str, leads: Iterable[Mapping[str, Any]], batch: int = 5000) -> int:
    """A workspace older than the model: its stored leads into the rows, then marked complete. Safe
    while the stream runs (newer rows win) and to run again. How many leads were read."""
    count = 0
    started = clock.now()
    for chunk in itertools.batched(leads, batch, strict=False):
        merge(workspace_id, dict(row_of(lead) for lead in chunk))
        count += len(chunk)
    repository.mark_rows_complete(workspace_id, started, "backfill")
    return count
