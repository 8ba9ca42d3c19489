"""Payments as CSV and XLSX: the console's export, and the import of bank statements (1С style).

Export: the payments of a period (Moscow dates), of one customer or all, with Russian headers, amounts in
rubles with kopecks and times in Moscow time; CSV separated by `;` (what Excel in a Russian locale splits into
columns) in UTF-8 with a BOM, XLSX with amounts as numbers.

Import, as the customers' import does it: every row is checked first and reported with its line and column; a
dry run answers the preview; applying writes nothing unless every row is valid. A row is a bank payment of an
invoice: `apply_payment(provider="bank")` under the id of its bank document (`<payer's ИНН>:<date>:<number>`:
a document number alone repeats between payers and years), so importing the same statement again
applies nothing twice."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from stdnum.ru import inn as inn_number

from tessera.accounts.models import AmountView, ImportError_
from tessera.accounts.service import matching_organization_ids, organization_names
from tessera.billing import repository, service
from tessera.billing.records import InvoiceRecord, PaymentRecord
from tessera.billing.service import Actor
from tessera.billing.settings import BillingSettings
from tessera.core import clock, spreadsheet
from tessera.core.errors import FieldError, Problem, ValidationFailed
from tessera.core.i18n import register
from tessera.core.money import Money
from tessera.core.settings import get_settings

MOSCOW = ZoneInfo("Europe/Moscow")
BANK_PROVIDER = "bank"  # payments read from a bank statement
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_EXPORT = 10_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

register({
    "export-too-large-payments": {"ru": "Слишком много платежей для выгрузки (больше {max_rows}). Сузьте период.",
                                  "en": "Too many payments to export (more than {max_rows}). Narrow the period."},
    "period-invalid": {"ru": "Начало периода позже его конца.", "en": "The period starts after it ends."},
})

# --- export ----------------------------------------------------------------------------------------

EXPORT_HEADER = ("Дата (МСК)", "Счёт №", "Клиент", "Сумма, ₽", "Возвращено, ₽", "Валюта", "Статус", "Способ оплаты",
                 "ID платежа у провайдера", "ID платежа", "ID счёта", "ID клиента")
EXPORT_WIDTHS = (17, 9, 36, 14, 14, 8, 20, 20, 40, 32, 32, 32)
STATUS_LABELS = {"applied": "зачтён", "refund_due": "к возврату", "mismatch": "сумма не совпала"}
PROVIDER_LABELS = {"yookassa": "ЮKassa", "tbank": "Т-Банк", "external": "1С / CRM", "manual": "вручную",
                   BANK_PROVIDER: "банковская выписка"}


def period_bounds(start: date | None, end: date | None) -> tuple[str, str]:
    """[start, end] as Moscow days → the half-open range of ISO UTC times the payments' index keys sort by."""
    if start and end and start > end:
        raise ValidationFailed("The period starts after it ends.", code="period-invalid",
                               errors=[FieldError("query.from", "after the end", "invalid")])
    low = datetime.combine(start, time(), MOSCOW) if start else datetime(2000, 1, 1, tzinfo=MOSCOW)
    high = datetime.combine(end + timedelta(days=1), time(), MOSCOW) if end else clock.now() + timedelta(days=1)
    return low.astimezone(UTC).isoformat(), high.astimezone(UTC).isoformat()


def _csv_rubles(kopecks: int) -> str:
    return f"{kopecks // 100},{kopecks % 100:02d}"  # the decimal comma Russian Excel reads as a number


def export_rows(records: Sequence[PaymentRecord], for_xlsx: bool) -> Iterator[list[str | Decimal]]:
    names = organization_names({r.org_id for r in records})
    invoices = repository.invoices([r.invoice_id for r in records])
    for record in records:
        invoice = invoices.get(record.invoice_id)
        amount, refunded = int(record.amount), int(record.refunded or 0)
        yield [record.created_at.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M"),
               str(int(invoice.number)) if invoice is not None and invoice.number else "",
               names.get(record.org_id, ""),
               Money(amount).rubles if for_xlsx else _csv_rubles(amount),
               Money(refunded).rubles if for_xlsx else _csv_rubles(refunded),
               record.currency, STATUS_LABELS.get(record.status, record.status),
               PROVIDER_LABELS.get(record.provider, record.provider), record.provider_payment_id,
               record.payment_id, record.invoice_id, record.org_id]


def export(format: Literal["csv", "xlsx"], org_id: str | None, start: date | None, end: date | None
           ) -> tuple[bytes, int]:
    """The payments of the period (Moscow days, both included), newest first, as a file; and how many."""
    low, high = period_bounds(start, end)
    records: list[PaymentRecord] = []
    for record in repository.payments_created(org_id, low, high):
        records.append(record)
        if len(records) > MAX_EXPORT:
            raise ValidationFailed("Too many payments to export.", code="export-too-large-payments",
                                   max_rows=MAX_EXPORT)
    if format == "csv":
        text_rows = ([str(value) for value in row] for row in export_rows(records, False))
        return spreadsheet.to_csv(EXPORT_HEADER, text_rows, delimiter=";"), len(records)
    return spreadsheet.to_xlsx("payments", EXPORT_HEADER, export_rows(records, True), EXPORT_WIDTHS), len(records)


# --- import ----------------------------------------------------------------------------------------

class PaymentImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["csv", "xlsx"]
    content_base64: str = Field(min_length=4, max_length=3_000_000, description="the file, base64 (≤ 2 MB)")
    file_name: str | None = Field(None, max_length=200)


class PaymentImportRow(BaseModel):
    line: int
    invoice_number: int
    invoice_id: str
    org_id: str
    amount: AmountView
    paid_on: date
    payer_inn: str
    document_number: str
    provider_payment_id: str = Field(description="the bank document's id the payment is recorded under")
    action: Literal["apply", "unchanged"] = Field(description="unchanged: imported before; nothing happens")


class PaymentImportReport(BaseModel):
    dry_run: bool
    applied: bool
    rows: int
    created: int = Field(description="payments applied (or, in a dry run, to apply)")
    unchanged: int
    errors: list[ImportError_]
    preview: list[PaymentImportRow]


# (field, header names accepted in any case: ours first, then 1С's names of a statement's fields)
COLUMNS = {
    "invoice_number": ("Счёт №", "Номер счёта", "Номер счета", "Счет №", "invoice_number"),
    "amount": ("Сумма", "Сумма, ₽", "amount"),
    "paid_on": ("Дата оплаты", "Дата", "Дата списания", "Дата поступления", "paid_at", "paid_on"),
    "payer_inn": ("ИНН плательщика", "ПлательщикИНН", "payer_inn"),
    "document_number": ("Номер документа", "Номер", "№ документа", "document_number"),
    "purpose": ("Назначение платежа", "НазначениеПлатежа", "purpose"),
}
REQUIRED = ("amount", "paid_on", "payer_inn", "document_number")
INVOICE_IN_PURPOSE = re.compile(r"сч[её]т\w*\s*(?:№|N|No\.?)?\s*(\d{1,9})", re.IGNORECASE)
DOCUMENT_NUMBER = re.compile(r"^[\w.-]{1,30}$")

_MESSAGES = {
    "missing-column": ("нет обязательного столбца «{label}»", "the required column “{label}” is missing"),
    "required": ("обязательное поле", "required"),
    "invoice-number": ("номер счёта — целое число", "the invoice number is a whole number"),
    "invoice-unknown": ("нет счёта с таким номером", "no invoice has this number"),
    "invoice-not-payable": ("счёт не ждёт оплаты (оплачен, аннулирован или черновик)",
                            "the invoice awaits no payment (paid, void or a draft)"),
    "amount": ("сумма в рублях, например 4990,00", "an amount in rubles, e.g. 4990.00"),
    "amount-mismatch": ("сумма не равна сумме счёта ({total})", "the amount differs from the invoice's ({total})"),
    "date": ("дата в виде ДД.ММ.ГГГГ, не в будущем", "a date as DD.MM.YYYY, not in the future"),
    "inn": ("неверный ИНН: 10 или 12 цифр с верной контрольной суммой",
            "not a valid ИНН: 10 or 12 digits with a correct checksum"),
    "payer-inn-mismatch": ("ИНН плательщика не совпадает с ИНН клиента по счёту",
                           "the payer's ИНН is not the invoice customer's"),
    "document-number": ("номер документа: до 30 букв, цифр и знаков . -",
                        "the document number: up to 30 letters, digits, dots and hyphens"),
    "duplicate-document": ("этот платёжный документ уже есть в строке {first}",
                           "this payment document is already on line {first}"),
    "duplicate-invoice": ("этот счёт уже оплачивается строкой {first}", "this invoice is already paid on line {first}"),
    "payment-id-reused": ("этот платёжный документ уже принят для другого счёта или суммы",
                          "this payment document was already accepted for another invoice or amount"),
    "empty": ("файл пуст", "the file is empty"),
}


def _text(code: str, language: str, **fields: Any) -> str:
    ru, en = _MESSAGES[code]
    return (ru if language == "ru" else en).format(**fields)


def read(command: PaymentImportRequest) -> list[tuple[int, list[str]]]:
    return spreadsheet.read_upload(command.content_base64, command.format, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


def parse_amount(text: str) -> Money | None:
    """Rubles as people and banks write them: «4 990,00», «4990.00», «4990-00» (1С), «4990»."""
    cleaned = re.sub(r"[\s\u00a0₽]|руб\.?", "", text).replace(",", ".")
    cleaned = re.sub(r"^(\d+)-(\d{2})$", r"\1.\2", cleaned)
    try:
        amount = Money.from_rubles(Decimal(cleaned))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.kopecks > 0 else None


def parse_date(text: str) -> date | None:
    """DD.MM.YYYY (1С, Russian Excel), YYYY-MM-DD, or a spreadsheet's date cell (read as ISO date and time)."""
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def bank_payment_id(payer_inn: str, document_number: str, paid_on: date) -> str:
    """A bank document is told apart by its payer, number and date (numbers restart every year and repeat
    between payers)."""
    return f"{payer_inn}:{paid_on.isoformat()}:{document_number}"


def _header(values: list[str]) -> dict[str, int]:
    names = {name.lower(): field for field, aliases in COLUMNS.items() for name in aliases}
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        field = names.get(value.strip().lower())
        if field is not None and field not in found:
            found[field] = index
    return found


@dataclass(frozen=True)
class _Row:
    line: int
    invoice: InvoiceRecord
    amount: Money
    paid_on: date
    payer_inn: str
    document_number: str

    @property
    def payment_id(self) -> str:
        return bank_payment_id(self.payer_inn, self.document_number, self.paid_on)


def _check_row(line: int, cells: dict[str, str], language: str, today: date
               ) -> tuple[_Row | None, list[ImportError_]]:
    """One row's own checks (formats, the invoice it names, the amount); the file-wide ones come later."""
    errors: list[ImportError_] = []

    def error(field: str | None, code: str, **fields: Any) -> None:
        errors.append(ImportError_(line=line, field=field, code=code, message=_text(code, language, **fields)))

    for field in REQUIRED:
        if not cells.get(field):
            error(field, "required")
    number_text = cells.get("invoice_number") or ""
    if not number_text and cells.get("purpose"):
        found = INVOICE_IN_PURPOSE.search(cells["purpose"])
        number_text = found.group(1) if found else ""
    invoice = None
    if not number_text:
        error("invoice_number", "required")
    elif not number_text.isdigit() or int(number_text) < 1:
        error("invoice_number", "invoice-number")
    else:
        invoice = repository.find_invoice_by_number(get_settings(BillingSettings).seller_id, int(number_text))
        if invoice is None:
            error("invoice_number", "invoice-unknown")
    amount = parse_amount(cells["amount"]) if cells.get("amount") else None
    if cells.get("amount") and amount is None:
        error("amount", "amount")
    paid_on = parse_date(cells["paid_on"]) if cells.get("paid_on") else None
    if cells.get("paid_on") and (paid_on is None or paid_on > today):
        error("paid_on", "date")
    payer_inn = cells.get("payer_inn", "")
    if payer_inn.isdigit() and len(payer_inn) in (9, 11):
        payer_inn = payer_inn.zfill(len(payer_inn) + 1)  # a spreadsheet dropped the leading 0
    if payer_inn and not inn_number.is_valid(payer_inn):
        error("payer_inn", "inn")
    document_number = cells.get("document_number", "")
    if document_number and not DOCUMENT_NUMBER.match(document_number):
        error("document_number", "document-number")
    if errors or invoice is None or amount is None or paid_on is None:
        return None, errors
    if (amount.kopecks, amount.currency) != (int(invoice.total), invoice.currency):
        error("amount", "amount-mismatch", total=Money(int(invoice.total), invoice.currency).format_ru())
        return None, errors
    return _Row(line=line, invoice=invoice, amount=amount, paid_on=paid_on, payer_inn=payer_inn,
                document_number=document_number), errors


def _customer_has_inn(org_id: str, inn: str, known: dict[str, list[str]]) -> bool:
    if inn not in known:
        known[inn] = matching_organization_ids(inn, most=10)[0]
    return org_id in known[inn]


def run(command: PaymentImportRequest, dry_run: bool, actor: Actor, language: str) -> PaymentImportReport:
    """Check every row, answer the preview; unless `dry_run` and if every row is valid, apply each payment."""
    lines = read(command)
    report = PaymentImportReport(dry_run=dry_run, applied=False, rows=max(len(lines) - 1, 0), created=0,
                                 unchanged=0, errors=[], preview=[])
    if not lines:
        report.errors.append(ImportError_(line=1, field=None, code="empty", message=_text("empty", language)))
        return report
    header_line, header_values = lines[0]
    columns = _header(header_values)
    missing = [f for f in REQUIRED if f not in columns]
    if "invoice_number" not in columns and "purpose" not in columns:
        missing.insert(0, "invoice_number")
    for field in missing:
        report.errors.append(ImportError_(line=header_line, field=field, code="missing-column",
                                          message=_text("missing-column", language, label=COLUMNS[field][0])))
    if report.errors:
        return report

    today = clock.now().astimezone(MOSCOW).date()
    documents: dict[str, int] = {}
    invoices: dict[str, int] = {}
    inns: dict[str, list[str]] = {}
    plan: list[tuple[_Row, bool]] = []
    for line, values in lines[1:]:
        cells = {field: values[index] if index < len(values) else "" for field, index in columns.items()}
        row, row_errors = _check_row(line, cells, language, today)
        report.errors.extend(row_errors)
        if row is None:
            continue

        def error(field: str, code: str, line: int = line, **fields: Any) -> None:
            report.errors.append(ImportError_(line=line, field=field, code=code,
                                              message=_text(code, language, **fields)))

        if row.payment_id in documents:
            error("document_number", "duplicate-document", first=documents[row.payment_id])
            continue
        documents[row.payment_id] = line
        if not _customer_has_inn(row.invoice.org_id, row.payer_inn, inns):
            error("payer_inn", "payer-inn-mismatch")
            continue
        existing = repository.find_payment(BANK_PROVIDER, row.payment_id)
        if existing is not None:
            if (existing.invoice_id, int(existing.amount)) != (row.invoice.invoice_id, row.amount.kopecks):
                error("document_number", "payment-id-reused")
                continue
            plan.append((row, False))
            continue
        if row.invoice.invoice_id in invoices:
            error("invoice_number", "duplicate-invoice", first=invoices[row.invoice.invoice_id])
            continue
        invoices[row.invoice.invoice_id] = line
        if row.invoice.status != "issued":
            error("invoice_number", "invoice-not-payable")
            continue
        plan.append((row, True))

    for row, new in plan:
        report.preview.append(PaymentImportRow(
            line=row.line, invoice_number=int(row.invoice.number or 0), invoice_id=row.invoice.invoice_id,
            org_id=row.invoice.org_id, amount=AmountView.of(row.amount.kopecks, row.amount.currency),
            paid_on=row.paid_on, payer_inn=row.payer_inn, document_number=row.document_number,
            provider_payment_id=row.payment_id, action="apply" if new else "unchanged"))
    report.created = sum(1 for _, new in plan if new)
    report.unchanged = len(plan) - report.created
    report.errors.sort(key=lambda e: e.line)
    if dry_run or report.errors:
        return report
    for row, new in plan:
        if not new:
            continue
        try:
            payment = service.apply_payment(provider=BANK_PROVIDER, provider_payment_id=row.payment_id,
                                            invoice_id=row.invoice.invoice_id, attempt=0, amount=row.amount,
                                            actor=actor)
        except Problem as exc:
            # a race with another change: what was applied stays (each row is idempotent by its document);
            # importing the same file again completes it
            report.errors.append(ImportError_(line=row.line, field=None, code=exc.code, message=exc.detail))
            return report
        if payment.status != "applied":  # the invoice was paid meanwhile: the money is recorded, owed back
            report.errors.append(ImportError_(line=row.line, field="invoice_number", code=payment.status,
                                              message=_text("invoice-not-payable", language)))
    report.applied = True
    return report
