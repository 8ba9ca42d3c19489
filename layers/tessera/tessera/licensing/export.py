"""The console's license list as a file (XLSX or CSV), with the list's filters and Russian headers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal
from zoneinfo import ZoneInfo

from tessera.core import spreadsheet
from tessera.core.errors import ValidationFailed
from tessera.core.i18n import register
from tessera.licensing import service
from tessera.licensing.models import LicenseFilters, LicenseListItem

MOSCOW = ZoneInfo("Europe/Moscow")
MAX_EXPORT = 10_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ("ID", "Клиент", "ID клиента", "Продукт", "Тариф", "Модули", "Начало", "Окончание", "Льготный период, дн.",
          "Домен", "Статус", "Состояние", "Версия", "Оплата", "Выдана (МСК)")
WIDTHS = (32, 36, 32, 16, 16, 40, 12, 12, 10, 30, 12, 16, 8, 12, 17)
STATUS_LABELS = {"active": "действует", "suspended": "приостановлена", "revoked": "отозвана"}
PAYMENT_LABELS = {"paid": "оплачена", "awaiting": "ждёт оплаты", "overdue": "просрочена"}

register({
    "export-too-large-licenses": {"ru": "Слишком много лицензий для выгрузки (больше {max_rows}). Сузьте фильтры.",
                                  "en": "Too many licenses to export (more than {max_rows}). Narrow the filters."},
})


def rows(items: Sequence[LicenseListItem]) -> Iterator[list[str]]:
    for item in items:
        yield [item.id, item.customer_name or "", item.org_id, item.product, item.plan, ", ".join(item.modules),
               item.starts_on.strftime("%d.%m.%Y"), item.ends_on.strftime("%d.%m.%Y"), str(item.grace_days),
               item.domain, STATUS_LABELS.get(item.status, item.status), str(item.state), str(item.version),
               PAYMENT_LABELS.get(item.payment_status or "", ""),
               item.created_at.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")]


def export(filters: LicenseFilters, format: Literal["csv", "xlsx"]) -> tuple[bytes, int]:
    """Every license the list's filters match, newest first (page by page), as a file; and how many."""
    items: list[LicenseListItem] = []
    cursor: str | None = None
    while True:
        page = service.list_licenses(filters, cursor, 100)
        items.extend(page.items)
        if len(items) > MAX_EXPORT:
            raise ValidationFailed("Too many licenses to export.", code="export-too-large-licenses",
                                   max_rows=MAX_EXPORT)
        cursor = page.next_cursor
        if cursor is None:
            break
    if format == "csv":
        return spreadsheet.to_csv(HEADER, rows(items), delimiter=";"), len(items)
    return spreadsheet.to_xlsx("licenses", HEADER, rows(items), WIDTHS), len(items)
