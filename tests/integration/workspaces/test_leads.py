"""The leads read API: the list with filters, search and cursor pages, one lead with its consent and
timeline, audited status changes; locked leads show no contacts; another organization's leads are 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tessera.audit import service as audit
from tessera.core import clock
from tests.integration.notify.conftest import as_customer
from tests.integration.workspaces.conftest import T0, org_with_plan
from tests.integration.workspaces.test_ingest import lead, live, send  # noqa: F401  (the fixture)


def _leads(world: dict[str, Any], **query: str) -> Any:
    answer = world["owner"].get(f"{world['path']}/leads", query=query)
    assert answer.status == 200, answer.body
    return answer.body


def _three(live: dict[str, Any]) -> list[str]:  # noqa: F811
    ids = []
    for n, (name, channel_day) in enumerate([("Иван", 0), ("Мария", 1), ("Пётр", 2)]):
        with clock.frozen(T0 + timedelta(days=channel_day)):
            answer = send(lead(live, name=name, message=f"Заявка {n}"), ip=f"198.51.100.{n}")
            assert answer.status == 201
            ids.append(answer.body["lead_id"])
    return ids


def test_the_list_is_newest_first_with_filters_search_and_pages(live: dict[str, Any]) -> None:  # noqa: F811
    first, second, third = _three(live)
    assert [item["id"] for item in _leads(live)["items"]] == [third, second, first]
    page = _leads(live, limit="2")
    assert [item["id"] for item in page["items"]] == [third, second]
    rest = _leads(live, limit="2", cursor=page["next_cursor"])
    assert [item["id"] for item in rest["items"]] == [first] and rest["next_cursor"] is None
    day_two = (T0 + timedelta(days=1)).isoformat()
    assert [i["id"] for i in _leads(live, created_after=day_two)["items"]] == [third, second]
    assert [i["id"] for i in _leads(live, created_before=day_two)["items"]] == [second, first]
    assert [i["id"] for i in _leads(live, q="мари")["items"]] == [second]
    assert [i["id"] for i in _leads(live, channel="widget", status="new")["items"]] == [third, second, first]
    assert _leads(live, channel="telegram")["items"] == []
    bad = live["owner"].get(f"{live['path']}/leads", query={"status": "won"})
    assert bad.status == 422 and bad.body["errors"][0]["loc"] == "query.status"


def test_status_changes_follow_the_funnel_are_audited_and_show_in_the_timeline(live: dict[str, Any]) -> None:  # noqa: F811
    lead_id = _three(live)[0]
    path = f"{live['path']}/leads/{lead_id}"
    operator = as_customer(live["org_id"], "operator")
    with clock.frozen(T0 + timedelta(days=3)):
        moved = operator.post(f"{path}/status", {"status": "contacted", "note": "Перезвонили"})
        assert moved.status == 200 and moved.body["status"] == "contacted"
        wrong = operator.post(f"{path}/status", {"status": "new"})
        assert wrong.status == 409 and wrong.code == "lead-status-transition"
        assert operator.post(f"{path}/status", {"status": "booked"}).body["status"] == "booked"
    assert [i["id"] for i in _leads(live, status="booked")["items"]] == [lead_id]
    assert _leads(live, status="contacted")["items"] == []
    detail = live["owner"].get(path).body
    assert [(e["kind"], e["data"].get("to")) for e in detail["timeline"]] == [("form", None), ("status", "contacted"),
                                                                            ("status", "booked")]
    assert detail["consent"]["text_version"] == "v2" and detail["consent"]["ip"] == "198.51.100.0"
    events, _ = audit.search(entity=("lead", lead_id))
    assert sorted(e.after["status"] for e in events if e.after) == ["booked", "contacted"]
    analyst = as_customer(live["org_id"], "analyst")
    assert analyst.get(path).status == 200
    assert analyst.post(f"{path}/status", {"status": "lost"}).status == 403


def test_a_locked_lead_shows_no_contacts_and_cannot_be_worked(live: dict[str, Any]) -> None:  # noqa: F811
    from tessera.workspaces import repository

    counter = repository.month_counter(live["org_id"], "2026-03")
    counter.update(actions=[type(counter).value.set(500)])
    lead_id = send(lead(live)).body["lead_id"]
    (item,) = _leads(live)["items"]
    assert item["locked"] is True and (item["name"], item["phone"], item["message"]) == (None, None, None)
    assert live["owner"].get(f"{live['path']}/leads/{lead_id}").body["consent"] is None
    refused = live["owner"].post(f"{live['path']}/leads/{lead_id}/status", {"status": "contacted"})
    assert refused.status == 409 and refused.code == "lead-locked"


def test_another_organization_s_leads_are_not_found(live: dict[str, Any]) -> None:  # noqa: F811
    lead_id = _three(live)[0]
    _, other_org = org_with_plan(live["stack"], "other@example.ru", plan="fastlead_pro")
    stranger = as_customer(other_org, "owner")
    foreign = f"/api/app/orgs/{other_org}/workspaces/{live['workspace_id']}/leads"
    assert stranger.get(foreign).status == 404
    assert stranger.get(f"{foreign}/{lead_id}").status == 404
    assert stranger.post(f"{foreign}/{lead_id}/status", {"status": "lost"}).status == 404
    assert stranger.get(f"{live['path']}/leads").status == 404
    assert live["owner"].get(f"{live['path']}/leads/{lead_id}").body["status"] == "new"


def test_an_upgrade_opens_the_month_s_locked_leads(live: dict[str, Any]) -> None:  # noqa: F811
    from tessera.billing import repository as billing_records
    from tessera.billing import service as billing
    from tessera.workspaces import repository

    counter = repository.month_counter(live["org_id"], "2026-03")
    counter.update(actions=[type(counter).value.set(500)])
    lead_id = send(lead(live)).body["lead_id"]
    assert _leads(live)["items"][0]["locked"] is True
    subscription = billing_records.find_subscription(billing.list_subscriptions(org_id=live["org_id"]).items[0].id)
    assert subscription is not None
    subscription.plan = "fastlead_pro"  # 2 000 leads a month: as an upgrade's payment leaves it
    subscription.save()
    (item,) = _leads(live)["items"]
    assert item["locked"] is False and item["phone"] == "+79991234567"
    detail = live["owner"].get(f"{live['path']}/leads/{lead_id}").body
    assert detail["consent"]["text_version"] == "v2"
    assert live["owner"].post(f"{live['path']}/leads/{lead_id}/status", {"status": "contacted"}).status == 200
