import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from tessera.billing.documents.model import Act, Party, Requisites, Upd
from tessera.core.money import Money
from tests.unit.billing.documents.samples import (
    BUYER,
    DAY,
    ENTREPRENEUR,
    SBERBANK,
    SELLER,
    buyer,
    invoice,
    line,
    seller,
)


def rub(text: str) -> Money:
    return Money.from_rubles(text)


def test_vat_included_22_percent() -> None:
    totals = invoice(line("12200.00")).totals
    assert (totals.gross, totals.vat, totals.net) == (rub("12200.00"), rub("2200.00"), rub("10000.00"))
    assert [(v.rate, v.amount) for v in totals.vat_by_rate] == [(22, rub("2200.00"))]


def test_vat_on_top() -> None:
    totals = invoice(line("10000.00"), prices_include_vat=False).totals
    assert (totals.net, totals.vat, totals.gross) == (rub("10000.00"), rub("2200.00"), rub("12200.00"))


def test_usn_seller_is_without_vat() -> None:
    document = invoice(line("9990.00", vat_rate=None), seller=Requisites.model_validate(ENTREPRENEUR))
    assert document.totals.vat == Money(0) and document.totals.vat_by_rate == ()
    assert document.totals.gross == document.totals.net == rub("9990.00")
    with pytest.raises(ValidationError) as caught:
        invoice(line("9990.00", vat_rate=22), seller=Requisites.model_validate(ENTREPRENEUR))
    assert caught.value.errors()[0]["type"] == "vat_not_for_usn"


def test_mixed_quantities_and_rates() -> None:
    document = invoice(line("9990.00", quantity="1.5"), line("100.00", quantity="0.333", vat_rate=10),
                       line("4990.00", quantity="3", vat_rate=None))
    assert [document.line_totals(item).gross for item in document.lines] == [
        rub("14985.00"), rub("33.30"), rub("14970.00")]
    totals = document.totals
    assert totals.gross == rub("29988.30")
    # 14 985,00 × 22/122 = 2 702,2131… → 2 702,21; 33,30 × 10/110 = 3,0272… → 3,03
    assert [(v.rate, v.amount) for v in totals.vat_by_rate] == [(10, rub("3.03")), (22, rub("2702.21"))]
    assert totals.vat == rub("2705.24") and totals.net == totals.gross - totals.vat


def test_amounts_round_half_even_per_line_then_sum() -> None:
    # 0,05 × 0,5 = 0,025 → 0,02 and 0,15 × 0,5 = 0,075 → 0,08 (to the even kopeck)
    halves = invoice(line("0.05", quantity="0.5", vat_rate=None), line("0.15", quantity="0.5", vat_rate=None))
    assert [halves.line_totals(item).gross for item in halves.lines] == [rub("0.02"), rub("0.08")]
    # each 0,10 holds 1,80… kopecks of VAT → 2; three lines → 6 kopecks (not 5 from the summed 0,30)
    three = invoice(*[line("0.10") for _ in range(3)])
    assert three.totals.vat == Money(6) and three.totals.net == Money(24)


def test_document_checks() -> None:
    with pytest.raises(ValidationError) as caught:
        invoice(line("1.00"), due_date=DAY - dt.timedelta(days=1))
    assert caught.value.errors()[0]["type"] == "due_before_date"
    with pytest.raises(ValidationError) as caught:
        line("1.00", quantity="0.0001")
    assert caught.value.errors()[0]["type"] == "quantity_precision"
    with pytest.raises(ValidationError) as caught:
        invoice(line("1.00"), line("1.00").model_copy(update={"unit_price": Money(100, "USD")}))
    assert caught.value.errors()[0]["type"] == "currency_not_rub"
    with pytest.raises(ValidationError):
        invoice()  # no lines
    common = {"number": "7", "date": DAY, "seller": seller(), "buyer": buyer(), "basis": "Оферта", "lines": [line("1")]}
    with pytest.raises(ValidationError) as caught:
        Act.model_validate({**common, "period_start": DAY, "period_end": DAY - dt.timedelta(days=1)})
    assert caught.value.errors()[0]["type"] == "period_invalid"


def test_upd_status_follows_vat() -> None:
    common = {"number": "7", "date": DAY, "buyer": buyer(), "basis": "Оферта"}
    assert Upd.model_validate({**common, "seller": seller(), "lines": [line("1")]}).status == 1
    assert Upd.model_validate({**common, "seller": Requisites.model_validate(ENTREPRENEUR),
                               "lines": [line("1", vat_rate=None)]}).status == 2


def _errors(data: dict[str, Any], model: type[Party] = Requisites) -> dict[tuple[Any, ...], str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return {error["loc"]: error["type"] for error in caught.value.errors()}


@pytest.mark.parametrize("change, field, code", [
    ({"inn": "7736207544"}, ("inn",), "inn_invalid"),
    ({"kpp": None}, ("kpp",), "kpp_required"),
    ({"ogrn": "1027700229194"}, ("ogrn",), "ogrn_invalid"),
    ({"ogrn": "304500116000157"}, ("ogrn",), "ogrn_kind_mismatch"),
    ({"bank": {**SBERBANK, "bik": "04452522"}}, ("bank", "bik"), "bik_invalid"),
    ({"bank": {**SBERBANK, "account": "40702810438000034727"}}, ("bank", "account"), "account_invalid"),
    ({"bank": {**SBERBANK, "account": "4070281043800003472"}}, ("bank", "account"), "account_invalid"),
    # Т-Банк's correspondent account does not belong to Сбербанк's БИК
    ({"bank": {**SBERBANK, "corr_account": "30101810145250000974"}}, ("bank", "corr_account"), "corr_account_invalid"),
    ({"tax_regime": "patent"}, ("tax_regime",), "enum"),
])
def test_requisites_tell_the_bad_field(change: dict[str, Any], field: tuple[str, ...], code: str) -> None:
    assert _errors({**SELLER, **change}) == {field: code}


def test_entrepreneur_requisites() -> None:
    entrepreneur = Requisites.model_validate(ENTREPRENEUR)
    assert entrepreneur.is_entrepreneur and entrepreneur.inn_kpp == "500100732259" and not entrepreneur.pays_vat
    assert _errors({**ENTREPRENEUR, "kpp": "773601001"}) == {("kpp",): "kpp_not_for_individual"}
    assert _errors({**ENTREPRENEUR, "ogrn": "1027700229193"}) == {("ogrn",): "ogrn_kind_mismatch"}
    assert _errors({**ENTREPRENEUR, "accountant": SELLER["accountant"]}) == {
        ("accountant",): "accountant_not_for_individual"}
    assert _errors({**BUYER, "kpp": None}, Party) == {("kpp",): "kpp_required"}


def test_error_messages_never_repeat_the_value() -> None:
    with pytest.raises(ValidationError) as caught:
        Requisites.model_validate({**SELLER, "bank": {**SBERBANK, "account": "40702810438000034727"}})
    assert all("40702810438000034727" not in error["msg"] for error in caught.value.errors())
