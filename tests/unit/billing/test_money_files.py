"""Pure parts of refunds and payment files: a partial refund's receipt shared over the invoice's lines, the
bank statement's amounts, dates and columns as people and 1С write them, and the tables' formats."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tessera.billing.payments_io import _header, bank_payment_id, parse_amount, parse_date
from tessera.billing.providers.port import VatRate
from tessera.billing.records import InvoiceRecord
from tessera.billing.refunds import refund_receipt
from tessera.core.money import Money
from tessera.core.spreadsheet import read_table, to_csv, to_xlsx


def invoice(*lines: tuple[int, int | None]) -> InvoiceRecord:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    return InvoiceRecord(pk="INV#inv_1", sk="INVOICE", invoice_id="inv_1", org_id="org_1", seller_id="main",
                         number=17, status="paid", purpose={"kind": "license_renewal"}, currency="RUB",
                         lines=[{"description": f"Строка {i}", "quantity": 1, "unit_price": amount, "amount": amount,
                                 "vat_rate": vat, "vat": 0} for i, (amount, vat) in enumerate(lines, start=1)],
                         total=sum(amount for amount, _ in lines), vat_total=0, created_at=now, updated_at=now)


def test_a_whole_refund_has_the_invoices_lines() -> None:
    receipt = refund_receipt(invoice((999_000, 22)), "owner@romashka.ru", Money(999_000))
    assert [(i.description, i.unit_price, i.vat) for i in receipt.items] == [("Строка 1", Money(999_000),
                                                                              VatRate.VAT22)]


def test_a_partial_refund_is_shared_over_the_lines_by_their_amounts() -> None:
    receipt = refund_receipt(invoice((600_000, 22), (300_000, None), (100_001, 22)), "a@b.ru", Money(333_333))
    shares = [item.unit_price.kopecks for item in receipt.items]
    assert sum(shares) == 333_333 and receipt.total == Money(333_333)
    assert shares[:2] == [Money(333_333).prorate(600_000, 1_000_001).kopecks,
                          Money(333_333).prorate(300_000, 1_000_001).kopecks]
    assert [item.vat for item in receipt.items] == [VatRate.VAT22, VatRate.NONE, VatRate.VAT22]


def test_a_tiny_partial_refund_leaves_out_lines_with_nothing() -> None:
    receipt = refund_receipt(invoice((999_000, 22), (1_000, 22)), "a@b.ru", Money(1))
    assert [item.unit_price for item in receipt.items] == [Money(1)]


@pytest.mark.parametrize(("text", "kopecks"), [
    ("4 990,00", 499_000), ("4990.00", 499_000), ("4990-00", 499_000), ("4990", 499_000),
    ("1\u00a0234,5 ₽", 123_450), ("12 200 руб.", 1_220_000)])
def test_amounts_as_banks_and_people_write_them(text: str, kopecks: int) -> None:
    assert parse_amount(text) == Money(kopecks)


@pytest.mark.parametrize("text", ["", "abc", "0", "-5", "4990,001", "1e3x"])
def test_amounts_that_are_not_refused(text: str) -> None:
    assert parse_amount(text) is None


def test_dates_from_1c_excel_and_iso() -> None:
    assert parse_date("01.03.2026") == parse_date("2026-03-01") == parse_date("2026-03-01 00:00:00") == date(2026, 3, 1)
    assert parse_date("31.02.2026") is None and parse_date("вчера") is None


def test_columns_by_our_names_or_1c_ones_in_any_case() -> None:
    assert _header(["НОМЕР", "Дата", "сумма", "ПлательщикИНН", "НазначениеПлатежа", "лишнее"]) == {
        "document_number": 0, "paid_on": 1, "amount": 2, "payer_inn": 3, "purpose": 4}


def test_a_bank_document_is_its_payer_date_and_number() -> None:
    assert bank_payment_id("7707083893", "ПП-17", date(2026, 3, 1)) == "7707083893:2026-03-01:ПП-17"


def test_csv_with_semicolons_reads_back_and_xlsx_keeps_amounts_as_numbers() -> None:
    data = to_csv(["Сумма", "Клиент"], [["4990,00", "=cmd"]], delimiter=";")
    assert data.startswith("\ufeff".encode()) and b"4990,00;'=cmd\r\n" in data
    assert read_table(data, "csv", 10) == [(1, ["Сумма", "Клиент"]), (2, ["4990,00", "=cmd"])]
    sheet = load_workbook(io.BytesIO(to_xlsx("s", ["Сумма"], [[Decimal("4990.00")]]))).active
    assert sheet["A2"].value == Decimal("4990") and sheet["A2"].number_format == "#,##0.00"
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))[1] == ["4990,00", "'=cmd"]
