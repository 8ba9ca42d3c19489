from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tessera.audit import repository, service
from tessera.audit.models import AuditEvent
from tessera.core import clock
from tessera.core.errors import BadRequest, ValidationFailed
from tessera.core.pagination import decode_cursor, encode_cursor

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def at(days_ago: int, hours: int = 0) -> datetime:
    return NOW - timedelta(days=days_ago) + timedelta(hours=hours)


def append(moment: datetime, actor: str, action: str, entity: tuple[str, str], org: str | None = None) -> None:
    with clock.frozen(moment):
        service.record(action, *entity, actor_id=actor, actor_kind="staff", org_id=org)


@pytest.fixture
def seeded(audit_table: str) -> Any:
    """Oldest first, as they happen:
    - usr_a: auth.logout 100 days ago; license.update of lic_1 (org_1) every day, today … 9 days ago
    - usr_b: auth.login today, 1 and 2 days ago (+1 h); customer_data.read of lic_1 (org_1) 1 day ago (+2 h)"""
    append(at(100), "usr_a", "auth.logout", ("session", "ses_old"))
    for days_ago in range(9, -1, -1):
        append(at(days_ago), "usr_a", "license.update", ("license", "lic_1"), "org_1")
        if days_ago < 3:
            append(at(days_ago, 1), "usr_b", "auth.login", ("session", f"ses_{days_ago}"))
        if days_ago == 1:
            append(at(1, 2), "usr_b", "customer_data.read", ("license", "lic_1"), "org_1")
    with clock.frozen(NOW + timedelta(hours=3)):
        yield


def every_page(limit: int, **filters: Any) -> tuple[list[AuditEvent], int]:
    events: list[AuditEvent] = []
    cursor: str | None = None
    pages = 0
    while True:
        items, cursor = service.search(**filters, cursor=cursor, limit=limit)
        assert len(items) <= limit
        events += items
        pages += 1
        if cursor is None:
            return events, pages


def assert_newest_first(events: list[AuditEvent]) -> None:
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    assert len({e.id for e in events}) == len(events)


def test_by_entity_pages_newest_first(seeded: None) -> None:
    events, pages = every_page(3, entity=("license", "lic_1"))
    assert len(events) == 11 and pages == 4
    assert_newest_first(events)
    assert {e.action for e in events} == {"license.update", "customer_data.read"}
    assert events[0].at == at(0)


def test_by_actor_with_action_filters(seeded: None) -> None:
    events, _ = every_page(2, actor="usr_b")
    assert [e.action for e in events] == ["auth.login", "customer_data.read", "auth.login", "auth.login"]
    logins, _ = every_page(1, actor="usr_b", action="auth.login")
    assert len(logins) == 3 and {e.action for e in logins} == {"auth.login"}
    auth_of_a, _ = every_page(5, actor="usr_a", action="auth.*")
    assert [e.entity_id for e in auth_of_a] == ["ses_old"]


def test_by_org_and_narrowed_by_actor(seeded: None) -> None:
    events, _ = every_page(4, org="org_1")
    assert len(events) == 11
    assert_newest_first(events)
    staff_reads, _ = every_page(4, org="org_1", actor="usr_b")
    assert [e.action for e in staff_reads] == ["customer_data.read"]
    # org narrows every other query too: a customer's search never leaves its organization
    assert service.search(entity=("license", "lic_1"), org="org_2") == ([], None)
    assert service.search(actor="usr_a", org="org_2") == ([], None)
    assert len(service.search(org="org_1", actor_kind="staff")[0]) == 11
    assert service.search(org="org_1", actor_kind="customer") == ([], None)
    with pytest.raises(ValidationFailed) as caught:
        service.search(org="org_1", actor_kind="robot")
    assert caught.value.errors[0].loc == "query.actor_kind"


def test_by_day_defaults_to_the_last_seven_days(seeded: None) -> None:
    events, pages = every_page(4)
    assert len(events) == 7 + 3 + 1  # updates today … 6 days ago, 3 logins, 1 read
    assert pages == 3
    assert_newest_first(events)
    assert min(e.at for e in events).date() == TODAY - timedelta(days=6)


def test_by_day_range(seeded: None) -> None:
    events, _ = every_page(10, date_from=TODAY - timedelta(days=9), date_to=TODAY - timedelta(days=8))
    assert [e.at for e in events] == [at(8), at(9)]
    logins, _ = every_page(1, action="auth.login", date_from=TODAY - timedelta(days=5))
    assert len(logins) == 3
    old, _ = every_page(10, date_from=TODAY - timedelta(days=100), date_to=TODAY - timedelta(days=9))
    assert [e.action for e in old] == ["license.update", "auth.logout"]
    nothing, cursor = service.search(date_from=TODAY - timedelta(days=60), date_to=TODAY - timedelta(days=30))
    assert (nothing, cursor) == ([], None)  # 31 empty days answered in one call


def test_a_day_range_is_at_most_92_days(seeded: None) -> None:
    service.search(date_from=TODAY - timedelta(days=91), date_to=TODAY)
    with pytest.raises(ValidationFailed) as caught:
        service.search(date_from=TODAY - timedelta(days=92), date_to=TODAY)
    assert caught.value.code == "audit-range-too-long"
    assert "92 days" in caught.value.detail
    # a range narrowing one entity, actor or organization is a single query: no such limit
    events, _ = every_page(50, actor="usr_a", date_from=TODAY - timedelta(days=365))
    assert len(events) == 11
    with pytest.raises(ValidationFailed) as caught:
        service.search(date_from=TODAY, date_to=TODAY - timedelta(days=1))
    assert caught.value.code == "invalid-filters"


def test_entity_with_date_range(seeded: None) -> None:
    events, _ = every_page(2, entity=("license", "lic_1"), date_from=TODAY - timedelta(days=2),
                           date_to=TODAY - timedelta(days=1))
    assert [(e.action, e.at) for e in events] == [
        ("customer_data.read", at(1, 2)), ("license.update", at(1)), ("license.update", at(2))]


def test_bounded_work_per_call(seeded: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repository, "MAX_QUERIES_PER_PAGE", 2)
    events, pages = every_page(100, date_from=TODAY - timedelta(days=20), date_to=TODAY)
    assert len(events) == 10 + 3 + 1 and pages == 11  # 21 days, 2 per call
    assert_newest_first(events)


def test_cursor_and_limit_validation(seeded: None) -> None:
    _, cursor = service.search(entity=("license", "lic_1"), limit=1)
    assert cursor is not None
    with pytest.raises(BadRequest) as caught:
        service.search(actor="usr_a", cursor=cursor)
    assert caught.value.code == "invalid-cursor"
    with pytest.raises(BadRequest) as caught:
        service.search(entity=("license", "lic_2"), cursor=cursor)
    assert caught.value.code == "invalid-cursor"
    with pytest.raises(BadRequest):
        service.search(cursor="%%%not-a-cursor")
    # a cursor edited to continue in another partition (another organization's events) is refused: a caller
    # cannot sign one, and one signed for the wrong partition does not continue this search either
    issued = service.search(org="org_1", limit=1)[1]
    position = decode_cursor(issued)
    assert issued is not None and position is not None
    edited = encode_cursor({**position, "pk": "ORG#org_2"})
    assert edited is not None
    header, _, tag = issued.split(".")
    for forged in (f"{header}.{edited.split('.')[1]}.{tag}", edited):
        with pytest.raises(BadRequest) as caught:
            service.search(org="org_2", cursor=forged)
        assert caught.value.code == "invalid-cursor"
    for limit in (0, 101):
        with pytest.raises(ValidationFailed) as caught:
            service.search(limit=limit)
        assert caught.value.code == "invalid-limit"
    assert len(service.search(limit=100)[0]) == 11
