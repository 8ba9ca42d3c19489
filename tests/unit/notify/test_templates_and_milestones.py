"""The notice templates in Russian and English, and which expiry milestone is due on which day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tessera.notify.expiry import due, milestones
from tessera.notify.rendering import days_word, render

EXPIRY = {"license_id": "lic_01JTEST0000000000000000000", "version": 2, "milestone": "t-30",
          "org_name": "ООО «Ромашка»", "product": "itbm", "plan": "advanced", "ends_on": "2026-12-31", "grace_days": 14,
          "grace_until": "2027-01-14", "days_left": 30, "audience": "customer", "link": "https://x.example/app/"}
LIMIT = {"license_id": "lic_01JTEST0000000000000000000", "installation_id": "ins_" + "A" * 26, "domain": "b.ru",
         "org_name": "ООО «Ромашка»", "limit": "users", "used": 130, "value": 100, "allowed_up_to": 120,
         "mode": "soft", "over": True, "threshold": 100, "percent": 130, "day": "2026-03-01", "audience": "staff",
         "link": "https://x.example/console/licenses/lic_1"}
FILE = {"license_id": "lic_01JTEST0000000000000000000", "version": 3, "filename": "lic_01JTEST-v3.lic",
        "org_name": "ООО «Ромашка»", "product": "itbm", "plan": "advanced", "starts_on": "2026-01-01",
        "ends_on": "2026-12-31", "audience": "customer", "link": "https://x.example/app/"}


def test_expiry_notice_in_russian() -> None:
    message = render("license_expiry", "ru", EXPIRY)
    assert message.subject == "Лицензия lic_01JTEST0000000000000000000 истекает через 30 дней"
    assert "действует по <b>31.12.2026</b> включительно и истекает через 30 дней" in message.html
    assert "до 14.01.2027" in message.html
    assert "ООО «Ромашка»" not in message.text  # the customer is not told its own name
    assert message.text.endswith("https://x.example/app/")
    assert message.chat_text.startswith(message.subject) and "https://x.example/app/" in message.chat_text


def test_expiry_notice_in_english_for_staff_names_the_customer() -> None:
    message = render("license_expiry", "en", {**EXPIRY, "audience": "staff", "days_left": 1, "milestone": "t-1"})
    assert message.subject == "License lic_01JTEST0000000000000000000 expires tomorrow"
    assert "of ООО «Ромашка» is valid through 2026-12-31 and expires tomorrow" in message.text
    assert "Talk to the customer" in message.html


def test_the_last_day_says_today() -> None:
    assert render("license_expiry", "ru", {**EXPIRY, "days_left": 0}).subject.endswith("истекает сегодня")
    assert render("license_expiry", "en", {**EXPIRY, "days_left": 0}).subject.endswith("expires today")
    assert render("license_expiry", "ru", {**EXPIRY, "days_left": 2}).subject.endswith("истекает через 2 дня")


def test_end_of_grace_notice() -> None:
    ru = render("license_expiry", "ru", {**EXPIRY, "milestone": "grace_end", "days_left": 0})
    assert ru.subject == "Льготный период лицензии lic_01JTEST0000000000000000000 закончился"
    assert "14.01.2027" in ru.text
    en = render("license_expiry", "en", {**EXPIRY, "milestone": "grace_end", "days_left": 0})
    assert "grace period ended on 2027-01-14" in en.text


def test_html_escapes_what_the_customer_typed() -> None:
    message = render("license_expiry", "en", {**EXPIRY, "audience": "staff", "org_name": "<script>x</script>"})
    assert "<script>x</script>" not in message.html and "&lt;script&gt;" in message.html


def test_limit_alert_texts() -> None:
    ru = render("limit_violation", "ru", LIMIT)
    assert ru.subject == "Превышен лимит «Пользователи» — лицензия lic_01JTEST0000000000000000000"
    assert "130 из 100 (130%)" in ru.text and "клиент «ООО «Ромашка»»" in ru.text
    en = render("limit_violation", "en", {**LIMIT, "over": False, "used": 85, "percent": 85, "threshold": 80,
                                          "audience": "customer"})
    assert en.subject == "Limit “Users” at 80% — license lic_01JTEST0000000000000000000"
    assert "The 80% alert threshold is reached." in en.html


def test_license_file_mail() -> None:
    ru = render("license_file", "ru", FILE)
    assert ru.subject == "Файл лицензии lic_01JTEST0000000000000000000 (версия 3)"
    assert "с 01.01.2026 по 31.12.2026" in ru.text and "lic_01JTEST-v3.lic" in ru.html
    assert render("license_file", "en", FILE).subject == "License file lic_01JTEST0000000000000000000 (version 3)"
    assert "Ключ лицензии" not in ru.text  # no key known: no key paragraph
    keyed = render("license_file", "en", {**FILE, "license_key": "ITBM-AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert "ITBM-AAAA-BBBB-CCCC-DDDD-EEEE" in keyed.text and "ITBM-AAAA-BBBB-CCCC-DDDD-EEEE" in keyed.html


def test_unknown_language_falls_back_to_russian() -> None:
    assert render("license_file", "de", FILE).subject.startswith("Файл лицензии")


@pytest.mark.parametrize(("count", "word"), [(1, "день"), (2, "дня"), (5, "дней"), (11, "дней"), (21, "день"),
                                              (24, "дня"), (30, "дней"), (112, "дней")])
def test_russian_plural_of_days(count: int, word: str) -> None:
    assert days_word(count) == word


ENDS = date(2026, 12, 31)
LONG_AGO = date(2025, 1, 1)


def test_milestones_and_their_windows() -> None:
    found = {m.name: (m.first_day, m.last_day) for m in milestones(ENDS, 14)}
    assert found["t-90"] == (date(2026, 10, 2), date(2026, 10, 31))
    assert found["t-30"] == (date(2026, 12, 1), date(2026, 12, 23))
    assert found["t-7"] == (date(2026, 12, 24), date(2026, 12, 29))
    assert found["t-1"] == (date(2026, 12, 30), date(2026, 12, 31))
    assert found["grace_end"] == (date(2027, 1, 15), date(2027, 1, 21))


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 10, 1), None), (date(2026, 10, 2), "t-90"), (date(2026, 11, 1), "t-60"),
    (date(2026, 12, 1), "t-30"), (date(2026, 12, 20), "t-30"),  # caught up after a missed run
    (date(2026, 12, 24), "t-7"), (date(2026, 12, 31), "t-1"), (date(2027, 1, 1), None),
    (date(2027, 1, 15), "grace_end"), (date(2027, 1, 21), "grace_end"), (date(2027, 1, 22), None)])
def test_the_milestone_due_on_a_day(today: date, expected: str | None) -> None:
    milestone = due(ENDS, 14, today, LONG_AGO)
    assert (milestone.name if milestone else None) == expected


def test_milestones_before_the_version_was_signed_are_skipped() -> None:
    signed = date(2026, 11, 20)  # issued (or renewed) after T-60 began
    assert due(ENDS, 14, date(2026, 11, 25), signed) is None  # not a late T-60
    assert due(ENDS, 14, date(2026, 12, 1), signed).name == "t-30"  # type: ignore[union-attr]


def test_at_most_one_milestone_is_due_on_any_day() -> None:
    for offset in range(-120, 120):
        today = ENDS + timedelta(days=offset)
        open_now = [m for m in milestones(ENDS, 14) if m.first_day <= today <= m.last_day]
        assert len(open_now) <= 1, today
