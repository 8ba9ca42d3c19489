"""The onboarding wizard's progress per organization: resumed from the server, steps done or skipped
(never the workspace), dismissed as a whole; the guided tour seen per user; roles and tenants checked."""

from __future__ import annotations

from typing import Any

from tests.integration.notify.conftest import as_customer
from tests.integration.stack import Platform
from tests.integration.workspaces.conftest import org_with_plan


def _states(view: dict[str, Any]) -> dict[str, str]:
    return {s["step"]: s["state"] for s in view["steps"]}


def test_a_new_owner_walks_the_wizard_and_it_resumes_where_they_left(fastlead: Platform) -> None:
    owner, org_id = org_with_plan(fastlead, "new@okna.example.ru")
    base = f"/api/app/orgs/{org_id}/onboarding"
    fresh = owner.get(base)
    assert fresh.status == 200, fresh.body
    assert (fresh.body["status"], fresh.body["current"], fresh.body["tour_seen"]) == ("active", "workspace", False)
    assert [s["skippable"] for s in fresh.body["steps"]] == [False, True, True, True, True, True]

    early = owner.post(f"{base}/steps/workspace", {"outcome": "done"})
    assert early.status == 422 and early.code == "onboarding-workspace-unknown"
    assert [e["loc"] for e in early.body["errors"]] == ["body.workspace_id"]
    skip = owner.post(f"{base}/steps/workspace", {"outcome": "skipped"})
    assert skip.status == 422 and skip.code == "onboarding-step-required"

    workspace = owner.post(f"/api/app/orgs/{org_id}/workspaces", {"name": "Окна", "domain": "okna.example.ru"}).body
    assert owner.post(f"{base}/steps/workspace", {"outcome": "done", "workspace_id": workspace["id"]}).status == 200
    owner.post(f"{base}/steps/widget", {"outcome": "done"})
    owner.post(f"{base}/steps/channel", {"outcome": "skipped"})
    resumed = owner.get(base).body  # a reload, another device
    assert resumed["current"] == "calendar" and resumed["workspace_id"] == workspace["id"]
    assert _states(resumed) == {"workspace": "done", "widget": "done", "channel": "skipped", "calendar": "pending",
                                "snippet": "pending", "test": "pending"}
    assert owner.post(f"{base}/steps/channel", {"outcome": "done"}).body["steps"][2]["state"] == "done"
    for step in ("calendar", "snippet", "test"):
        last = owner.post(f"{base}/steps/{step}", {"outcome": "done"}).body
    assert (last["status"], last["current"]) == ("finished", None)
    assert owner.post(f"{base}/steps/billing", {"outcome": "done"}).status in (404, 422)


def test_the_wizard_may_be_dismissed_and_the_tour_is_per_user(fastlead: Platform) -> None:
    owner, org_id = org_with_plan(fastlead, "busy@okna.example.ru")
    base = f"/api/app/orgs/{org_id}/onboarding"
    assert owner.post(f"{base}/dismiss").body["status"] == "dismissed"
    assert owner.post(f"{base}/tour-seen").body["tour_seen"] is True
    analyst = as_customer(org_id, "analyst", user_id="usr_01JTESTANALYST0000000000000")
    assert analyst.get(base).body["tour_seen"] is False  # someone else's tour
    assert analyst.post(f"{base}/tour-seen").body["tour_seen"] is True
    assert owner.get(base).body["tour_seen"] is True


def test_an_organization_set_up_before_the_wizard_is_not_walked_through_it(world: dict[str, Any]) -> None:
    assert world["owner"].get(f"/api/app/orgs/{world['org_id']}/onboarding").body["status"] == "finished"


def test_operators_and_analysts_cannot_move_the_wizard_nor_can_other_tenants(world: dict[str, Any]) -> None:
    base = f"/api/app/orgs/{world['org_id']}/onboarding"
    for role in ("operator", "analyst"):
        caller = world["as_role"](role)
        assert caller.get(base).status == 200
        assert caller.post(f"{base}/steps/widget", {"outcome": "done"}).status == 403
        assert caller.post(f"{base}/dismiss").status == 403
    stranger, other_org = org_with_plan(world["stack"], "owner@other.example.ru")
    assert stranger.get(base).status == 404
    foreign = stranger.post(f"/api/app/orgs/{other_org}/onboarding/steps/workspace",
                            {"outcome": "done", "workspace_id": world["workspace"]["id"]})
    assert foreign.status == 422 and foreign.code == "onboarding-workspace-unknown"  # not their workspace
