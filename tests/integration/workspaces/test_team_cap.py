"""The Fast Lead plan caps the organization's team (seed 004: Старт 3 members): an invitation holds a seat."""

from __future__ import annotations

from tests.integration.stack import Platform
from tests.integration.workspaces.conftest import org_with_plan


def test_the_start_plan_caps_the_team_at_three_invitations_included(fastlead: Platform) -> None:
    owner, org_id = org_with_plan(fastlead, "owner@team-cap.example.ru", "fastlead_start")
    invites = f"/api/app/orgs/{org_id}/invites"
    assert owner.post(invites, {"email": "op@team-cap.example.ru", "role": "operator"}).status == 201
    assert owner.post(invites, {"email": "an@team-cap.example.ru", "role": "analyst"}).status == 201
    refused = owner.post(invites, {"email": "fourth@team-cap.example.ru", "role": "operator"})
    assert (refused.status, refused.code) == (403, "member-limit"), refused.body
    assert refused.body["limit"] == 3
    members = owner.get(f"/api/app/orgs/{org_id}/members").body["items"]
    assert "fourth@team-cap.example.ru" not in {m["email"] for m in members}  # nothing half-saved

    # withdrawing an invitation frees its seat
    withdrawn = next(m["id"] for m in members if m["email"] == "an@team-cap.example.ru")
    assert owner.delete(f"/api/app/orgs/{org_id}/members/{withdrawn}").status == 204
    assert owner.post(invites, {"email": "fourth@team-cap.example.ru", "role": "operator"}).status == 201


def test_without_a_fast_lead_plan_the_team_is_not_capped(fastlead: Platform) -> None:
    owner, org_id = org_with_plan(fastlead, "owner@no-plan.example.ru", None)
    for n in range(4):
        answer = owner.post(f"/api/app/orgs/{org_id}/invites", {"email": f"p{n}@no-plan.example.ru", "role": "analyst"})
        assert answer.status == 201, answer.body
