"""The daily digest: the weekly e-mail to owners on Mondays, the alerts they chose (no leads for N days,
conversion below X %), each once; the alert settings route with its roles and bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tessera.core import clock
from tests.integration.analytics.conftest import reporting  # noqa: F401
from tests.integration.notify.conftest import as_customer
from tests.integration.workspaces.conftest import T0
from tests.integration.workspaces.test_ingest import lead, send

OWNER = "owner@okna.example.ru"


def _subjects(world: dict[str, Any]) -> list[str]:
    return [mail.subject for mail in world["stack"].mails_to(OWNER) if mail.subject.startswith("Fast Lead")]


def test_alert_settings_are_the_owners_choice(reporting: dict[str, Any]) -> None:  # noqa: F811
    path = f"{reporting['path']}/analytics/alerts"
    assert reporting["owner"].get(path).body == {"weekly_report": True, "no_leads_days": None,
                                                 "min_conversion_percent": None}
    saved = reporting["owner"].call("PUT", path, {"weekly_report": False, "no_leads_days": 3})
    assert saved.status == 200, saved.body
    assert as_customer(reporting["org_id"], "analyst").get(path).body["no_leads_days"] == 3
    assert as_customer(reporting["org_id"], "analyst").call("PUT", path, {}).status == 403
    wrong = reporting["owner"].call("PUT", path, {"no_leads_days": 0})
    assert wrong.status == 422 and wrong.body["errors"][0]["loc"] == "body.no_leads_days"
    assert reporting["owner"].get(path).body["weekly_report"] is False  # the bad request changed nothing


def test_the_weekly_email_and_the_alerts_go_out_once(reporting: dict[str, Any]) -> None:  # noqa: F811
    from tessera.reporting.digest import run_digest

    for n in range(5):
        with clock.frozen(T0 + timedelta(minutes=n)):
            assert send(lead(reporting, name=f"Клиент {n}"), ip=f"198.51.100.{n}").status == 201
    reporting["stream"].deliver()
    assert reporting["owner"].call("PUT", f"{reporting['path']}/analytics/alerts",
                                   {"no_leads_days": 3, "min_conversion_percent": 20}).status == 200
    monday = T0 + timedelta(days=7) - timedelta(hours=3)  # Monday 9 March, 09:00 in Moscow
    run = run_digest(monday)
    assert (run.weekly, run.alerts, run.failed) == (1, 2, 0)
    subjects = _subjects(reporting)
    assert "Fast Lead: неделя 2026-03-02 — 2026-03-08 в «Окна Москва»" in subjects
    assert any("нет заявок уже 3 дн." in s for s in subjects) and any("конверсия ниже 20 %" in s for s in subjects)
    weekly = next(m for m in reporting["stack"].mails_to(OWNER) if "неделя" in m.subject)
    assert "заявок 5" in weekly.text and "конверсия 0.0 %" in weekly.text

    assert (run_digest(monday).weekly, run_digest(monday + timedelta(days=1)).alerts) == (0, 0)  # once
    assert len(_subjects(reporting)) == 3
    with clock.frozen(monday + timedelta(days=1)):  # a lead ends the quiet spell; the next one alerts again
        assert send(lead(reporting, name="Новый"), ip="198.51.100.77").status == 201
    reporting["stream"].deliver()
    assert run_digest(monday + timedelta(days=5)).alerts == 1
