"""Staff management in the console and customer teams in the app."""

from datetime import timedelta

from tessera.core import clock
from tessera.identity import totp
from tests.integration.identity.flows import PASSWORD, admin, customer, sign_in
from tests.integration.stack import Client, Platform


def _accept_link(stack: Platform, email: str) -> str:
    return stack.link_in_last_mail(email, "/invite/").rsplit("/invite/", 1)[1]


def test_staff_invite_accept_roles_deactivate(stack: Platform) -> None:
    console = admin(stack)
    invited = console.post("/api/console/staff", {"email": "Sales.Person@tessera.local", "name": "Сергей",
                                                  "roles": ["sales", "support", "sales"]})
    assert invited.status == 201 and invited.body["roles"] == ["sales", "support"]
    assert invited.body["status"] == "invited"
    mail = stack.mails_to("sales.person@tessera.local")[0]
    assert "Главный Админ" in mail.text and "as sales, support" in mail.text  # the inviter works in English
    token = _accept_link(stack, "sales.person@tessera.local")
    view = Client().get(f"/api/auth/invites/{token}").body
    assert (view["kind"], view["email"], view["existing_user"]) == ("staff", "sales.person@tessera.local", False)

    newcomer = Client()
    accepted = newcomer.post(f"/api/auth/invites/{token}/accept", {"name": "Сергей", "password": "my-own-secret-1"})
    assert accepted.status == 200 and accepted.body["status"] == "ok"
    assert newcomer.get("/api/auth/me").body["roles"] == ["sales", "support"]
    assert newcomer.get("/api/console/staff").status == 403  # only admin and auditor read staff
    assert Client().post(f"/api/auth/invites/{token}/accept", {"password": "my-own-secret-1"}).code == "token-invalid"

    user_id = invited.body["id"]
    listed = console.get("/api/console/staff", query={"q": "sales"}).body["items"]
    assert [u["email"] for u in listed] == ["sales.person@tessera.local"]
    changed = console.patch(f"/api/console/staff/{user_id}", {"roles": ["auditor"]})
    assert changed.body["roles"] == ["auditor"]
    assert newcomer.get("/api/console/staff").status == 403  # still the cached answer
    # the authorizer caches for up to 60 s; after that the new role applies
    with clock.frozen(clock.now() + timedelta(seconds=61)):
        assert newcomer.get("/api/console/staff").status == 200
        assert console.post(f"/api/console/staff/{user_id}/deactivate").status == 200
    with clock.frozen(clock.now() + timedelta(seconds=122)):
        assert newcomer.get("/api/console/staff").status == 401
        again = Client().post("/api/auth/login", {"email": "sales.person@tessera.local",
                                                  "password": "my-own-secret-1", "audience": "console"})
        assert (again.status, again.code) == (403, "account-deactivated")


def test_last_admin_and_self_protection(stack: Platform) -> None:
    console = admin(stack)
    me = console.get("/api/auth/me").body["user"]["id"]
    demote = console.patch(f"/api/console/staff/{me}", {"roles": ["sales"]})
    assert (demote.status, demote.code) == (409, "last-admin")
    assert console.post(f"/api/console/staff/{me}/deactivate").code == "self-change"


def test_staff_admin_must_use_2fa_and_reset_mfa(stack: Platform) -> None:
    console = admin(stack)
    invited = console.post("/api/console/staff", {"email": "second.admin@tessera.local", "roles": ["admin"]}).body
    token = _accept_link(stack, "second.admin@tessera.local")
    first = Client().post(f"/api/auth/invites/{token}/accept", {"name": "Второй", "password": "second-admin-pw"})
    assert first.body["status"] == "mfa_enrolment_required"
    second = Client()
    step = sign_in(second, "second.admin@tessera.local", "second-admin-pw", audience="console")
    secret = second.post("/api/auth/mfa/totp/enroll", {"mfa_token": step["mfa_token"]}).body["secret"]
    done = second.post("/api/auth/mfa/totp/verify", {"mfa_token": step["mfa_token"], "code": totp.current_code(secret)})
    assert done.status == 200 and len(done.body["recovery_codes"]) == 10
    refused = second.post("/api/auth/mfa/totp/disable", {"password": "second-admin-pw", "code": "123456"})
    assert (refused.status, refused.code) == (403, "mfa-required-for-admin")
    reset = console.post(f"/api/console/staff/{invited['id']}/reset-mfa")
    assert reset.status == 200 and reset.body["mfa_enabled"] is False
    again = Client()
    assert sign_in(again, "second.admin@tessera.local", "second-admin-pw", "console")["status"] == \
        "mfa_enrolment_required"


def test_customer_signs_in_to_the_right_area_only(stack: Platform) -> None:
    customer(stack, "p@example.com")
    wrong = Client().post("/api/auth/login", {"email": "p@example.com", "password": PASSWORD, "audience": "console"})
    assert (wrong.status, wrong.code) == (403, "wrong-area")


def test_team_invite_new_and_existing_users_roles_and_removal(stack: Platform) -> None:
    owner, me = customer(stack, "owner@example.com")
    org = me["current"]["org_id"]
    invited = owner.post(f"/api/app/orgs/{org}/invites", {"email": "new@example.com", "role": "operator"})
    assert invited.status == 201 and invited.body["status"] == "invited"
    assert owner.post(f"/api/app/orgs/{org}/invites", {"email": "NEW@example.com", "role": "analyst"}).code == \
        "already-member"
    token = _accept_link(stack, "new@example.com")
    newcomer = Client()
    assert newcomer.post(f"/api/auth/invites/{token}/accept", {"name": "Новичок",
                                                                "password": "newcomer-secret"}).status == 200
    assert newcomer.get("/api/auth/me").body["current"]["org_id"] == org
    assert newcomer.get(f"/api/app/orgs/{org}/members").status == 200
    assert newcomer.post(f"/api/app/orgs/{org}/invites", {"email": "x@example.com", "role": "analyst"}).status == 403

    # An existing customer joins a second organization by proving it is theirs.
    other, other_me = customer(stack, "boss@example.com", company="ООО «Вторая»")
    second_org = other_me["current"]["org_id"]
    other.post(f"/api/app/orgs/{second_org}/invites", {"email": "new@example.com", "role": "analyst"})
    token = _accept_link(stack, "new@example.com")
    assert Client().get(f"/api/auth/invites/{token}").body["existing_user"] is True
    wrong = Client().post(f"/api/auth/invites/{token}/accept", {"password": "not-the-password"})
    assert wrong.code == "invalid-credentials"
    joined = Client()
    assert joined.post(f"/api/auth/invites/{token}/accept", {"password": "newcomer-secret"}).status == 200
    me_now = joined.get("/api/auth/me").body
    assert {m["org_id"] for m in me_now["memberships"]} == {org, second_org}
    assert me_now["current"]["org_id"] == second_org
    assert joined.post("/api/auth/switch", {"org_id": org}).status == 200
    assert joined.get("/api/auth/me").body["current"]["org_id"] == org
    assert joined.post("/api/auth/switch", {"org_id": "org_01JXXXXXXXXXXXXXXXXXXXXXXX"}).code == "not-a-member"

    members = owner.get(f"/api/app/orgs/{org}/members").body["items"]
    member_id = next(m["id"] for m in members if m["email"] == "new@example.com")
    assert owner.patch(f"/api/app/orgs/{org}/members/{member_id}", {"role": "owner"}).status == 200
    owner_id = next(m["id"] for m in members if m["email"] == "owner@example.com")
    assert owner.patch(f"/api/app/orgs/{org}/members/{owner_id}", {"role": "analyst"}).status == 200
    later = clock.now() + timedelta(seconds=61)  # past the authorizer's cache of the old role
    with clock.frozen(later):
        assert owner.delete(f"/api/app/orgs/{org}/members/{member_id}").status == 403  # an analyst now
        assert joined.delete(f"/api/app/orgs/{org}/members/{owner_id}").status == 204
        demote_self = joined.patch(f"/api/app/orgs/{org}/members/{member_id}", {"role": "admin"})
        assert (demote_self.status, demote_self.code) == (409, "last-owner")
    with clock.frozen(later + timedelta(seconds=61)):
        assert owner.get(f"/api/app/orgs/{org}/members").status == 401  # removed: its session in org is gone


def test_rate_limit_per_user(stack: Platform) -> None:
    owner, me = customer(stack, "busy@example.com")
    org = me["current"]["org_id"]
    with clock.frozen(clock.now().replace(second=1)):
        statuses = [owner.get(f"/api/app/orgs/{org}/members").status for _ in range(101)]
        assert statuses[:100] == [200] * 100
        limited = owner.get(f"/api/app/orgs/{org}/members")
        assert limited.status == 429 and limited.code == "rate-limited" and limited.headers["retry-after"] == "59"
    with clock.frozen(clock.now().replace(second=1) + timedelta(minutes=1)):
        assert owner.get(f"/api/app/orgs/{org}/members").status == 200


def test_a_signed_in_customer_accepts_an_invite_without_retyping_the_password(stack: Platform) -> None:
    inviter, me = customer(stack, "inviter@example.com")
    org = me["current"]["org_id"]
    member, _ = customer(stack, "member@example.com", company="Своя")
    inviter.post(f"/api/app/orgs/{org}/invites", {"email": "member@example.com", "role": "analyst"})
    token = _accept_link(stack, "member@example.com")
    stranger = Client()
    assert stranger.post(f"/api/auth/invites/{token}/accept", {}).code == "invalid-credentials"
    joined = member.post(f"/api/auth/invites/{token}/accept", {})
    assert joined.status == 200, joined.body
    assert member.get("/api/auth/me").body["current"]["org_id"] == org
