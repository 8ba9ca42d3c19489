"""The PDFs read back as text (pypdf): what a person checks on a счёт, an акт and a УПД is there."""

import datetime as dt
import io
import re

from pypdf import PdfReader

from tessera.billing.documents.model import Act, Document, Requisites, Upd
from tessera.billing.documents.pdf import render
from tests.unit.billing.documents.samples import ENTREPRENEUR, invoice, line


def pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF")
    # one space for any run of white space (non-breaking spaces in amounts, wrapped lines in cells)
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text(document: Document) -> str:
    return " ".join(pages(render(document)))  # type: ignore[arg-type]


def as_(kind: type[Act] | type[Upd], document: Document, **changes: object) -> Act | Upd:
    data = document.model_dump(exclude={"kind", "due_date"}) | changes
    return kind.model_validate(data)


def test_invoice_reads_as_a_russian_invoice() -> None:
    content = text(invoice(line("12200.00")))
    for expected in ("ПАО Сбербанк, г. Москва", "Банк получателя", "БИК 044525225", "30101810400000000225",
                     "40702810438000034726", "ИНН 7736207543", "КПП 770401001", "Получатель",
                     "Счёт на оплату № 2026-000123 от 3 декабря 2026 г.", "ООО «Тессера»",
                     "ООО «Василёк», ИНН 7707083893",
                     "Товары (работы, услуги)", "Кол-во", "Fast Lead «Про», декабрь 2026", "мес.",
                     "Итого: 12 200,00", "В том числе НДС (22 %): 2 200,00", "Всего к оплате: 12 200,00",
                     "Всего наименований 1, на сумму 12 200,00 руб.", "Двенадцать тысяч двести рублей 00 копеек",
                     "Оплатить не позднее 10 декабря 2026 г.", "Руководитель", "Иванов И. И.", "Бухгалтер",
                     "Петрова А. С."):
        assert expected in content, expected


def test_invoice_without_vat_by_an_entrepreneur() -> None:
    content = text(invoice(line("9990.00", vat_rate=None), seller=Requisites.model_validate(ENTREPRENEUR)))
    assert "Без НДС —" in content and "В том числе НДС" not in content
    assert "ИНН 500100732259 Сч. №" in content  # no КПП cell
    assert "Индивидуальный предприниматель ____" in content and "Бухгалтер" not in content
    assert "Девять тысяч девятьсот девяносто рублей 00 копеек" in content


def test_vat_on_top_is_added() -> None:
    content = text(invoice(line("10000.00"), prices_include_vat=False))
    assert "Итого: 10 000,00" in content and "Сумма НДС (22 %): 2 200,00" in content
    assert "Всего к оплате: 12 200,00" in content


def test_act() -> None:
    act = as_(Act, invoice(line("12200.00"), line("4990.00", vat_rate=10)), number="A-7",
              period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 11, 30))
    content = text(act)
    for expected in ("Акт № A-7 от 3 декабря 2026 г.", "Исполнитель:", "р/с 40702810438000034726", "Заказчик:",
                     "ООО «Василёк»", "с 1 ноября 2026 г. по 30 ноября 2026 г.", "Наименование работ, услуг",
                     "В том числе НДС (10 %): 453,64", "В том числе НДС (22 %): 2 200,00", "Всего к оплате: 17 190,00",
                     "Всего оказано услуг 2, на сумму 17 190,00 руб.",
                     "Семнадцать тысяч сто девяносто рублей 00 копеек",
                     "Вышеперечисленные услуги выполнены полностью и в срок. Заказчик претензий по объему, качеству и "
                     "срокам оказания услуг не имеет.", "ИСПОЛНИТЕЛЬ", "ЗАКАЗЧИК", "Иванов И. И."):
        assert expected in content, expected


def test_upd_with_vat_is_status_1() -> None:
    content = text(as_(Upd, invoice(line("12200.00"))))
    for expected in ("Универсальный передаточный документ", "Статус: 1",
                     "Счёт-фактура № 2026-000123 от 3 декабря 2026 г.",
                     "ИНН/КПП продавца 7736207543/770401001", "ИНН/КПП покупателя 7707083893/773601001",
                     "Российский рубль, 643", "362 мес.", "10 000,00 без акциза 22% 2 200,00 12 200,00",
                     "Всего к оплате 10 000,00 X 2 200,00 12 200,00", "Главный бухгалтер", "Петрова А. С.",
                     "Дата отгрузки, передачи (сдачи): 3 декабря 2026 г."):
        assert expected in content, expected


def test_upd_without_vat_is_status_2() -> None:
    upd = as_(Upd, invoice(line("9990.00", vat_rate=None), seller=Requisites.model_validate(ENTREPRENEUR)),
              shipped_on=dt.date(2026, 11, 30))
    content = text(upd)
    assert "Статус: 2" in content and "ИНН/КПП продавца 500100732259 " in content
    assert "без акциза без НДС без НДС 9 990,00" in content and "ОГРНИП 304500116000157" in content
    assert "Дата отгрузки, передачи (сдачи): 30 ноября 2026 г." in content


def test_long_descriptions_wrap_inside_their_cell() -> None:
    description = "Подписка на платформу Fast Lead, тариф «Бизнес», с расширенной аналитикой " * 6
    found = pages(render(invoice(line("19990.00", description=description.strip()))))[0]
    assert description.strip() in found  # all of it, in order, on lines of the cell
    assert "19 990,00" in found


def test_two_hundred_lines_paginate_with_the_header_on_every_page() -> None:
    many = invoice(*[line("99.90", description=f"Услуга номер {n}") for n in range(1, 201)])
    found = pages(render(many))
    assert len(found) >= 4
    assert all("Товары (работы, услуги) Кол-во Ед. Цена Сумма" in page for page in found[:-1])
    everything = " ".join(found)
    assert all(f"Услуга номер {n} " in everything for n in range(1, 201))
    assert "Всего наименований 200, на сумму 19 980,00 руб." in found[-1]
    # totals, words and signatures stay together
    assert all(part in found[-1] for part in ("Всего к оплате: 19 980,00",
                                                "Девятнадцать тысяч девятьсот восемьдесят рублей 00 копеек",
                                                "Руководитель", "Бухгалтер"))
