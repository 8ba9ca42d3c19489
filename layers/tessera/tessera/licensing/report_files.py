"""The licensing reports as files for management: XLSX (openpyxl) and PDF (fpdf2 with PT Sans, set up by
`tessera.core.pdf`)."""

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from tessera.core import clock
from tessera.core.money import Money
from tessera.core.pdf import FONT, new_document
from tessera.core.spreadsheet import defuse
from tessera.licensing.reports import PlanFactReport, RenewalReport, UsageReport

Language = Literal["ru", "en"]
Cell = str | int | float | None

TEXT: dict[str, dict[Language, str]] = {
    "sales": {"ru": "План-факт продаж модулей", "en": "Module sales: plan vs fact"},
    "renewals": {"ru": "Прогноз продлений", "en": "Renewal forecast"},
    "usage": {"ru": "Использование модулей", "en": "Module usage"},
    "month": {"ru": "Месяц", "en": "Month"},
    "module": {"ru": "Модуль", "en": "Module"},
    "plan_count": {"ru": "План, шт.", "en": "Plan, pcs"},
    "fact_count": {"ru": "Факт, шт.", "en": "Fact, pcs"},
    "plan_amount": {"ru": "План, ₽", "en": "Plan, RUB"},
    "fact_amount": {"ru": "Факт, ₽", "en": "Fact, RUB"},
    "done": {"ru": "Выполнение, %", "en": "Done, %"},
    "total": {"ru": "Итого", "en": "Total"},
    "expiring": {"ru": "Истекает", "en": "Expiring"},
    "renewed": {"ru": "Продлено", "en": "Renewed"},
    "pending": {"ru": "Ожидает продления", "en": "Pending"},
    "lapsed": {"ru": "Не продлено", "en": "Lapsed"},
    "renewed_amount": {"ru": "Продлено, ₽", "en": "Renewed, RUB"},
    "pending_amount": {"ru": "Ожидается, ₽", "en": "Expected, RUB"},
    "lapsed_amount": {"ru": "Потеряно, ₽", "en": "Lost, RUB"},
    "licenses": {"ru": "Лицензии", "en": "Licenses"},
    "customer": {"ru": "Клиент", "en": "Customer"},
    "license": {"ru": "Лицензия", "en": "License"},
    "ends_on": {"ru": "Окончание", "en": "Ends on"},
    "status": {"ru": "Статус", "en": "Status"},
    "amount": {"ru": "Сумма, ₽", "en": "Amount, RUB"},
    "licensed": {"ru": "Лицензировано", "en": "Licensed"},
    "used": {"ru": "Используется", "en": "Used"},
    "idle": {"ru": "Простаивает", "en": "Idle"},
    "installations": {"ru": "Установок", "en": "Installations"},
    "unlicensed": {"ru": "Без лицензии", "en": "Unlicensed"},
    "usage_share": {"ru": "Доля использования, %", "en": "Used, %"},
    "generated": {"ru": "Сформировано", "en": "Generated"},
    "period": {"ru": "Период", "en": "Period"},
    "window": {"ru": "Установки на связи за последние {days} дн.; живых лицензий: {live}, на связи: {reporting}",
               "en": "Installations heard from in the last {days} days; live licenses: {live}, reporting: {reporting}"},
}


@dataclass
class Table:
    title: str
    subtitle: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    bold_rows: set[int] = field(default_factory=set)  # totals
    money_columns: set[int] = field(default_factory=set)
    sheet: str = "Report"
    details: "Table | None" = None  # a second sheet / section


def _t(key: str, language: Language) -> str:
    return TEXT[key][language]


def _rubles(kopecks: int | None) -> float | None:
    return None if kopecks is None else kopecks / 100


def _percent(done: int, plan: int | None) -> float | None:
    return round(done * 100 / plan, 1) if plan else None


def sales_table(report: PlanFactReport, language: Language) -> Table:
    names = {m.code: m.name if language == "ru" else m.name_en for m in report.modules}
    table = Table(_t("sales", language), f"{_t('period', language)}: {report.months[0]} — {report.months[-1]}",
                  [_t(k, language) for k in ("month", "module", "plan_count", "fact_count", "plan_amount",
                                             "fact_amount", "done")], money_columns={4, 5}, sheet=_t("sales", language))
    totals = {t.month: t for t in report.totals}
    for month in report.months:
        for row in (r for r in report.rows if r.month == month):
            table.rows.append([month, names.get(row.module, row.module), row.plan_count, row.fact_count,
                               _rubles(row.plan_amount), _rubles(row.fact_amount),
                               _percent(row.fact_amount, row.plan_amount) if row.plan_amount
                               else _percent(row.fact_count, row.plan_count)])
        total = totals[month]
        table.bold_rows.add(len(table.rows))
        table.rows.append([month, _t("total", language), total.plan_count, total.fact_count,
                           _rubles(total.plan_amount), _rubles(total.fact_amount),
                           _percent(total.fact_amount, total.plan_amount)])
    return table


def renewals_table(report: RenewalReport, language: Language) -> Table:
    table = Table(_t("renewals", language),
                  f"{_t('period', language)}: {report.months[0].month} — {report.months[-1].month}",
                  [_t(k, language) for k in ("month", "expiring", "renewed", "pending", "lapsed", "renewed_amount",
                                             "pending_amount", "lapsed_amount")],
                  money_columns={5, 6, 7}, sheet=_t("renewals", language))
    details = Table(_t("licenses", language), "", [_t(k, language) for k in ("month", "customer", "license", "ends_on",
                                                                              "status", "amount")],
                    money_columns={5}, sheet=_t("licenses", language))
    for m in report.months:
        table.rows.append([m.month, m.expiring, m.renewed, m.pending, m.lapsed, _rubles(m.renewed_amount),
                           _rubles(m.pending_amount), _rubles(m.lapsed_amount)])
        for item in m.items:
            details.rows.append([m.month, item.customer or item.org_id, item.license_id, item.ends_on.isoformat(),
                                 _t(item.status, language), _rubles(item.amount)])
    table.bold_rows.add(len(table.rows))
    table.rows.append([_t("total", language), *[sum(int(r[i] or 0) for r in table.rows) for i in range(1, 5)],
                       *[round(sum(float(r[i] or 0) for r in table.rows), 2) for i in range(5, 8)]])
    table.details = details
    return table


def usage_table(report: UsageReport, language: Language) -> Table:
    table = Table(_t("usage", language), _t("window", language).format(
        days=report.window_days, live=report.live_licenses, reporting=report.reporting_licenses),
        [_t(k, language) for k in ("module", "licensed", "used", "idle", "usage_share", "installations",
                                   "unlicensed")], sheet=_t("usage", language))
    for m in report.modules:
        table.rows.append([m.name if language == "ru" else m.name_en, m.licensed, m.used, m.idle,
                           _percent(m.used, m.licensed), m.installations, m.unlicensed_installations])
    return table


# --- XLSX -------------------------------------------------------------------------------------------------

def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    for part in (table, table.details):
        if part is None:
            continue
        if part is not table:
            sheet = workbook.create_sheet()
        sheet.title = part.sheet[:31]
        sheet.append([part.title])
        sheet["A1"].font = Font(bold=True, size=14)
        if part.subtitle:
            sheet.append([part.subtitle])
        sheet.append([])
        header_row = sheet.max_row + 1
        sheet.append(part.headers)
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        for index, row in enumerate(part.rows):
            # names come from customers and staff: text never becomes a formula (numbers stay numbers)
            sheet.append([defuse(value) if isinstance(value, str) else value for value in row])
            if index in part.bold_rows:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
            for column in part.money_columns:
                sheet.cell(row=sheet.max_row, column=column + 1).number_format = "#,##0.00"
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        for column, header in enumerate(part.headers, start=1):
            width = max([len(str(header))] + [len(str(r[column - 1] or "")) for r in part.rows[:500]])
            sheet.column_dimensions[sheet.cell(row=header_row, column=column).column_letter].width = min(50, width + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF --------------------------------------------------------------------------------------------------

def _format(value: Cell, money: bool, language: Language) -> str:
    if value is None:
        return "—"
    if money and isinstance(value, (int, float)):
        money_value = Money(round(value * 100))
        text = money_value.format_ru() if language == "ru" else money_value.format_en()
        return text.replace("\u00a0₽", "").replace("RUB ", "")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",") if language == "ru" else f"{value:.1f}"
    return str(value)


def to_pdf(table: Table, language: Language, generated_at: datetime | None = None) -> bytes:
    from fpdf.fonts import FontFace

    pdf = new_document(table.title, orientation="landscape")
    stamp = (generated_at or clock.now()).strftime("%Y-%m-%d %H:%M UTC")
    for part in (table, table.details):
        if part is None or (part is not table and not part.rows):
            continue
        pdf.add_page()
        pdf.set_font(FONT, "B", 16)
        pdf.cell(0, 10, part.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        if part.subtitle:
            pdf.multi_cell(0, 6, part.subtitle, new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 6, f"{_t('generated', language)}: {stamp}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font(FONT, "", 9)
        numeric = {i for i in range(len(part.headers))
                   if all(isinstance(r[i], (int, float)) or r[i] is None for r in part.rows)} if part.rows else set()
        with pdf.table(headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 245)),
                       text_align=tuple("RIGHT" if i in numeric else "LEFT" for i in range(len(part.headers))),
                       line_height=5.5) as grid:
            grid.row(part.headers)
            for index, row in enumerate(part.rows):
                style = FontFace(emphasis="BOLD") if index in part.bold_rows else None
                grid.row([_format(v, i in part.money_columns, language) for i, v in enumerate(row)], style=style)
    return bytes(pdf.output())


def render(table: Table, file_format: Literal["xlsx", "pdf"], language: Language) -> tuple[str, bytes]:
    """The file's media type and bytes."""
    if file_format == "xlsx":
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx(table)
    return "application/pdf", to_pdf(table, language)


def table_for(report: Any, language: Language) -> Table:
    if isinstance(report, PlanFactReport):
        return sales_table(report, language)
    if isinstance(report, RenewalReport):
        return renewals_table(report, language)
    return usage_table(report, language)
