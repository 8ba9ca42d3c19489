"""Workspaces through the app API: created by owners and admins within the plan's limit, settings with
normalized origins, archive; every route of another organization's workspace answers 404."""

from __future__ import annotations

from typing import Any

from tests.integration.notify.conftest import as_customer
from tests.integration.stack import Platform
from tests.integration.workspaces.conftest import org_with_plan


def test_a_workspace_is_created_with_its_site_allowed_and_listed(world: dict[str, Any]) -> None:
    workspace = world["workspace"]
    assert workspace["name"] == "Окна Москва"
    assert workspace["allowed_origins"] == ["https://okna.example.ru"]
    assert workspace["status"] == "active" and workspace["widget_id"].startswith("wgt_")
    listed = world["owner"].get(world["base"])
    assert listed.status == 200
    assert [w["id"] for w in listed.body["items"]] == [workspace["id"]] and listed.body["limit"] == 1


def test_the_plan_limits_the_number_of_workspaces(world: dict[str, Any]) -> None:
    second = world["owner"].post(world["base"], {"name": "Второй сайт"})
    assert second.status == 403 and second.code == "workspace-limit"
    assert second.body["limit"] == 1
    assert len(world["owner"].get(world["base"]).body["items"]) == 1  # nothing half-made
    assert world["owner"].post(f"{world['path']}/archive").body["status"] == "archived"
    assert world["owner"].post(world["base"], {"name": "Второй сайт"}).status == 201  # archived ones do not count


def test_without_a_fast_lead_plan_no_workspace_is_created(fastlead: Platform) -> None:
    owner, org_id = org_with_plan(fastlead, "nobody@example.ru", plan=None)
    answer = owner.post(f"/api/app/orgs/{org_id}/workspaces", {"name": "Сайт"})
    assert answer.status == 403 and answer.code == "plan-required"


def test_origins_are_normalized_and_bad_ones_named(world: dict[str, Any]) -> None:
    owner, path = world["owner"], world["path"]
    changed = owner.patch(path, {"allowed_origins": ["HTTPS://Okna.Example.RU:443/", "http://localhost:8080",
                                                     "https://окна.рф", "https://okna.example.ru"]})
    assert changed.status == 200, changed.body
    assert changed.body["allowed_origins"] == ["https://okna.example.ru", "http://localhost:8080",
                                               "https://xn--80atjc.xn--p1ai"]
    bad = owner.patch(path, {"allowed_origins": ["https://ok.ru", "ftp://files.ru", "https://site.ru/page"]})
    assert bad.status == 422
    assert [e["loc"] for e in bad.body["errors"]] == ["body.allowed_origins.1", "body.allowed_origins.2"]
    assert owner.get(path).body["allowed_origins"] == changed.body["allowed_origins"]  # nothing changed


def test_roles_operators_and_analysts_read_but_do_not_change(world: dict[str, Any]) -> None:
    for role in ("operator", "analyst"):
        caller = world["as_role"](role)
        assert caller.get(world["path"]).status == 200
        refused = caller.patch(world["path"], {"name": "Моё"})
        assert refused.status == 403 and refused.code == "forbidden-action"
        assert caller.post(world["base"], {"name": "Моё"}).status == 403
    assert world["as_role"]("admin").patch(world["path"], {"name": "Окна"}).body["name"] == "Окна"


def test_another_organization_s_workspace_is_not_found_on_every_route(world: dict[str, Any]) -> None:
    _, other_org = org_with_plan(world["stack"], "other@example.ru", plan="fastlead_pro")
    stranger = as_customer(other_org, "owner")
    foreign = f"/api/app/orgs/{other_org}/workspaces/{world['workspace']['id']}"
    calls = [("GET", foreign, None), ("PATCH", foreign, {"name": "x"}), ("POST", f"{foreign}/archive", None),
             ("GET", f"{foreign}/widget", None), ("PUT", f"{foreign}/widget", {"version": 1, "consent": {"text": "x"}}),
             ("POST", f"{foreign}/widget/publish", {"version": 1}), ("GET", f"{foreign}/widget/snippet", None)]
    for method, path, body in calls:
        answer = stranger.call(method, path, body)
        assert answer.status == 404, (method, path, answer.body)
    # and the owner's organization in the path with the stranger's token: 404 as well
    assert stranger.get(world["path"]).status == 404
    assert world["owner"].get(world["path"]).body["name"] == "Окна Москва"  # untouched


def test_archived_workspaces_cannot_be_changed(world: dict[str, Any]) -> None:
    world["owner"].post(f"{world['path']}/archive")
    answer = world["owner"].patch(world["path"], {"name": "Снова"})
    assert answer.status == 409 and answer.code == "workspace-archived"
