"""Expiry notices on the daily schedule: over a moved clock each milestone goes out once, a re-run sends
nothing, a missed run is caught up, a superseded milestone is never sent, preferences are respected."""

from __future__ import annotations

from typing import Any

from tests.integration.notify.conftest import NOW, TOKEN, Outside, as_staff, at, run_scan
from tests.integration.stack import Platform


def subscribe_admin(world: dict[str, Any], events: list[str]) -> None:
    with at(NOW.date().isoformat()):
        answer = world["console"].call("PUT", "/api/console/notifications/preferences", {
            "events": events, "language": "en", "email": {"enabled": True},
            "telegram": {"enabled": True, "chat_id": "-1001234567890", "bot_token": TOKEN}})
    assert answer.status == 200, answer.body


def subjects(outside: Outside, to: str) -> list[str]:
    return [m["subject"] for m in outside.mails(to)]


def test_milestones_go_out_once_each_over_a_moved_clock(stack: Platform, world: dict[str, Any],
                                                        outside: Outside) -> None:
    subscribe_admin(world, ["license.expiry"])
    lic = world["license_id"]
    with at("2026-03-02"):
        assert run_scan()["notices"] == 0  # T-60 (1 March) passed before the license was issued
    with at("2026-03-31"):  # T-30
        first = run_scan()
        assert (first["notices"], first["deliveries"]) == (1, 3)
        assert run_scan()["notices"] == 0  # a re-run (or a retried invocation) sends nothing
    assert subjects(outside, "anna@romashka.ru") == [f"Лицензия {lic} истекает через 30 дней"]
    customer_mail = outside.mails("anna@romashka.ru")[0]
    assert "30.04.2026" in customer_mail["text"] and "/app/" in customer_mail["text"]
    assert subjects(outside, "admin@tessera.local") == [f"License {lic} expires in 30 days"]
    assert "ООО «Ромашка»" in outside.mails("admin@tessera.local")[0]["text"]  # staff are told whose it is
    telegram = outside.telegram()
    assert len(telegram) == 1 and telegram[0]["to"] == "-1001234567890" and lic in telegram[0]["text"]
    assert TOKEN not in str(telegram)  # the fake keeps only a hint

    with at("2026-04-05"):
        assert run_scan()["notices"] == 0  # still T-30's window: already sent
    with at("2026-04-25"):  # the scanner was down on 23 and 24 April: T-7 is caught up
        assert run_scan()["notices"] == 1
        assert run_scan()["notices"] == 0
    with at("2026-04-30", hour=20):  # 23:00 Moscow on the last day: T-1
        assert run_scan()["notices"] == 1
    with at("2026-05-22"):  # the end of grace (15 May) is more than its week ago: never sent late
        assert run_scan()["notices"] == 0
    assert subjects(outside, "anna@romashka.ru") == [
        f"Лицензия {lic} истекает через 30 дней", f"Лицензия {lic} истекает через 5 дней",
        f"Лицензия {lic} истекает сегодня"]

    with at("2026-04-30"):
        log = as_staff("auditor").get("/api/console/notifications/deliveries", query={"event": "license.expiry"})
    assert log.status == 200
    assert len(log.body["items"]) == 9 and {d["status"] for d in log.body["items"]} == {"sent"}
    assert {d["channel"] for d in log.body["items"]} == {"email", "telegram"}
    assert all("anna@" not in d["recipient"] and "1234567890" not in d["recipient"] for d in log.body["items"])


def test_end_of_grace_notice(stack: Platform, world: dict[str, Any], outside: Outside) -> None:
    with at("2026-05-16"):  # grace ended on 14 May (30 April + 14 days); its notice is due 15–21 May
        assert run_scan()["notices"] == 1
    assert subjects(outside, "anna@romashka.ru") == [
        f"Льготный период лицензии {world['license_id']} закончился"]


def test_preferences_are_respected(stack: Platform, world: dict[str, Any], outside: Outside) -> None:
    subscribe_admin(world, ["license.limit"])  # the admin follows limit alerts only
    with at(NOW.date().isoformat()):
        turned_off = world["owner"].call("PUT", f"/api/app/orgs/{world['org_id']}/notifications/preferences", {
            "events": ["license.limit"], "email": {"enabled": True, "recipients": ["it@romashka.ru"]}})
    assert turned_off.status == 200, turned_off.body
    with at("2026-03-31"):
        assert run_scan()["deliveries"] == 0
    assert outside.mails() == [] and outside.telegram() == []

    with at(NOW.date().isoformat()):
        on_again = world["owner"].call("PUT", f"/api/app/orgs/{world['org_id']}/notifications/preferences", {
            "events": ["license.expiry"], "email": {"enabled": True, "recipients": ["it@romashka.ru"]}})
    assert on_again.status == 200
    with at("2026-04-01"):  # the milestone's marker was written with no one to tell: it stays sent
        assert run_scan()["deliveries"] == 0
    with at("2026-04-24"):
        assert run_scan()["deliveries"] == 1
    assert [m["to"] for m in outside.mails()] == [["it@romashka.ru"]]  # the chosen address, not the owner


def test_suspended_licenses_get_no_notice(stack: Platform, world: dict[str, Any], outside: Outside) -> None:
    with at(NOW.date().isoformat()):
        suspended = world["console"].post(f"/api/console/licenses/{world['license_id']}/suspend",
                                          {"reason": "unpaid invoice"})
    assert suspended.status == 200
    with at("2026-03-31"):
        assert run_scan()["notices"] == 0
    assert outside.mails() == []
