"""Accounts rules without AWS: card validation (ИНН/КПП pairing), phones, external links, the name the
list sorts by, payment status with its due date, and spreadsheet cell defusing."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tessera.accounts.models import ContactCreate, ContractCreate, CustomerCreate, DocumentLinkRequest
from tessera.accounts.repository import fold, sort_name
from tessera.core.spreadsheet import defuse, undefuse
from tessera.licensing.payments import payment_state

ORG_INN = "7701452135"  # 10 digits, valid checksum
SOLE_INN = "027812345646"  # 12 digits, valid checksums


def _card(**changes: object) -> dict[str, object]:
    return {"name": "ООО «Альфа»", "inn": ORG_INN, "kpp": "770101001", "segment": "smb", "deployment": "saas",
            **changes}


def test_inn_and_kpp_go_together() -> None:
    assert CustomerCreate.model_validate(_card()).kpp == "770101001"
    with pytest.raises(ValidationError, match="needs a КПП"):
        CustomerCreate.model_validate(_card(kpp=None))
    with pytest.raises(ValidationError, match="no КПП"):
        CustomerCreate.model_validate(_card(inn=SOLE_INN))
    assert CustomerCreate.model_validate(_card(inn=SOLE_INN, kpp=None)).kpp is None
    with pytest.raises(ValidationError, match="ИНН"):
        CustomerCreate.model_validate(_card(inn="7701452136"))
    with pytest.raises(ValidationError):
        CustomerCreate.model_validate(_card(segment="retail"))


@pytest.mark.parametrize("raw, expected", [
    ("+7 (495) 123-45-67", "+74951234567"), ("8 916 123 45 67", "+79161234567"), ("79161234567", "+79161234567"),
    ("+49 30 1234567", "+49301234567")])
def test_phones_are_stored_in_e164(raw: str, expected: str) -> None:
    assert ContactCreate(name="Иван Петров", phone=raw).phone == expected


@pytest.mark.parametrize("raw", ["12345", "+0123456789", "телефон", "8 916 123 45"])
def test_bad_phones_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        ContactCreate(name="Иван Петров", phone=raw)


@pytest.mark.parametrize("url, ok", [
    ("https://disk.yandex.ru/d/AbC", True), ("https://cloud.mail.ru/public/x/y.pdf", True),
    ("https://files.example.com:8443/a?b=c", True), ("http://disk.yandex.ru/d/AbC", False),
    ("https://localhost/a", False), ("https://u:p@example.com/", False), ("javascript:alert(1)", False),
    ("https://", False)])
def test_external_links_are_https_urls(url: str, ok: bool) -> None:
    if ok:
        assert DocumentLinkRequest(kind="act", title="Акт", url=url).url == url
    else:
        with pytest.raises(ValidationError):
            DocumentLinkRequest(kind="act", title="Акт", url=url)


def test_contract_dates_are_in_order() -> None:
    body = {"number": "Д-1", "signed_on": "2026-01-01", "amount": {"kopecks": 1}, "valid_from": "2026-02-01"}
    assert ContractCreate.model_validate({**body, "valid_to": "2026-02-01"}).valid_to is not None
    with pytest.raises(ValidationError, match="valid_to"):
        ContractCreate.model_validate({**body, "valid_to": "2026-01-31"})


def test_the_list_sorts_by_the_name_without_the_legal_form() -> None:
    assert sort_name("ООО «Альфа Логистик»") == "альфа логистик"
    assert sort_name("ГБУ НСО «ЦЦР»") == "нсо ццр"
    assert sort_name("ИП Сафина А. Р.") == "сафина а. р."
    assert sort_name("ООО") == "ооо"  # a name that is only a legal form keeps it
    assert fold("  Ёлка   Плюс ") == "елка плюс"


def test_payment_state_turns_overdue_after_the_due_day_in_moscow() -> None:
    assert payment_state(None, None) is None
    assert payment_state("paid", "2026-03-15", datetime(2027, 1, 1, tzinfo=UTC)) == "paid"
    # 2026-03-15 20:59 UTC is still the 15th in Moscow (UTC+3); 21:00 UTC is the 16th
    assert payment_state("awaiting", "2026-03-15", datetime(2026, 3, 15, 20, 59, tzinfo=UTC)) == "awaiting"
    assert payment_state("awaiting", "2026-03-15", datetime(2026, 3, 15, 21, 0, tzinfo=UTC)) == "overdue"
    assert payment_state("awaiting", None, datetime(2030, 1, 1, tzinfo=UTC)) == "awaiting"


@pytest.mark.parametrize("value", ["=SUM(A1:A9)", "+7 495", "-5", "@cmd", "обычный текст", "'цитата"])
def test_cells_are_defused_and_restored(value: str) -> None:
    assert undefuse(defuse(value)) == value
    assert not defuse(value).startswith(("=", "+", "-", "@"))
