"""The closing documents as PDFs in Russian (fpdf2 + PT Sans via `tessera.core.pdf`): the счёт на оплату
and the акт as their customary forms, the УПД as its statutory layout reduced to the required fields
(docs/design/billing-documents.md says what is left out). Long descriptions wrap in their cells; a long
table breaks pages and repeats its header; totals, the amount in words and signatures stay together."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from tessera.billing.documents.model import Act, Document, Invoice, Party, Requisites, Upd
from tessera.billing.documents.words import amount_in_words, date_ru
from tessera.core.money import NBSP, Money
from tessera.core.pdf import FONT, new_document

if TYPE_CHECKING:
    from fpdf import FPDF

SIGNATURE_LINE = "_" * 24
HEADING_FILL = (235, 235, 235)


def render(document: Invoice | Act | Upd) -> bytes:
    """The document's PDF; the file's media type is application/pdf."""
    if isinstance(document, Invoice):
        return invoice_pdf(document)
    if isinstance(document, Act):
        return act_pdf(document)
    return upd_pdf(document)


def _money(amount: Money) -> str:
    """12 200,00 (digit groups by non-breaking spaces, no currency sign: tables are in rubles)."""
    return amount.format_ru().removesuffix(f"{NBSP}₽")


def _quantity(quantity: Decimal) -> str:
    return format(quantity, "f").replace(".", ",")


def _party(party: Party, with_bank: bool = False) -> str:
    parts = [party.name]
    if party.inn:
        parts.append(f"ИНН {party.inn}")
    if party.kpp:
        parts.append(f"КПП {party.kpp}")
    if party.address:
        parts.append(party.address)
    if isinstance(party, Requisites):
        if party.phone:
            parts.append(f"тел. {party.phone}")
        if with_bank:
            parts += [f"р/с {party.bank.account}", f"в банке {party.bank.bank_name}", f"БИК {party.bank.bik}",
                      f"к/с {party.bank.corr_account}"]
    return ", ".join(parts)


def _font(pdf: FPDF, size: float, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)


def _title(pdf: FPDF, text: str) -> None:
    _font(pdf, 14, bold=True)
    pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(3)


def _labelled(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    """Label / bold text pairs without borders (Поставщик, Покупатель, Основание, …)."""
    from fpdf.enums import TableBordersLayout
    from fpdf.fonts import FontFace

    _font(pdf, 9)
    with pdf.table(col_widths=(32, 158), borders_layout=TableBordersLayout.NONE, first_row_as_headings=False,
                   text_align=("LEFT", "LEFT"), v_align="TOP", line_height=4.5, padding=(0.8, 0)) as grid:
        for label, text in rows:
            row = grid.row()
            row.cell(label)
            row.cell(text, style=FontFace(emphasis="BOLD"))
    pdf.ln(2)


def _vat_rows(document: Document) -> list[tuple[str, str]]:
    totals = document.totals
    if not totals.vat_by_rate:
        return [("Без НДС", "—")]
    label = "В том числе НДС" if document.prices_include_vat else "Сумма НДС"
    return [(f"{label} ({vat.rate}{NBSP}%):", _money(vat.amount)) for vat in totals.vat_by_rate]


def _lines_table(pdf: FPDF, document: Document, description_heading: str) -> None:
    from fpdf.fonts import FontFace

    _font(pdf, 9)
    with pdf.table(col_widths=(9, 95, 17, 13, 28, 28), line_height=4.5, v_align="TOP", padding=(0.8, 1),
                   text_align=("CENTER", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"),
                   headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL)) as grid:
        heading = grid.row()
        for text in ("№", description_heading, "Кол-во", "Ед.", "Цена", "Сумма"):
            heading.cell(text, align="CENTER")
        for number, line in enumerate(document.lines, start=1):
            grid.row((str(number), line.description, _quantity(line.quantity), line.unit.name,
                      _money(line.unit_price), _money(line.amount)))


def _totals(pdf: FPDF, document: Document) -> None:
    totals = document.totals
    subtotal = totals.gross if document.prices_include_vat else totals.net
    rows = [("Итого:", _money(subtotal)), *_vat_rows(document), ("Всего к оплате:", _money(totals.gross))]
    pdf.ln(1)
    _font(pdf, 9, bold=True)
    for label, value in rows:
        pdf.cell(pdf.epw - 28, 5, label, align="R")
        pdf.cell(28, 5, value, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _sum_in_words(pdf: FPDF, document: Document, lead: str) -> None:
    _font(pdf, 9)
    pdf.multi_cell(0, 5, f"{lead} {len(document.lines)}, на сумму {_money(document.totals.gross)} руб.",
                   new_x="LMARGIN", new_y="NEXT")
    _font(pdf, 9, bold=True)
    pdf.multi_cell(0, 5, amount_in_words(document.totals.gross), new_x="LMARGIN", new_y="NEXT")


def _keep_together(pdf: FPDF, document: Document, height: float) -> None:
    """Start a new page unless the closing block (totals, words, signatures: `height` mm with one VAT row)
    fits on this one. fpdf2's unbreakable() cannot hold a table (it replays recorded calls), so the
    blocks' heights are known instead."""
    height += 5 * (len(_vat_rows(document)) - 1)
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _signed_by(signatory_name: str) -> str:
    return f"{SIGNATURE_LINE} / {signatory_name} /"


def _seller_signatures(seller: Requisites) -> list[tuple[str, str]]:
    """(who, line) pairs: an organization's head and accountant; an ИП alone."""
    if seller.is_entrepreneur:
        return [(seller.head.position, _signed_by(seller.head.name))]
    accountant = seller.accountant or seller.head  # without a chief accountant the head keeps the books
    return [("Руководитель", f"{seller.head.position} {_signed_by(seller.head.name)}"),
            ("Бухгалтер", _signed_by(accountant.name))]


def invoice_pdf(invoice: Invoice) -> bytes:
    from fpdf.enums import TableBordersLayout

    seller, bank = invoice.seller, invoice.seller.bank
    title = f"Счёт на оплату № {invoice.number} от {date_ru(invoice.date)}"
    pdf = new_document(title)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()

    _font(pdf, 9)
    with pdf.table(col_widths=(52, 52, 16, 70), first_row_as_headings=False, line_height=4.5, v_align="TOP",
                   borders_layout=TableBordersLayout.ALL, padding=(0.8, 1), text_align="LEFT") as grid:
        row = grid.row()
        row.cell(f"{bank.bank_name}\n\nБанк получателя", colspan=2, rowspan=2)
        row.cell("БИК")
        row.cell(bank.bik)
        row = grid.row()
        row.cell("Сч. №")
        row.cell(bank.corr_account)
        row = grid.row()
        if seller.kpp:
            row.cell(f"ИНН {seller.inn}")
            row.cell(f"КПП {seller.kpp}")
        else:
            row.cell(f"ИНН {seller.inn}", colspan=2)
        row.cell("Сч. №", rowspan=2)
        row.cell(bank.account, rowspan=2)
        grid.row().cell(f"{seller.name}\n\nПолучатель", colspan=2)
    pdf.ln(5)

    _title(pdf, title)
    _labelled(pdf, [("Поставщик\n(Исполнитель):", _party(seller)), ("Покупатель\n(Заказчик):", _party(invoice.buyer)),
                    ("Основание:", invoice.basis)])
    _lines_table(pdf, invoice, "Товары (работы, услуги)")
    _keep_together(pdf, invoice, 75)
    _totals(pdf, invoice)
    _sum_in_words(pdf, invoice, "Всего наименований")
    if invoice.due_date:
        _font(pdf, 9)
        pdf.ln(1)
        pdf.multi_cell(0, 5, f"Оплатить не позднее {date_ru(invoice.due_date)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(6)
    _font(pdf, 9)
    for who, line in _seller_signatures(seller):
        _font(pdf, 9, bold=True)
        pdf.cell(max(32, pdf.get_string_width(who) + 4), 6, who)
        _font(pdf, 9)
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    return bytes(pdf.output())


def act_pdf(act: Act) -> bytes:
    from fpdf.enums import TableBordersLayout

    title = f"Акт № {act.number} от {date_ru(act.date)}"
    pdf = new_document(title)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    _title(pdf, title)
    rows = [("Исполнитель:", _party(act.seller, with_bank=True)), ("Заказчик:", _party(act.buyer)),
            ("Основание:", act.basis)]
    if act.period_start and act.period_end:
        rows.append(("Период:", f"с {date_ru(act.period_start)} по {date_ru(act.period_end)}"))
    _labelled(pdf, rows)
    _lines_table(pdf, act, "Наименование работ, услуг")
    _keep_together(pdf, act, 80)
    _totals(pdf, act)
    _sum_in_words(pdf, act, "Всего оказано услуг")
    _font(pdf, 9)
    pdf.ln(2)
    pdf.multi_cell(0, 5, "Вышеперечисленные услуги выполнены полностью и в срок. Заказчик претензий по объему, "
                         "качеству и срокам оказания услуг не имеет.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)
    seller = act.seller
    with pdf.table(col_widths=(1, 1), borders_layout=TableBordersLayout.NONE, first_row_as_headings=False,
                   line_height=5, v_align="TOP", gutter_width=10, text_align="LEFT") as grid:
        grid.row(("ИСПОЛНИТЕЛЬ", "ЗАКАЗЧИК"))
        grid.row((f"{seller.head.position} {seller.name}", act.buyer.name))
        grid.row((f"\n{_signed_by(seller.head.name)}", f"\n{_signed_by(' ' * 16)}"))
        grid.row(("М.П.", "М.П."))
    return bytes(pdf.output())


def upd_pdf(upd: Upd) -> bytes:
    from fpdf.enums import TableBordersLayout
    from fpdf.fonts import FontFace

    seller, buyer, totals = upd.seller, upd.buyer, upd.totals
    number_date = f"№ {upd.number} от {date_ru(upd.date)}"
    pdf = new_document(f"УПД {number_date}", orientation="landscape", bottom_margin=8)
    pdf.set_margins(8, 8, 8)
    pdf.add_page()

    top = pdf.get_y()
    _font(pdf, 9, bold=True)
    pdf.multi_cell(40, 4.5, f"Универсальный\nпередаточный\nдокумент\n\nСтатус: {upd.status}", border=1,
                   new_x="LMARGIN", new_y="NEXT")
    _font(pdf, 6.5)
    pdf.multi_cell(40, 3, "1 — счёт-фактура и передаточный документ (акт)\n2 — передаточный документ (акт)",
                   align="L", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_y(top)
    _font(pdf, 8)
    shipped_on = upd.shipped_on or upd.date
    header = [
        ("Счёт-фактура", number_date, "(1)"),
        ("Исправление", "№ — от —", "(1а)"),
        ("Продавец", seller.name, "(2)"),
        ("Адрес", seller.address, "(2а)"),
        ("ИНН/КПП продавца", seller.inn_kpp, "(2б)"),
        ("Грузоотправитель и его адрес", "—", "(3)"),
        ("Грузополучатель и его адрес", "—", "(4)"),
        ("К платёжно-расчётному документу", "№ — от —", "(5)"),
        ("Документ об отгрузке", f"№ п/п 1–{len(upd.lines)} {number_date}", "(5а)"),
        ("Покупатель", buyer.name, "(6)"),
        ("Адрес", buyer.address or "—", "(6а)"),
        ("ИНН/КПП покупателя", buyer.inn_kpp, "(6б)"),
        ("Валюта: наименование, код", "Российский рубль, 643", "(7)"),
    ]
    with pdf.table(width=pdf.epw - 44, align="RIGHT", col_widths=(55, 163, 13), first_row_as_headings=False,
                   borders_layout=TableBordersLayout.HORIZONTAL_LINES, line_height=3.8,
                   text_align=("LEFT", "LEFT", "RIGHT")) as grid:
        for index, (label, value, code) in enumerate(header):
            row = grid.row()
            row.cell(label)
            row.cell(value, style=FontFace(emphasis="BOLD") if index in (0, 2, 9) else None)
            row.cell(code)
    pdf.set_y(max(pdf.get_y(), left_bottom) + 3)

    _font(pdf, 7)
    columns = (  # the heading and the form's column code
        ("№ п/п", "А"), ("Код товара/ работ, услуг", "Б"),
        ("Наименование товара (описание выполненных работ, оказанных услуг), имущественного права", "1"),
        ("Ед. изм.: код", "2"), ("Ед. изм.: условное обозначение", "2а"), ("Количество (объём)", "3"),
        ("Цена (тариф) за единицу измерения", "4"),
        ("Стоимость товаров (работ, услуг), имущественных прав без налога — всего", "5"),
        ("В том числе сумма акциза", "6"), ("Налоговая ставка", "7"), ("Сумма налога, предъявляемая покупателю", "8"),
        ("Стоимость товаров (работ, услуг), имущественных прав с налогом — всего", "9"),
    )
    with pdf.table(col_widths=(8, 14, 79, 13, 18, 17, 22, 26, 14, 14, 24, 26), num_heading_rows=2, line_height=3.5,
                   v_align="TOP", padding=(0.6, 0.8), headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
                   text_align=("CENTER", "CENTER", "LEFT", "CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "CENTER",
                               "CENTER", "RIGHT", "RIGHT")) as grid:
        for part in (0, 1):
            heading = grid.row()
            for column in columns:
                heading.cell(column[part], align="CENTER")
        for number, line in enumerate(upd.lines, start=1):
            money = upd.line_totals(line)
            share = line.quantity.as_integer_ratio()
            grid.row((str(number), "—", line.description, line.unit.okei, line.unit.name, _quantity(line.quantity),
                      _money(money.net.prorate(share[1], share[0])), _money(money.net), "без акциза",
                      "без НДС" if line.vat_rate is None else f"{line.vat_rate}%",
                      "без НДС" if line.vat_rate is None else _money(money.vat), _money(money.gross)))
        row = grid.row(style=FontFace(emphasis="BOLD"))
        row.cell("Всего к оплате", colspan=7, align="LEFT")
        row.cell(_money(totals.net))
        row.cell("X", colspan=2, align="CENTER")
        row.cell(_money(totals.vat) if totals.vat_by_rate else "без НДС")
        row.cell(_money(totals.gross))

    _keep_together(pdf, upd, 60)
    pdf.ln(3)
    _font(pdf, 8)
    signatures = (
        [("Индивидуальный предприниматель", _signed_by(seller.head.name)),
         ("Реквизиты свидетельства о государственной регистрации ИП", f"ОГРНИП {seller.ogrn}")]
        if seller.is_entrepreneur else
        [("Руководитель организации или иное уполномоченное лицо", _signed_by(seller.head.name)),
         ("Главный бухгалтер или иное уполномоченное лицо", _signed_by((seller.accountant or seller.head).name))])
    with pdf.table(col_widths=(1, 1, 1, 1), borders_layout=TableBordersLayout.NONE, first_row_as_headings=False,
                   line_height=4, v_align="BOTTOM", text_align="LEFT") as grid:
        grid.row([text for pair in signatures for text in pair])
    pdf.ln(2)
    _labelled_wide(pdf, [("Основание передачи (сдачи) / получения (приёмки)", f"{upd.basis} (8)"),
                         ("Данные о транспортировке и грузе", "— (9)")])
    with pdf.table(col_widths=(1, 1), borders_layout=TableBordersLayout.NONE, first_row_as_headings=False,
                   line_height=4, v_align="TOP", gutter_width=8, text_align="LEFT") as grid:
        grid.row((f"Товар (груз) передал / услуги, результаты работ, права сдал (10)\n{seller.head.position} "
                  f"{_signed_by(seller.head.name)}",
                  f"Товар (груз) получил / услуги, результаты работ, права принял (15)\n{_signed_by(' ' * 16)}"))
        grid.row((f"Дата отгрузки, передачи (сдачи): {date_ru(shipped_on)} (11)",
                  "Дата получения (приёмки): «____» ______________ 20___ г. (16)"))
        grid.row((f"Наименование экономического субъекта — составителя документа (в т. ч. комиссионера / "
                  f"агента): {seller.name}, ИНН/КПП {seller.inn_kpp} (14)\nМ.П.",
                  f"Наименование экономического субъекта — составителя документа: {buyer.name}, ИНН/КПП "
                  f"{buyer.inn_kpp} (19)\nМ.П."))
    return bytes(pdf.output())


def _labelled_wide(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    for label, text in rows:
        pdf.multi_cell(0, 4, f"{label}: {text}", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
