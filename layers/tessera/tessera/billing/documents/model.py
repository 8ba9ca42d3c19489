"""The closing documents as data: the parties' requisites, lines, the счёт на оплату, the акт and the УПД
with their totals computed exactly in kopecks. Numbers and dates come from the billing core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tessera.core.i18n import register_fields
from tessera.core.money import Money
from tessera.core.ru_ids import (
    BIK,
    INN,
    KPP,
    OGRN,
    correspondent_account_matches,
    settlement_account_matches,
)

register_fields({
    "kpp_required": {"ru": "У организации есть КПП: укажите его.", "en": "An organization has a КПП: enter it."},
    "kpp_not_for_individual": {"ru": "У индивидуального предпринимателя нет КПП.",
                               "en": "An individual entrepreneur has no КПП."},
    "ogrn_kind_mismatch": {"ru": "У организации ОГРН из 13 цифр, у ИП ОГРНИП из 15.",
                           "en": "An organization has a 13-digit ОГРН, an entrepreneur a 15-digit ОГРНИП."},
    "accountant_not_for_individual": {"ru": "Индивидуальный предприниматель подписывает документы сам.",
                                      "en": "An individual entrepreneur signs the documents himself."},
    "vat_not_for_usn": {"ru": "Продавец на УСН без НДС: ставка НДС в строке должна быть «Без НДС».",
                        "en": "The seller is on the simplified system without VAT: a line's VAT rate must be none."},
    "currency_not_rub": {"ru": "Документы выставляются в рублях.", "en": "Documents are issued in rubles."},
    "quantity_precision": {"ru": "Количество — не больше 3 знаков после запятой.",
                           "en": "A quantity has at most 3 decimal places."},
    "period_invalid": {"ru": "У периода есть первый и последний день, по порядку.",
                       "en": "A period has a first and a last day, in this order."},
    "due_before_date": {"ru": "Срок оплаты не может быть раньше даты документа.",
                        "en": "The payment due date cannot be before the document's date."},
})

# VAT rate in percent, as data: 22 is the standard rate from 2026 (20 before), 10 reduced, 0 export;
# None is "Без НДС" (the seller is not a VAT payer, or the service is exempt).
VatRate = Literal[22, 20, 10, 0] | None

_Text = Annotated[str, Field(min_length=1, max_length=500)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class TaxRegime(StrEnum):
    OSN = "osn"  # общая система: a VAT payer
    USN = "usn"  # упрощённая система, without VAT


class Unit(_Model):
    """A unit of measure by its ОКЕИ code (the УПД needs the code, the others print the name)."""

    okei: str = Field(pattern=r"^\d{3,4}$")
    name: str = Field(min_length=1, max_length=20)


SERVICE_UNIT = Unit(okei="876", name="усл. ед.")
MONTH = Unit(okei="362", name="мес.")
PIECE = Unit(okei="796", name="шт")


class Signatory(_Model):
    position: _Text  # "Генеральный директор", "Главный бухгалтер", "Индивидуальный предприниматель"
    name: _Text  # as signed: "Иванов И. И."


class BankAccount(_Model):
    bank_name: _Text
    bik: BIK
    account: str  # расчётный счёт
    corr_account: str  # корреспондентский счёт

    @field_validator("account")
    @classmethod
    def _account_of_this_bank(cls, value: str, info: ValidationInfo) -> str:
        bik = info.data.get("bik")
        if bik is not None and not settlement_account_matches(value, bik):
            raise PydanticCustomError("account_invalid", "Not a valid settlement account: 20 digits whose control "
                                                         "key matches the bank's БИК.")
        return value

    @field_validator("corr_account")
    @classmethod
    def _corr_account_of_this_bank(cls, value: str, info: ValidationInfo) -> str:
        bik = info.data.get("bik")
        if bik is not None and not correspondent_account_matches(value, bik):
            raise PydanticCustomError("corr_account_invalid", "Not a valid correspondent account: 20 digits whose "
                                                              "control key matches the bank's БИК.")
        return value


class Party(_Model):
    """A side of a document as printed: an organization (10-digit ИНН, КПП) or an ИП (12-digit ИНН, no КПП)."""

    name: _Text  # «ООО «Ромашка»», «ИП Иванов Иван Иванович»
    inn: INN
    kpp: KPP | None = Field(None, validate_default=True)
    address: _Text

    @field_validator("kpp")
    @classmethod
    def _kpp_for_organizations_only(cls, value: str | None, info: ValidationInfo) -> str | None:
        inn = info.data.get("inn")
        if inn is None:
            return value
        if len(inn) == 10 and value is None:
            raise PydanticCustomError("kpp_required", "An organization has a КПП: enter it.")
        if len(inn) == 12 and value is not None:
            raise PydanticCustomError("kpp_not_for_individual", "An individual entrepreneur has no КПП.")
        return value

    @property
    def is_entrepreneur(self) -> bool:
        return self.inn is not None and len(self.inn) == 12

    @property
    def inn_kpp(self) -> str:
        if not self.inn:
            return "—"
        return f"{self.inn}/{self.kpp}" if self.kpp else self.inn


class Buyer(Party):
    """A customer as its card knows it: one that signed up may have no ИНН yet, and cards hold no address;
    what is unknown is left out of the documents (printed «—» where the form needs a value)."""

    inn: INN | None = None  # type: ignore[assignment]
    address: str | None = Field(None, max_length=500)  # type: ignore[assignment]


class Requisites(Party):
    """The seller's requisites (kept in the billing settings): registration, bank, who signs, tax regime."""

    ogrn: OGRN
    bank: BankAccount
    head: Signatory
    accountant: Signatory | None = None  # an organization's chief accountant; an ИП signs alone
    tax_regime: TaxRegime
    phone: str | None = Field(None, max_length=40)

    @field_validator("ogrn")
    @classmethod
    def _ogrn_of_this_kind(cls, value: str, info: ValidationInfo) -> str:
        inn = info.data.get("inn")
        if inn is not None and len(value) != (15 if len(inn) == 12 else 13):
            raise PydanticCustomError("ogrn_kind_mismatch", "An organization has a 13-digit ОГРН, an entrepreneur "
                                                            "a 15-digit ОГРНИП.")
        return value

    @field_validator("accountant")
    @classmethod
    def _accountant_for_organizations_only(cls, value: Signatory | None, info: ValidationInfo) -> Signatory | None:
        inn = info.data.get("inn")
        if value is not None and inn is not None and len(inn) == 12:
            raise PydanticCustomError("accountant_not_for_individual",
                                      "An individual entrepreneur signs the documents himself.")
        return value

    @property
    def pays_vat(self) -> bool:
        return self.tax_regime is TaxRegime.OSN


class DocumentLine(_Model):
    description: str = Field(min_length=1, max_length=1000)
    quantity: Decimal = Field(gt=0, le=Decimal(10**9))
    unit: Unit = SERVICE_UNIT
    unit_price: Money
    vat_rate: VatRate

    @field_validator("quantity")
    @classmethod
    def _thousandths_at_most(cls, value: Decimal) -> Decimal:
        if value != value.quantize(Decimal("0.001")):
            raise PydanticCustomError("quantity_precision", "A quantity has at most 3 decimal places.")
        return value.normalize()

    @field_validator("unit_price")
    @classmethod
    def _not_negative(cls, value: Money) -> Money:
        if value.kopecks < 0:
            raise PydanticCustomError("greater_than_equal", "At least {ge}.", {"ge": 0})
        return value

    @property
    def amount(self) -> Money:
        """Price × quantity as printed in the line, rounded half-even to the kopeck."""
        share = Fraction(self.quantity)
        return self.unit_price.prorate(share.numerator, share.denominator)


class LineTotals(_Model):
    """One line's money: without VAT, the VAT, with VAT."""

    net: Money
    vat: Money
    gross: Money


class VatSum(_Model):
    rate: int
    amount: Money


class Totals(_Model):
    net: Money
    vat: Money
    gross: Money  # всего к оплате
    vat_by_rate: tuple[VatSum, ...]  # ascending rate; empty when no line bears VAT ("Без НДС")


class Document(_Model):
    """What the счёт, the акт and the УПД share. `prices_include_vat`: the line prices are gross (as the
    plans' prices are) and VAT is the part inside; otherwise VAT is added on top. Each line's VAT is
    rounded half-even to the kopeck, then the lines are summed."""

    number: str = Field(min_length=1, max_length=40)
    date: dt.date
    seller: Requisites
    buyer: Party
    lines: tuple[DocumentLine, ...] = Field(min_length=1, max_length=1000)
    basis: _Text  # "Договор № 12 от 1 марта 2026 г." or "Публичная оферта"
    prices_include_vat: bool = True
    due_date: dt.date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Document:
        if self.seller.tax_regime is TaxRegime.USN and any(line.vat_rate is not None for line in self.lines):
            raise PydanticCustomError("vat_not_for_usn", "The seller is on the simplified system without VAT: a "
                                                         "line's VAT rate must be none.")
        if any(line.unit_price.currency != "RUB" for line in self.lines):
            raise PydanticCustomError("currency_not_rub", "Documents are issued in rubles.")
        if self.due_date is not None and self.due_date < self.date:
            raise PydanticCustomError("due_before_date", "The payment due date cannot be before the document's date.")
        return self

    def line_totals(self, line: DocumentLine) -> LineTotals:
        amount = line.amount
        if line.vat_rate is None:
            return LineTotals(net=amount, vat=Money.zero(), gross=amount)
        if self.prices_include_vat:
            vat = amount.vat_included(line.vat_rate)
            return LineTotals(net=amount - vat, vat=vat, gross=amount)
        vat = amount.vat_on_top(line.vat_rate)
        return LineTotals(net=amount, vat=vat, gross=amount + vat)

    @cached_property
    def totals(self) -> Totals:
        zero = Money.zero()
        net, vat, gross = zero, zero, zero
        by_rate: dict[int, Money] = {}
        for line in self.lines:
            money = self.line_totals(line)
            net, vat, gross = net + money.net, vat + money.vat, gross + money.gross
            if line.vat_rate is not None:
                by_rate[line.vat_rate] = by_rate.get(line.vat_rate, zero) + money.vat
        return Totals(net=net, vat=vat, gross=gross,
                      vat_by_rate=tuple(VatSum(rate=rate, amount=by_rate[rate]) for rate in sorted(by_rate)))


class Invoice(Document):
    """Счёт на оплату."""

    kind: Literal["invoice"] = "invoice"


class Act(Document):
    """Акт оказанных услуг, optionally for a period (a month of a subscription)."""

    kind: Literal["act"] = "act"
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    @model_validator(mode="after")
    def _period_in_order(self) -> Act:
        if (self.period_start is None) != (self.period_end is None) or (
                self.period_start and self.period_end and self.period_end < self.period_start):
            raise PydanticCustomError("period_invalid", "A period has a first and a last day, in this order.")
        return self


class Upd(Document):
    """Универсальный передаточный документ. Status 1 (it is also the счёт-фактура) when a line bears VAT,
    status 2 (a transfer document only) otherwise. `shipped_on`: the date the services were rendered."""

    kind: Literal["upd"] = "upd"
    shipped_on: dt.date | None = None

    @property
    def status(self) -> Literal[1, 2]:
        return 1 if any(line.vat_rate is not None for line in self.lines) else 2

