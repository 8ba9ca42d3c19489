"""Parties with real, checksum-valid identifiers and bank details (public requisites)."""

import datetime as dt
from decimal import Decimal

from tessera.billing.documents.model import MONTH, DocumentLine, Invoice, Party, Requisites, VatRate
from tessera.core.money import Money

SBERBANK = {"bank_name": "ПАО Сбербанк, г. Москва", "bik": "044525225", "account": "40702810438000034726",
            "corr_account": "30101810400000000225"}
SELLER = {"name": "ООО «Тессера»", "inn": "7736207543", "kpp": "770401001", "ogrn": "1027700229193",
          "address": "119021, г. Москва, ул. Льва Толстого, д. 16", "bank": SBERBANK,
          "head": {"position": "Генеральный директор", "name": "Иванов И. И."},
          "accountant": {"position": "Главный бухгалтер", "name": "Петрова А. С."}, "tax_regime": "osn"}
BUYER = {"name": "ООО «Василёк»", "inn": "7707083893", "kpp": "773601001",
         "address": "117312, г. Москва, ул. Вавилова, д. 19"}
ENTREPRENEUR = {"name": "ИП Сидоров Пётр Ильич", "inn": "500100732259", "ogrn": "304500116000157",
                "address": "141400, Московская обл., г. Химки, ул. Мира, д. 1", "bank": SBERBANK,
                "head": {"position": "Индивидуальный предприниматель", "name": "Сидоров П. И."},
                "tax_regime": "usn"}
DAY = dt.date(2026, 12, 3)


def seller(**changes: object) -> Requisites:
    return Requisites.model_validate({**SELLER, **changes})


def buyer() -> Party:
    return Party.model_validate(BUYER)


def line(rubles: str, vat_rate: VatRate = 22, quantity: str = "1", description: str = "Fast Lead «Про», декабрь 2026"
         ) -> DocumentLine:
    return DocumentLine(description=description, quantity=Decimal(quantity), unit=MONTH,
                        unit_price=Money.from_rubles(rubles), vat_rate=vat_rate)


def invoice(*lines: DocumentLine, **extra: object) -> Invoice:
    return Invoice.model_validate({"number": "2026-000123", "date": DAY, "seller": seller(), "buyer": buyer(),
                                   "lines": lines, "basis": "Договор-оферта от 1 марта 2026 г.",
                                   "due_date": dt.date(2026, 12, 10), **extra})

