"""Export jobs (ReportingExportFunction, one SQS message a job): the leads, or the dashboard's days, as
CSV or XLSX in the exports bucket. Leads are read batch by batch — from the rows model (lead_rows) once the
stream has brought the job's marker, else from the leads table — and the CSV streams into an S3 multipart
upload as it is written, so memory stays flat whatever the count; an XLSX goes through openpyxl's
write-only mode into a temporary file first (a ZIP is written whole), then up in parts. The job's row
count moves with every batch: that is the progress the app shows."""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from boto3.s3.transfer import TransferConfig

from tessera.core import clock
from tessera.core.observability import logger
from tessera.core.settings import get_settings
from tessera.core.spreadsheet import defuse
from tessera.reporting import lead_rows, repository, service
from tessera.reporting.aggregation import MOSCOW
from tessera.reporting.lead_rows import (
    CAMPAIGN,
    CHANNEL,
    CREATED,
    EMAIL,
    LOCKED,
    MEDIUM,
    MESSAGE,
    NAME,
    PAGE,
    PHONE,
    SOURCE,
    STATUS,
)
from tessera.reporting.models import LeadExportFilters
from tessera.reporting.records import ExportJobRecord
from tessera.workspaces import leads
from tessera.workspaces.models import LeadView

PART_BYTES = 8 * 1024 * 1024
# two parts in flight and two read ahead at most: memory is a few parts, whatever the file's size
TRANSFER = TransferConfig(multipart_threshold=PART_BYTES, multipart_chunksize=PART_BYTES, max_concurrency=2)
TRANSFER.max_in_memory_upload_chunks = 2  # s3transfer's own setting (10 by default), not in boto3's signature
BATCH = 1000
BARRIER_POLL_SECONDS = 0.2

# not "ID" first: Excel takes a file that starts so for SYLK
LEAD_HEADER = ("Заявка", "Создана (МСК)", "Статус", "Канал", "Имя", "Телефон", "E-mail", "Сообщение", "Страница",
               "utm_source", "utm_medium", "utm_campaign", "Скрыта сверх лимита тарифа")
STATUS_RU = {"new": "новая", "contacted": "связались", "booked": "запись", "lost": "потеряна"}
DAY_HEADER = ("Дата", "Заявки", "Связались", "Записи", "Потеряны", "Конверсия, %")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

Row = Sequence[str | int | float]


def _moscow(moment: datetime) -> str:
    return moment.astimezone(MOSCOW).strftime("%Y-%m-%d %H:%M:%S")


def lead_row(lead: LeadView) -> Row:
    return (lead.id, _moscow(lead.created_at), STATUS_RU[lead.status], lead.channel, lead.name or "",
            lead.phone or "", lead.email or "", lead.message or "", lead.page_url or "", lead.utm.get("utm_source", ""),
            lead.utm.get("utm_medium", ""), lead.utm.get("utm_campaign", ""), "да" if lead.locked else "")


def _rows_ready(job: ExportJobRecord) -> bool:
    """Whether the rows model can answer this job: it holds the workspace's every lead, and the stream
    has brought the job's marker (every lead change before the request is in). The wait is the stream's
    delay, a few seconds; past `export_barrier_seconds` the job reads the leads table instead."""
    if not repository.rows_complete(job.workspace_id):
        return False
    deadline = time.monotonic() + get_settings(service.ReportingSettings).export_barrier_seconds
    while True:
        current = repository.find_export(job.workspace_id, job.export_id)
        if current is not None and current.rows_ready_at is not None:
            return True
        if time.monotonic() >= deadline:
            logger.warning("the stream did not bring the export's marker in time: the leads table is read",
                           extra={"export_id": job.export_id})
            return False
        time.sleep(BARRIER_POLL_SECONDS)


def _row_batches(job: ExportJobRecord, filters: dict[str, Any]) -> Iterator[list[Row]]:
    """The rows model's leads, as `lead_row` writes them; the lock as of now (an upgrade opens months)."""
    opened: dict[str, bool] = {}
    for batch in itertools.batched(lead_rows.select(job.workspace_id, **filters), BATCH, strict=False):
        months = {row[CREATED][:7] for _, row in batch if row[LOCKED]} - opened.keys()
        if months:
            now_open = leads.months_opened(job.org_id, months)
            opened.update({month: month in now_open for month in months})
        yield [_row_line(lead_id, row, bool(row[LOCKED]) and not opened[row[CREATED][:7]]) for lead_id, row in batch]


def _row_line(lead_id: str, row: lead_rows.Row, hidden: bool) -> Row:
    created = _moscow(datetime.fromisoformat(row[CREATED]))
    contact = ("", "", "", "") if hidden else (row[NAME] or "", row[PHONE] or "", row[EMAIL] or "", row[MESSAGE] or "")
    return (lead_id, created, STATUS_RU[row[STATUS]], row[CHANNEL], *contact, row[PAGE] or "", row[SOURCE] or "",
            row[MEDIUM] or "", row[CAMPAIGN] or "", "да" if hidden else "")


def _lead_batches(job: ExportJobRecord) -> Iterator[list[Row]]:
    filters = LeadExportFilters.model_validate(job.filters or {}).model_dump(exclude_none=True)
    repository.export_read_from(job, "rows" if _rows_ready(job) else "leads")
    if job.read_from == "rows":
        yield from _row_batches(job, filters)
        return
    for batch in leads.export_batches(job.org_id, job.workspace_id, batch_size=BATCH, **filters):
        yield [lead_row(lead) for lead in batch]


def _day_batches(job: ExportJobRecord) -> Iterator[list[Row]]:
    first, last = date.fromisoformat(job.filters["from"]), date.fromisoformat(job.filters["to"])
    board = service.dashboard(job.org_id, job.workspace_id, first, last)
    rows: list[Row] = [(d.date.isoformat(), d.leads, d.contacted, d.booked, d.lost,
                        round(100 * d.booked / d.leads, 1) if d.leads else 0.0) for d in board.daily]
    total = board.totals
    rows.append(("Итого", total.leads, total.contacted, total.booked, total.lost, round(100 * total.conversion, 1)))
    yield rows


def _counted(job: ExportJobRecord, batches: Iterable[list[Row]]) -> Iterator[list[Row]]:
    for batch in batches:
        yield batch
        job.rows = int(job.rows) + len(batch)
        repository.export_progress(job)


def _text(value: str | int | float) -> str | int | float:
    return defuse(value) if isinstance(value, str) else value


def csv_chunks(header: Row, batches: Iterable[list[Row]]) -> Iterator[bytes]:
    """UTF-8 with a BOM (Excel reads Cyrillic right), RFC 4180 quoting, CRLF; one chunk a batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for batch in batches:
        writer.writerows([_text(value) for value in row] for row in batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


class ChunkReader(io.RawIOBase):
    """A readable file over an iterator of byte chunks: what boto3's multipart upload reads from."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = memoryview(b"")
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._rest = memoryview(chunk)
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        self.size += size
        return size


def _upload_csv(key: str, header: Row, batches: Iterable[list[Row]]) -> int:
    reader = ChunkReader(csv_chunks(header, batches))
    service.s3.upload_fileobj(io.BufferedReader(reader, buffer_size=1024 * 1024),
                              get_settings(service.ReportingSettings).exports_bucket, key,
                              ExtraArgs={"ContentType": CONTENT_TYPES["csv"]}, Config=TRANSFER)
    return reader.size


def _upload_xlsx(key: str, title: str, header: Row, batches: Iterable[list[Row]]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for batch in batches:
        for row in batch:
            sheet.append([_text(value) for value in row])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        size = file.tell()
        file.seek(0)
        service.s3.upload_fileobj(file, get_settings(service.ReportingSettings).exports_bucket, key,
                                  ExtraArgs={"ContentType": CONTENT_TYPES["xlsx"]}, Config=TRANSFER)
    return size


def run(workspace_id: str, export_id: str) -> ExportJobRecord | None:
    """Write one job's file and mark it done; a failure marks it failed (the user starts another)."""
    job = repository.find_export(workspace_id, export_id)
    if job is None or job.status in ("done", "failed"):
        return job  # a redelivered message: nothing to do again
    stamp = clock.now().astimezone(MOSCOW).strftime("%Y-%m-%d")
    job.file_name = f"{job.kind}-{stamp}.{job.format}"
    job.object_key = f"reporting/{job.workspace_id}/{job.export_id}/{job.file_name}"
    job.rows, job.status = 0, "running"
    repository.start_export(job)  # not a whole save: the stream's aggregator may be marking the job
    header, title = (LEAD_HEADER, "Заявки") if job.kind == "leads" else (DAY_HEADER, "Аналитика")
    batches = _counted(job, _lead_batches(job) if job.kind == "leads" else _day_batches(job))
    try:
        job.size = (_upload_csv(job.object_key, header, batches) if job.format == "csv"
                    else _upload_xlsx(job.object_key, title, header, batches))
        job.status = "done"
    except Exception:
        logger.exception("export failed", extra={"export_id": export_id, "workspace_id": workspace_id})
        job.status, job.error, job.object_key = "failed", "internal", None
    job.finished_at = clock.now()
    repository.save_export(job)
    return job
