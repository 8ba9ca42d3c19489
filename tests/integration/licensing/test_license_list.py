"""The console's list of all licenses: newest first, cursor paging, filters by status, state, plan and last
day, search by license id or customer name, the customer's current name on each row — from queries of the
all_licenses / by_org indexes, never a scan."""

from datetime import UTC, datetime
from typing import Any

import pytest

from tessera.core import clock
from tests.aws_calls import recorded
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import Client, Platform

ISSUED_AT = datetime(2026, 3, 1, 12, tzinfo=UTC)
LOOK_AT = datetime(2026, 6, 15, 12, tzinfo=UTC)  # the day the states are looked at


def _terms(plan: str, starts_on: str, ends_on: str, grace_days: int = 14) -> dict[str, Any]:
    return {"plan": plan, "starts_on": starts_on, "ends_on": ends_on, "grace_days": grace_days,
            "domain": "budget.example.ru"}


@pytest.fixture
def world(stack: Platform) -> dict[str, Any]:
    console = admin(stack)
    orgs = {}
    for email, company in (("owner@romashka.ru", "ООО «Ромашка»"), ("owner@lyutik.ru", "ООО «Лютик»"),
                           ("owner@vasilek.ru", "АО «Василёк»")):
        _, me = customer(stack, email, company=company)
        orgs[company] = me["current"]["org_id"]
    romashka, lyutik, vasilek = orgs["ООО «Ромашка»"], orgs["ООО «Лютик»"], orgs["АО «Василёк»"]
    plan = [  # (name, customer, terms), issued in this order, a minute apart
        ("valid", romashka, _terms("advanced", "2026-01-01", "2026-12-31")),
        ("grace", romashka, _terms("basic", "2025-06-01", "2026-06-10", grace_days=14)),
        ("expired", lyutik, _terms("basic", "2025-01-01", "2026-05-31", grace_days=7)),
        ("future", lyutik, _terms("enterprise", "2026-07-01", "2027-06-30")),
        ("suspended", vasilek, _terms("advanced", "2026-01-01", "2026-09-30")),
        ("revoked", vasilek, _terms("advanced", "2026-01-01", "2026-08-31")),
        ("valid_soon_ending", vasilek, _terms("basic", "2026-02-01", "2026-06-20")),
    ]
    ids: dict[str, str] = {}
    for minute, (name, org_id, terms) in enumerate(plan):
        with clock.frozen(ISSUED_AT.replace(minute=minute)):
            issued = console.post("/api/console/licenses", {"org_id": org_id, **terms})
            assert issued.status == 201, issued.body
            ids[name] = issued.body["license"]["id"]
    with clock.frozen(ISSUED_AT.replace(minute=30)):
        assert console.post(f"/api/console/licenses/{ids['suspended']}/suspend", {"reason": "unpaid"}).status == 200
        revoked = console.post("/api/licenses/revoke", {"license_id": ids["revoked"], "reason": "terminated"})
        assert revoked.status == 200
    return {"console": console, "orgs": orgs, "ids": ids, "newest_first": [ids[name] for name, _, _ in reversed(plan)]}


def _list(console: Client, **query: Any) -> Any:
    with clock.frozen(LOOK_AT):
        answer = console.get("/api/console/licenses", query={k: str(v) for k, v in query.items()})
    assert answer.status == 200, answer.body
    return answer.body


def _ids(body: Any) -> list[str]:
    return [item["id"] for item in body["items"]]


def test_all_licenses_newest_first_with_the_customers_name_and_paging(world: dict[str, Any]) -> None:
    console: Client = world["console"]
    first = _list(console)
    assert _ids(first) == world["newest_first"] and first["next_cursor"] is None
    names = {item["id"]: item["customer_name"] for item in first["items"]}
    assert names[world["ids"]["valid"]] == "ООО «Ромашка»" and names[world["ids"]["future"]] == "ООО «Лютик»"
    assert {item["state"] for item in first["items"]} == {"VALID", "IN_GRACE", "EXPIRED", "NOT_YET_VALID",
                                                         "SUSPENDED", "REVOKED"}

    seen, cursor, pages = [], None, 0
    while True:
        page = _list(console, limit=3, **({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) <= 3
        seen += _ids(page)
        pages, cursor = pages + 1, page["next_cursor"]
        if cursor is None:
            break
    assert seen == world["newest_first"] and pages == 3

    # a filtered listing pages through the same way
    page = _list(console, status="active", limit=2)
    rest = _list(console, status="active", limit=2, cursor=page["next_cursor"])
    later = _list(console, status="active", limit=2, cursor=rest["next_cursor"])
    active = [i for i in world["newest_first"] if i not in (world["ids"]["suspended"], world["ids"]["revoked"])]
    assert _ids(page) + _ids(rest) + _ids(later) == active and later["next_cursor"] is None


def test_filters_by_status_state_plan_and_last_day(world: dict[str, Any]) -> None:
    console: Client = world["console"]
    ids = world["ids"]

    def only(**query: Any) -> set[str]:
        return set(_ids(_list(console, **query)))

    assert only(status="suspended") == {ids["suspended"]}
    assert only(status="revoked") == {ids["revoked"]}
    assert only(status="active") == {ids[n] for n in ("valid", "grace", "expired", "future", "valid_soon_ending")}
    assert only(state="VALID") == {ids["valid"], ids["valid_soon_ending"]}
    assert only(state="IN_GRACE") == {ids["grace"]}
    assert only(state="EXPIRED") == {ids["expired"]}
    assert only(state="NOT_YET_VALID") == {ids["future"]}
    assert only(state="SUSPENDED") == {ids["suspended"]}
    assert only(state="REVOKED") == {ids["revoked"]}
    assert only(state="VALID", status="suspended") == set()  # contradicting filters match nothing
    assert only(plan="basic") == {ids["grace"], ids["expired"], ids["valid_soon_ending"]}
    assert only(plan="advanced", status="active") == {ids["valid"]}
    # the last day is before the date: expiring soon (still valid) and what has already ended
    assert only(expires_before="2026-07-01") == {ids["grace"], ids["expired"], ids["valid_soon_ending"]}
    assert only(expires_before="2026-07-01", state="VALID") == {ids["valid_soon_ending"]}
    assert only(expires_before="2026-06-20") == {ids["grace"], ids["expired"]}  # the 20th is not before the 20th
    # with a customer: the same filters on its licenses
    assert only(org_id=world["orgs"]["АО «Василёк»"], status="active") == {ids["valid_soon_ending"]}
    assert only(org_id=world["orgs"]["ООО «Ромашка»"], state="IN_GRACE") == {ids["grace"]}
    # the state is the state at the time of the request: in August the soon-ending one is past its grace
    with clock.frozen(datetime(2026, 8, 15, 12, tzinfo=UTC)):
        answer = console.get("/api/console/licenses", query={"state": "EXPIRED"})
    assert set(_ids(answer.body)) == {ids["grace"], ids["expired"], ids["valid_soon_ending"]}


def test_search_by_license_id_or_customer_name(world: dict[str, Any]) -> None:
    console: Client = world["console"]
    ids, orgs = world["ids"], world["orgs"]

    def found(q: str, **query: Any) -> list[str]:
        return _ids(_list(console, q=q, **query))

    assert found(ids["future"]) == [ids["future"]]  # a whole id: one GetItem
    assert found(ids["future"].lower()) == [ids["future"]]
    assert found(ids["future"], status="revoked") == []  # still filtered
    assert found(ids["future"][-8:]) == [ids["future"]]  # part of an id
    assert found("ромаш") == [ids["grace"], ids["valid"]]  # part of a name, any case, newest first
    assert found("ВАСИЛЕК", status="active") == [ids["valid_soon_ending"]]  # ё = е
    assert found("лютик", org_id=orgs["ООО «Ромашка»"]) == []
    assert found("одуванчик") == []

    # the name is the customer's current one, not a copy made when the license was issued
    renamed = console.patch(f"/api/console/customers/{orgs['ООО «Лютик»']}", {"name": "ООО «Незабудка»"})
    assert renamed.status == 200, renamed.body
    rows = _list(console, q="незабудка")["items"]
    assert [r["id"] for r in rows] == [ids["future"], ids["expired"]]
    assert {r["customer_name"] for r in rows} == {"ООО «Незабудка»"}
    assert found("лютик") == []


def test_the_list_reads_indexes_never_scans(world: dict[str, Any]) -> None:
    console: Client = world["console"]
    with recorded() as calls:
        _list(console, state="VALID", plan="advanced", expires_before="2027-01-01", limit=2)
        _list(console, q="ромашка")
        _list(console, org_id=world["orgs"]["ООО «Лютик»"])
    assert calls.count("Scan") == 0
    indexes = [p.get("IndexName", "-") for p in calls.params("Query") if "LicensingTable" in p["TableName"]]
    assert indexes == ["all_licenses", "all_licenses", "by_org"]
    assert calls.count("BatchGetItem") == 3  # the customers' names: one batch per page


def test_bad_filters_answer_a_problem(world: dict[str, Any]) -> None:
    console: Client = world["console"]
    for query in ({"state": "GONE"}, {"status": "deleted"}, {"expires_before": "tomorrow"}, {"plan": "Not A Plan"},
                  {"limit": "0"}, {"q": "x" * 101}):
        answer = console.get("/api/console/licenses", query=query)
        assert answer.status == 422, (query, answer.body)
    answer = console.get("/api/console/licenses", query={"cursor": "bm90LWEtY3Vyc29y"})
    assert (answer.status, answer.code) == (400, "invalid-cursor")
