"""The customer's own licenses in the app: the list, installations, the license file and catalog names;
another organization's license does not exist for it."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tessera.core import clock
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import Client, Platform

TERMS = {"plan": "basic", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "domain": "budget.romashka.ru"}


@pytest.fixture
def world(stack: Platform) -> dict[str, Any]:
    console = admin(stack)
    owner, me = customer(stack, "owner@romashka.ru", company="ООО «Ромашка»")
    other, other_me = customer(stack, "owner@lyutik.ru", company="ООО «Лютик»")
    org_id, other_org = me["current"]["org_id"], other_me["current"]["org_id"]
    with clock.frozen(datetime(2026, 3, 1, 12, tzinfo=UTC)):
        mine = console.post("/api/console/licenses", {"org_id": org_id, **TERMS})
        theirs = console.post("/api/console/licenses", {"org_id": other_org, **TERMS, "domain": "budget.lyutik.ru"})
    assert mine.status == 201 and theirs.status == 201
    return {"owner": owner, "other": other, "org_id": org_id, "other_org": other_org,
            "license": mine.body, "their_license_id": theirs.body["license"]["id"]}


def test_the_customer_sees_its_licenses_installations_and_downloads_the_file(world: dict[str, Any]) -> None:
    owner: Client = world["owner"]
    org_id, license_id = world["org_id"], world["license"]["license"]["id"]
    listed = owner.get(f"/api/app/orgs/{org_id}/licenses")
    assert listed.status == 200, listed.body
    assert [item["id"] for item in listed.body["items"]] == [license_id]
    assert listed.body["items"][0]["modules"] == ["core"]

    installations = owner.get(f"/api/app/orgs/{org_id}/licenses/{license_id}/activations")
    assert installations.status == 200 and installations.body["items"] == []

    file = owner.get(f"/api/app/orgs/{org_id}/licenses/{license_id}/file")
    assert file.status == 200 and file.headers["content-disposition"].endswith('-v1.lic"')
    document = json.loads(file.raw)
    assert document["token"] == world["license"]["token"]
    assert world["license"]["license_key"] not in file.raw.decode()  # the key is never in the file

    products = owner.get(f"/api/app/orgs/{org_id}/catalog/products")
    assert products.status == 200 and products.body[0]["code"] == "itbm"


def test_a_revoked_license_s_file_is_refused(world: dict[str, Any], stack: Platform) -> None:
    license_id = world["license"]["license"]["id"]
    with clock.frozen(datetime(2026, 3, 2, 12, tzinfo=UTC)):
        revoked = admin(stack, "second.admin@tessera.local").post(
            "/api/licenses/revoke", {"license_id": license_id, "reason": "contract terminated"})
    assert revoked.status == 200, revoked.body
    answer = Client(language="ru")
    answer.cookies = world["owner"].cookies
    file = answer.get(f"/api/app/orgs/{world['org_id']}/licenses/{license_id}/file")
    assert (file.status, file.code) == (410, "license-revoked-file")
    assert file.body["detail"] == "Лицензия отозвана: её файл больше не выдаётся."


def test_another_organizations_license_answers_404(world: dict[str, Any]) -> None:
    owner: Client = world["owner"]
    org_id, theirs = world["org_id"], world["their_license_id"]
    # Its own organization in the path, someone else's license: no such license.
    for suffix in ("activations", "file"):
        answer = owner.get(f"/api/app/orgs/{org_id}/licenses/{theirs}/{suffix}")
        assert (answer.status, answer.code) == (404, "not-found"), suffix
    # Someone else's organization in the path: no such organization.
    answer = owner.get(f"/api/app/orgs/{world['other_org']}/licenses")
    assert answer.status == 404
    # And the other customer does not see the first one's license among its own.
    their_list = world["other"].get(f"/api/app/orgs/{world['other_org']}/licenses").body["items"]
    assert [item["id"] for item in their_list] == [theirs]


def test_staff_cannot_use_the_app_routes(world: dict[str, Any], stack: Platform) -> None:
    console = admin(stack, "second.admin@tessera.local")
    answer = console.get(f"/api/app/orgs/{world['org_id']}/licenses")
    assert answer.status == 401  # the authorizer does not take a console session on app paths
