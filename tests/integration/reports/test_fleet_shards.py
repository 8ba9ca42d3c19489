"""The fleet index is written in shards; monitoring reads them all and pages through one merged order,
newest contact first, so every installation is listed exactly once whatever the page size or filter."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tessera.core import clock
from tests.integration.identity.flows import customer
from tests.integration.reports.test_licensing_reports import staff

NOW = datetime(2026, 3, 10, 9, tzinfo=UTC)
COUNT = 120


@pytest.fixture
def fleet(stack: Any) -> dict[str, Any]:
    """COUNT installations of one license, written as activation does: in 3 states, with runs of exactly
    equal last contact (a merge must order those the same way on every page)."""
    from tessera.core.dynamo import transaction
    from tessera.licensing import repository
    from tessera.licensing.records import ActivationRecord

    console = staff()
    _, me = customer(stack, "owner@romashka.ru")
    with clock.frozen(NOW):
        issued = console.post("/api/console/licenses", {
            "org_id": me["current"]["org_id"], "plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
            "domain": "budget.romashka.ru", "version_min": "4.0"})
        assert issued.status == 201, issued.body
    license_id = issued.body["license"]["id"]
    seen: dict[str, datetime] = {}
    for start in range(0, COUNT, 25):
        with transaction() as tx:
            for n in range(start, min(start + 25, COUNT)):
                installation = f"ins_{n:026d}"
                last_seen = NOW - timedelta(minutes=(n // 4) * 150)  # every 4 share one time; 0 to 3 days back
                seen[installation] = last_seen
                repository.add_activation(tx, ActivationRecord(
                    pk=f"LIC#{license_id}", sk=f"ACT#{installation}", installation_id=installation,
                    license_id=license_id, fingerprint=f"machine-{n:020d}", public_key={}, key_thumbprint="t",
                    software_version="4.1.0" if n % 3 else "4.2.0", domain="budget.romashka.ru",
                    activated_at=last_seen, last_seen_at=last_seen))
    return {"console": console, "seen": seen}


def newest_first(seen: dict[str, datetime], ids: list[str] | None = None) -> list[str]:
    return sorted(ids if ids is not None else seen, key=lambda i: (-seen[i].timestamp(), i))


def page_through(console: Any, limit: int, **query: str) -> list[str]:
    listed, cursor, pages = [], None, 0
    with clock.frozen(NOW):
        while True:
            answer = console.get("/api/console/licensing/activations",
                                 query={**query, "limit": str(limit), **({"cursor": cursor} if cursor else {})})
            assert answer.status == 200, answer.body
            listed += [row["installation_id"] for row in answer.body["items"]]
            cursor, pages = answer.body["next_cursor"], pages + 1
            if not cursor:
                return listed
            assert pages < 500


def test_installations_are_spread_over_every_shard(fleet: dict[str, Any]) -> None:
    from tessera.licensing import repository

    shards = {repository.fleet_shard(i) for i in fleet["seen"]}
    assert shards == set(repository.fleet_shards()) and len(shards) == repository.FLEET_SHARDS == 8
    assert repository.fleet_count() == COUNT


@pytest.mark.parametrize("limit", [7, 100])
def test_paging_lists_every_installation_once_newest_first(fleet: dict[str, Any], limit: int) -> None:
    listed = page_through(fleet["console"], limit)
    assert len(listed) == len(set(listed)) == COUNT
    assert listed == newest_first(fleet["seen"])


def test_filters_and_states_page_across_shards(fleet: dict[str, Any]) -> None:
    seen, console = fleet["seen"], fleet["console"]
    stale_at, inactive_at = NOW - timedelta(hours=3), NOW - timedelta(days=3)
    stale = [i for i, t in seen.items() if inactive_at <= t < stale_at]
    active = [i for i, t in seen.items() if t >= stale_at]
    assert stale and active and len(stale) + len(active) < COUNT
    assert page_through(console, 20, state="stale") == newest_first(seen, stale)
    assert page_through(console, 4, state="active") == newest_first(seen, active)
    newest = [i for i in seen if int(i[4:]) % 3 == 0]  # 4.2.0, the latest: not behind
    assert page_through(console, 9, behind_latest="false") == newest_first(seen, newest)
    with clock.frozen(NOW):
        kpis = console.get("/api/console/licensing/dashboard").body["activations"]
    assert kpis == {"active": len(active), "stale": len(stale), "inactive": COUNT - len(active) - len(stale),
                    "total": COUNT}


def test_a_cursor_of_another_shape_is_refused(fleet: dict[str, Any]) -> None:
    from tessera.core.pagination import encode_cursor

    for position in ({"pk": "LIC#x", "sk": "ACT#y", "fleet_key": "FLEET", "last_seen_at": "2026-03-10"},
                     {"seen": "yesterday", "pk": "LIC#x", "sk": "ACT#y"}):
        answer = fleet["console"].get("/api/console/licensing/activations", query={"cursor": encode_cursor(position)})
        assert answer.code == "invalid-cursor" and answer.status in (400, 422)
