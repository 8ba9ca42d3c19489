"""Staff reach a customer's data only by role or through a grant with a reason; every access is audited
and the customer sees it."""

from datetime import timedelta
from typing import Any

from tessera.core import clock
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import Client, Platform


def _staff(stack: Platform, console: Client, email: str, roles: list[str]) -> tuple[Client, str]:
    invite = {"email": email, "name": email.split("@")[0], "roles": roles}
    user_id = console.post("/api/console/staff", invite).body["id"]
    token = stack.link_in_last_mail(email, "/invite/").rsplit("/", 1)[1]
    client = Client()
    assert client.post(f"/api/auth/invites/{token}/accept", {"password": "staff-secret-12"}).status == 200
    return client, user_id


def _grant(console: Client, org: str, grantee: str | None, hours: float = 2, scope: str = "read",
           reason: str = "TCK-4821: lead import fails") -> Any:
    body = {"org_id": org, "reason": reason, "scope": scope,
            "expires_at": (clock.now() + timedelta(hours=hours)).isoformat()}
    if grantee:
        body["grantee_id"] = grantee
    return console.post("/api/console/access-grants", body)


def test_support_needs_a_grant_and_the_customer_sees_why(stack: Platform) -> None:
    console = admin(stack)
    support, support_id = _staff(stack, console, "support@tessera.local", ["support"])
    owner, me = customer(stack, "owner@example.com")
    org = me["current"]["org_id"]
    _, other = customer(stack, "other@example.com", company="Другая")

    denied = support.get(f"/api/console/orgs/{org}/members")
    assert (denied.status, denied.code) == (403, "grant-required")

    grant = _grant(console, org, support_id)
    assert grant.status == 201 and grant.body["active"] is True
    seen = support.get(f"/api/console/orgs/{org}/members")
    assert seen.status == 200 and seen.body["items"][0]["email"] == "owner@example.com"
    # the grant is for one organization only
    assert support.get(f"/api/console/orgs/{other['current']['org_id']}/members").code == "grant-required"

    access = owner.get(f"/api/app/orgs/{org}/staff-access").body["items"]
    reads = [a for a in access if a["action"] == "customer_data.read"]
    assert reads and reads[0]["reason"] == "TCK-4821: lead import fails"
    assert "support@tessera.local" in reads[0]["staff"]
    assert any(a["action"] == "grant.create" for a in access)

    revoked = console.post(f"/api/console/access-grants/{grant.body['id']}/revoke")
    assert revoked.status == 200 and revoked.body["active"] is False
    assert support.get(f"/api/console/orgs/{org}/members").code == "grant-required"


def test_grants_expire(stack: Platform) -> None:
    console = admin(stack)
    support, support_id = _staff(stack, console, "s2@tessera.local", ["support"])
    _, me = customer(stack, "c2@example.com")
    org = me["current"]["org_id"]
    _grant(console, org, support_id, hours=1)
    assert support.get(f"/api/console/orgs/{org}/members").status == 200
    with clock.frozen(clock.now() + timedelta(hours=1, minutes=1)):
        assert support.post("/api/auth/refresh").status == 200
        assert support.get(f"/api/console/orgs/{org}/members").code == "grant-required"


def test_developer_sees_personal_data_masked(stack: Platform) -> None:
    console = admin(stack)
    developer, developer_id = _staff(stack, console, "dev@tessera.local", ["developer"])
    _, me = customer(stack, "ivan.petrov@example.com", name="Иван Петров")
    org = me["current"]["org_id"]
    _grant(console, org, developer_id)
    member = developer.get(f"/api/console/orgs/{org}/members").body["items"][0]
    assert (member["email"], member["name"]) == ("i***@example.com", "И*** П***")
    admin_view = console.get(f"/api/console/orgs/{org}/members").body["items"][0]
    assert admin_view["email"] == "ivan.petrov@example.com"


def test_support_self_grant_policy(stack: Platform) -> None:
    console = admin(stack)
    support, support_id = _staff(stack, console, "s3@tessera.local", ["support"])
    _, me = customer(stack, "c3@example.com")
    org = me["current"]["org_id"]
    assert _grant(support, org, None, hours=4).status == 201
    assert support.get(f"/api/console/orgs/{org}/members").status == 200
    write = _grant(support, org, None, scope="write")
    assert (write.status, write.code) == (403, "self-grant-only")
    too_long = _grant(support, org, None, hours=9)
    assert (too_long.status, too_long.code) == (422, "grant-too-long")
    for_someone_else = _grant(support, org, console.get("/api/auth/me").body["user"]["id"])
    assert for_someone_else.code == "self-grant-only"
    no_reason = _grant(support, org, None, reason="")
    assert no_reason.status == 422
    assert support.post(f"/api/console/access-grants/{'grt_' + '0' * 26}/revoke").status == 403
    mine = support.get("/api/console/access-grants").body["items"]
    assert len(mine) == 1 and mine[0]["grantee_id"] == support_id


def test_bad_grants(stack: Platform) -> None:
    console = admin(stack)
    _, me = customer(stack, "c4@example.com")
    org = me["current"]["org_id"]
    sales, sales_id = _staff(stack, console, "sales@tessera.local", ["sales"])
    assert _grant(console, org, sales_id).code == "grantee-invalid"  # sales reach customers by role
    assert _grant(console, "org_" + "0" * 26, sales_id).status == 422
    assert _grant(console, org, None, hours=-1).code == "grant-in-past"
    assert _grant(console, org, None, hours=24 * 31).code == "grant-too-long"
    assert sales.get(f"/api/console/orgs/{org}/members").status == 200  # by role, audited
