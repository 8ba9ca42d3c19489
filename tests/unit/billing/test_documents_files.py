"""A document's download: its Russian file name in `filename*` (RFC 6266 / 8187) with an ASCII fallback."""

from urllib.parse import unquote

from tessera.billing.documents_service import PdfFile


def test_the_russian_name_survives_the_header_and_old_clients_get_an_ascii_one() -> None:
    file = PdfFile("Счёт № 12 от 03.12.2026.pdf", "invoice-12-2026-12-03.pdf", b"%PDF-")
    header = file.content_disposition
    assert header.isascii()
    assert header == ("attachment; filename=\"invoice-12-2026-12-03.pdf\"; filename*=UTF-8''"
                      "%D0%A1%D1%87%D1%91%D1%82%20%E2%84%96%2012%20%D0%BE%D1%82%2003.12.2026.pdf")
    extended = header.split("; filename*=", 1)[1]
    charset, language, encoded = extended.split("'", 2)
    assert (charset, language, unquote(encoded, encoding=charset)) == ("UTF-8", "", "Счёт № 12 от 03.12.2026.pdf")


def test_the_document_e_mails_in_russian_and_english() -> None:
    from tessera.notify.rendering import render

    link = "https://x.example/app/billing"
    invoice = {"kind": "invoice", "number": 12, "document_date": "2026-12-03", "due_on": "2026-12-08",
               "amount": "9\u00a0990,00", "billing_link": link, "audience": "customer"}
    ru = render("billing_document", "ru", invoice)
    assert ru.subject == "Счёт на оплату № 12 от 03.12.2026"
    assert "на 9\u00a0990,00 ₽, оплатить до 08.12.2026" in ru.text and ru.text.endswith(link)
    en = render("billing_document", "en", invoice)
    assert en.subject == "Invoice No. 12 of 2026-12-03" and "due by 2026-12-08" in en.text

    act = {"kind": "upd", "number": 5, "document_date": "2026-12-04", "invoice_number": 12,
           "amount": "9\u00a0990,00", "billing_link": link, "audience": "customer"}
    assert render("billing_document", "ru", act).subject == "УПД № 5 от 04.12.2026"
    assert "Счёт № 12 оплачен" in render("billing_document", "ru", act).text
    assert render("billing_document", "ru", {**act, "kind": "act"}).subject == "Акт № 5 от 04.12.2026"
    assert "act of services rendered" in render("billing_document", "en", {**act, "kind": "act"}).html
