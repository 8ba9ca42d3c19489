"""Invoice PDF rendering, warm (issue 10's budget: ≤ 300 ms): a счёт with three lines, rendered after a first
render has loaded fpdf2 and parsed the fonts, as in a warm Lambda. `python -m bench.invoice_pdf`."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

from tessera.billing.documents.model import MONTH, DocumentLine, Invoice
from tessera.billing.documents.pdf import render
from tessera.core.money import Money

BUDGET_SECONDS = 0.3


def sample_invoice() -> Invoice:
    return Invoice.model_validate({
        "number": "2026-000123", "date": dt.date(2026, 12, 3), "due_date": dt.date(2026, 12, 10),
        "basis": "Договор-оферта от 1 марта 2026 г.",
        "seller": {"name": "ООО «Тессера»", "inn": "7736207543", "kpp": "770401001", "ogrn": "1027700229193",
                   "address": "119021, г. Москва, ул. Льва Толстого, д. 16", "tax_regime": "osn",
                   "bank": {"bank_name": "ПАО Сбербанк, г. Москва", "bik": "044525225",
                            "account": "40702810438000034726", "corr_account": "30101810400000000225"},
                   "head": {"position": "Генеральный директор", "name": "Иванов И. И."},
                   "accountant": {"position": "Главный бухгалтер", "name": "Петрова А. С."}},
        "buyer": {"name": "ООО «Василёк»", "inn": "7707083893", "kpp": "773601001",
                  "address": "117312, г. Москва, ул. Вавилова, д. 19"},
        "lines": [DocumentLine(description=description, quantity=Decimal(quantity), unit=MONTH,
                               unit_price=Money.from_rubles(price), vat_rate=22)
                  for description, quantity, price in (("Fast Lead «Про», декабрь 2026", "1", "9990"),
                                                       ("Доплата за переход с «Старт» на «Про»", "0.5", "5000"),
                                                       ("Хранилище 100 ГБ", "1", "1490"))],
    })


def measure(runs: int = 30) -> tuple[float, float]:
    """Median and worst warm render time in seconds."""
    invoice = sample_invoice()
    render(invoice)  # cold: imports, font parsing
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        render(invoice)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), max(samples)


if __name__ == "__main__":
    median, worst = measure()
    verdict = "ok" if median <= BUDGET_SECONDS else "OVER"
    print(f"invoice PDF, warm: median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms "
          f"(budget ≤ {BUDGET_SECONDS * 1000:.0f} ms {verdict})")
