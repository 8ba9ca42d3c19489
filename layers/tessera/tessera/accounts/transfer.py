"""Customers as CSV and XLSX: export with the list's filters, and import.

Import validates every row first (ИНН/КПП checksums, segment, deployment, manager, duplicates inside
the file) and reports row-level errors with their line numbers. A dry run answers the preview (create,
update or unchanged, with the changes). Applying writes nothing unless every row is valid; rows are
matched by ИНН, so importing the same file again changes nothing. Empty optional cells leave a field
as it is; the status and ID columns of an export are not imported (status changes need a reason)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from tessera.accounts import repository, service
from tessera.accounts.models import (
    CustomerCreate,
    CustomerUpdate,
    ImportError_,
    ImportReport,
    ImportRequest,
    ImportRow,
)
from tessera.accounts.records import OrganizationRecord
from tessera.core import spreadsheet
from tessera.core.errors import Problem, ValidationFailed
from tessera.core.i18n import field_message, register
from tessera.core.request import RequestInfo
from tessera.core.validation import normalize_email
from tessera.identity import directory
from tessera.identity.principal import Principal

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_EXPORT = 10_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (field, the header people see). Import accepts either spelling, in any case and order.
COLUMNS = [("inn", "ИНН"), ("kpp", "КПП"), ("name", "Наименование"), ("legal_name", "Полное наименование"),
           ("segment", "Сегмент"), ("deployment", "Тип внедрения"), ("manager_email", "Менеджер (e-mail)"),
           ("notes", "Заметки"), ("status", "Статус"), ("org_id", "ID")]
IMPORTED = ("inn", "kpp", "name", "legal_name", "segment", "deployment", "manager_email", "notes")
REQUIRED = ("inn", "name", "segment", "deployment")

register({
    "import-unreadable": {"ru": "Файл не читается как {format}.", "en": "The file cannot be read as {format}."},
    "import-too-large": {"ru": "Файл слишком большой: не более {max_rows} строк и 2 МБ.",
                         "en": "The file is too large: at most {max_rows} rows and 2 MB."},
    "export-too-large": {"ru": "Слишком много клиентов для выгрузки (больше {max_rows}). Сузьте фильтры.",
                         "en": "Too many customers to export (more than {max_rows}). Narrow the filters."},
})

_MESSAGES = {
    "missing-column": ("нет обязательного столбца «{label}»", "the required column “{label}” is missing"),
    "duplicate-inn": ("ИНН уже встречается в строке {line}", "the ИНН already appears on line {line}"),
    "manager-unknown": ("нет активного сотрудника с таким e-mail", "no active staff user with this e-mail"),
    "email": ("некорректный e-mail", "not a valid e-mail"),
    "inn-taken": ("ИНН занят другим клиентом", "the ИНН belongs to another customer"),
}


def _text(code: str, language: str, **fields: Any) -> str:
    ru, en = _MESSAGES[code]
    return (ru if language == "ru" else en).format(**fields)


# --- export ----------------------------------------------------------------------------------------

def rows(records: Iterable[OrganizationRecord]) -> Iterator[list[str]]:
    emails: dict[str, str] = {}
    for record in records:
        manager = ""
        if record.manager_id:
            if record.manager_id not in emails:
                user = directory.find_staff(record.manager_id)
                emails[record.manager_id] = user.email if user is not None else ""
            manager = emails[record.manager_id]
        values = {"inn": record.inn, "kpp": record.kpp, "name": record.name, "legal_name": record.legal_name,
                  "segment": record.segment, "deployment": record.deployment, "manager_email": manager,
                  "notes": record.notes, "status": record.status, "org_id": record.org_id}
        yield [str(values[field] or "") for field, _ in COLUMNS]


def export(filters: dict[str, Any], format: str) -> tuple[bytes, int]:
    """The customers matching the list's filters as CSV (UTF-8 with BOM, RFC 4180) or XLSX; and how many."""
    records = []
    for record in repository.iterate_organizations(**filters):
        records.append(record)
        if len(records) > MAX_EXPORT:
            raise ValidationFailed("Too many customers to export.", code="export-too-large", max_rows=MAX_EXPORT)
    header = [label for _, label in COLUMNS]
    if format == "csv":
        return spreadsheet.to_csv(header, rows(records)), len(records)
    widths = (14, 12, 36, 50, 14, 14, 30, 40, 12, 32)
    return spreadsheet.to_xlsx("customers", header, rows(records), widths), len(records)


# --- import ----------------------------------------------------------------------------------------

def read(command: ImportRequest) -> list[tuple[int, list[str]]]:
    return spreadsheet.read_upload(command.content_base64, command.format, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


def _header(values: list[str]) -> dict[str, int]:
    names = {}
    for field, label in COLUMNS:
        names[field.lower()] = field
        names[label.lower()] = field
    return {names[v.strip().lower()]: i for i, v in enumerate(values) if v.strip().lower() in names}


def _field_of(location: tuple[Any, ...]) -> str | None:
    return str(location[0]) if location else None


def run(command: ImportRequest, actor: Principal, request: RequestInfo) -> ImportReport:
    language = request.language
    lines = read(command)
    errors: list[ImportError_] = []
    if not lines:
        return ImportReport(dry_run=command.dry_run, applied=False, rows=0, created=0, updated=0, unchanged=0,
                            errors=[ImportError_(line=1, field=None, code="empty",
                                                 message="файл пуст" if language == "ru" else "the file is empty")],
                            preview=[])
    header_line, header_values = lines[0]
    columns = _header(header_values)
    for field in REQUIRED:
        if field not in columns:
            label = dict(COLUMNS)[field]
            errors.append(ImportError_(line=header_line, field=field, code="missing-column",
                                       message=_text("missing-column", language, label=label)))
    if errors:
        return ImportReport(dry_run=command.dry_run, applied=False, rows=len(lines) - 1, created=0, updated=0,
                            unchanged=0, errors=errors, preview=[])

    parsed: list[tuple[int, CustomerCreate, str | None]] = []
    seen: dict[str, int] = {}
    managers: dict[str, str | None] = {}
    for line, values in lines[1:]:
        raw = {f: values[i] if i < len(values) else "" for f, i in columns.items() if f in IMPORTED}
        fields: dict[str, Any] = {k: v for k, v in raw.items() if v != "" and k != "manager_email"}
        if fields.get("inn", "").isdigit() and len(fields["inn"]) in (9, 11):
            fields["inn"] = fields["inn"].zfill(len(fields["inn"]) + 1)  # a spreadsheet dropped the leading 0
        if fields.get("kpp", "").isdigit() and len(fields["kpp"]) == 8:
            fields["kpp"] = fields["kpp"].zfill(9)
        row_errors: list[ImportError_] = []
        email = raw.get("manager_email", "")
        if email:
            try:
                email = normalize_email(email)
            except Exception:
                row_errors.append(ImportError_(line=line, field="manager_email", code="email",
                                               message=_text("email", language)))
                email = ""
            if email and email not in managers:
                user = directory.find_staff_by_email(email)
                managers[email] = user.id if user is not None and user.status == "active" else None
            if email and managers[email] is None:
                row_errors.append(ImportError_(line=line, field="manager_email", code="manager-unknown",
                                               message=_text("manager-unknown", language)))
            elif email:
                fields["manager_id"] = managers[email]
        try:
            customer = CustomerCreate.model_validate(fields)
        except ValidationError as exc:
            for error in exc.errors():
                column = _field_of(error.get("loc", ()))
                message = field_message(str(error.get("type", "")), language, error.get("ctx"),
                                        str(error.get("msg", "")).removeprefix("Value error, "))
                row_errors.append(ImportError_(line=line, field=column, code=str(error.get("type", "invalid")),
                                               message=message))
            errors.extend(row_errors)
            continue
        if customer.inn in seen:
            row_errors.append(ImportError_(line=line, field="inn", code="duplicate-inn",
                                           message=_text("duplicate-inn", language, line=seen[customer.inn])))
        seen.setdefault(customer.inn, line)
        errors.extend(row_errors)
        if not row_errors:
            parsed.append((line, customer, None))

    owners = repository.inns([c.inn for _, c, _ in parsed])
    existing = repository.organizations(owners.values())
    preview: list[ImportRow] = []
    plan: list[tuple[int, CustomerCreate, OrganizationRecord | None, dict[str, Any]]] = []
    for line, customer, _ in parsed:
        record = existing.get(owners.get(customer.inn, ""))
        if customer.inn in owners and record is None:
            errors.append(ImportError_(line=line, field="inn", code="inn-taken", message=_text("inn-taken", language)))
            continue
        if record is None:
            preview.append(ImportRow(line=line, inn=customer.inn, name=customer.name, action="create", org_id=None))
            plan.append((line, customer, None, {}))
            continue
        given = customer.model_dump(exclude_none=True)
        if "legal_name" not in given and record.legal_name:
            given.pop("legal_name", None)
        changes = {k: v for k, v in given.items() if k != "inn" and getattr(record, k) != v}
        preview.append(ImportRow(line=line, inn=customer.inn, name=customer.name,
                                 action="update" if changes else "unchanged", org_id=record.org_id,
                                 changes={k: [getattr(record, k), str(v)] for k, v in changes.items()}))
        plan.append((line, customer, record, changes))
    counts = {a: sum(1 for p in preview if p.action == a) for a in ("create", "update", "unchanged")}
    report = ImportReport(dry_run=command.dry_run, applied=False, rows=len(lines) - 1, created=counts["create"],
                          updated=counts["update"], unchanged=counts["unchanged"],
                          errors=sorted(errors, key=lambda e: e.line), preview=preview)
    if command.dry_run or errors:
        return report
    reason = f"import {command.file_name}" if command.file_name else "import"
    for line, customer, record, changes in plan:
        try:
            if record is None:
                service.create_customer(customer, actor, request, source="import", reason=reason)
            elif changes:
                service.update_customer(record.org_id, CustomerUpdate.model_validate(changes), actor, request,
                                        reason=reason)
        except Problem as exc:
            # a race with another change: what was applied stays (each row is idempotent by ИНН);
            # importing the same file again completes it
            report.errors.append(ImportError_(line=line, field=None, code=exc.code, message=exc.detail))
            return report
    report.applied = True
    return report
