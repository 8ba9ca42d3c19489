"""Sign-up to sign-out through the real handlers on moto."""

import json
from datetime import timedelta

import pytest

from tessera.core import clock
from tessera.identity import totp
from tests.integration.identity.flows import PASSWORD, customer, sign_in, sign_up
from tests.integration.stack import Client, Platform


def test_sign_up_confirm_and_sign_in(stack: Platform, client: Client) -> None:
    sign_up(stack, client)
    mail = stack.mails_to("anna@example.com")[0]
    assert mail.subject == "Подтвердите e-mail в Tessera" and "Анна Петрова" in mail.html
    body = sign_in(client, "ANNA@example.com")
    assert body["status"] == "ok" and body["user"]["email"] == "anna@example.com"
    assert {"tessera_at", "tessera_rt", "tessera_csrf"} <= set(client.cookies)
    me = client.get("/api/auth/me").body
    assert me["memberships"][0]["org_name"] == "ООО «Ромашка»" and me["memberships"][0]["role"] == "owner"
    assert me["current"]["org_id"] == me["memberships"][0]["org_id"]
    assert 0 < me["access_expires_in"] <= 900  # the SPA schedules its background refresh from it


def test_unconfirmed_e_mail_cannot_sign_in(stack: Platform, client: Client) -> None:
    client.post("/api/auth/register", {"email": "bob@example.com", "password": PASSWORD, "name": "Bob"})
    answer = client.post("/api/auth/login", {"email": "bob@example.com", "password": PASSWORD})
    assert (answer.status, answer.code) == (403, "email-not-confirmed")


def test_confirmation_link_works_once(stack: Platform, client: Client) -> None:
    client.post("/api/auth/register", {"email": "c@example.com", "password": PASSWORD, "name": "C"})
    token = stack.link_in_last_mail("c@example.com", "token=").split("token=")[1]
    assert client.post("/api/auth/confirm", {"token": token}).status == 200
    again = client.post("/api/auth/confirm", {"token": token})
    assert (again.status, again.code) == (404, "token-invalid")


def test_expired_confirmation(stack: Platform, client: Client) -> None:
    client.post("/api/auth/register", {"email": "d@example.com", "password": PASSWORD, "name": "D"})
    token = stack.link_in_last_mail("d@example.com", "token=").split("token=")[1]
    with clock.frozen(clock.now() + timedelta(days=3)):
        answer = client.post("/api/auth/confirm", {"token": token})
    assert (answer.status, answer.code) == (410, "token-expired")


def test_bad_input_changes_nothing(stack: Platform, client: Client) -> None:
    weak = client.post("/api/auth/register", {"email": "e@example.com", "password": "12345", "name": "E"})
    assert (weak.status, weak.code) == (422, "weak-password")
    assert weak.body["errors"][0]["loc"] == "body.password"
    bad_email = client.post("/api/auth/register", {"email": "not-an-email", "password": PASSWORD, "name": "E"})
    assert bad_email.status == 422 and bad_email.body["errors"][0]["loc"] == "body.email"
    malformed = client.post("/api/auth/register", raw_body="{oops")
    assert (malformed.status, malformed.code) == (400, "malformed-json")
    assert stack.mailer.sent == []
    ok = client.post("/api/auth/register", {"email": "e@example.com", "password": PASSWORD, "name": "E"})
    assert ok.status == 201
    taken = client.post("/api/auth/register", {"email": "E@example.com", "password": PASSWORD, "name": "E2"})
    assert (taken.status, taken.code) == (409, "email-taken")
    assert len(stack.mails_to("e@example.com")) == 1


def test_errors_are_localized(stack: Platform) -> None:
    russian = Client(language="ru")
    answer = russian.post("/api/auth/login", {"email": "nobody@example.com", "password": "whatever-long"})
    assert (answer.status, answer.body["detail"]) == (401, "Неверный e-mail или пароль.")
    english = Client(language="en")
    answer = english.post("/api/auth/login", {"email": "nobody@example.com", "password": "whatever-long"})
    assert answer.body["detail"] == "Wrong e-mail or password."


def _fail(client: Client, email: str, times: int = 1) -> None:
    for _ in range(times):
        answer = client.post("/api/auth/login", {"email": email, "password": "wrong-password"})
        assert (answer.status, answer.code) == (401, "invalid-credentials"), answer.body


def test_five_failures_lock_the_pair_not_the_office(stack: Platform) -> None:
    customer(stack, "f@example.com")
    customer(stack, "colleague@example.com")
    office = Client(ip="198.51.100.1")  # one NAT address for everybody in the office
    _fail(office, "f@example.com", 5)
    blocked = office.post("/api/auth/login", {"email": "f@example.com", "password": PASSWORD})
    assert (blocked.status, blocked.code) == (429, "too-many-attempts")
    assert 0 < int(blocked.headers["retry-after"]) <= 900
    # A colleague behind the same address signs in; so does the owner from another address.
    assert office.post("/api/auth/login", {"email": "colleague@example.com", "password": PASSWORD}).status == 200
    assert Client(ip="198.51.100.2").post("/api/auth/login", {"email": "f@example.com",
                                                              "password": PASSWORD}).status == 200
    # A good password clears its own pair: the office address gets its 5 tries back.
    with clock.frozen(clock.now() + timedelta(minutes=16)):
        assert office.post("/api/auth/login", {"email": "f@example.com", "password": PASSWORD}).status == 200
        _fail(office, "f@example.com", 4)
        assert office.post("/api/auth/login", {"email": "f@example.com", "password": PASSWORD}).status == 200


def test_an_account_guessed_from_many_addresses_is_throttled(stack: Platform) -> None:
    customer(stack, "g1@example.com")
    for n in range(4):  # 4 addresses × 5 = the account's 20
        _fail(Client(ip=f"198.51.100.{10 + n}"), "g1@example.com", 5)
    fresh = Client(ip="198.51.100.50").post("/api/auth/login", {"email": "g1@example.com", "password": PASSWORD})
    assert (fresh.status, fresh.code) == (429, "too-many-attempts")
    with clock.frozen(clock.now() + timedelta(minutes=16)):
        assert Client().post("/api/auth/login", {"email": "g1@example.com", "password": PASSWORD}).status == 200


def test_one_address_has_a_much_higher_ceiling(stack: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    from tessera.identity import passwords, service

    monkeypatch.setattr(passwords, "_DUMMY_HASH", passwords.hash_password("x").encode())  # cost 4, as in tests
    sprayer = Client(ip="198.51.100.9")
    for n in range(service.ADDRESS_LIMIT):  # 100 accounts, 1 guess each: no pair or account limit is reached
        _fail(sprayer, f"x{n}@example.com")
    answer = sprayer.post("/api/auth/login", {"email": "y@example.com", "password": "wrong-password"})
    assert (answer.status, answer.code) == (429, "too-many-attempts")
    assert Client(ip="198.51.100.10").post("/api/auth/login", {"email": "y@example.com", "password": "wrong-password"}
                                           ).status == 401


def test_what_a_sign_in_costs_in_dynamodb_calls(stack: Platform) -> None:
    """A good password: 3 calls (the throttles come in the e-mail's BatchGetItem; the audit event joins the
    session's transaction without a read). A wrong one: 3 (2 for an unknown e-mail: no user to read). A
    throttled attempt reads and writes nothing more."""
    from tests.aws_calls import recorded

    customer(stack, "cost@example.com")
    attempts = Client(ip="198.51.100.60")
    cases = [("cost@example.com", PASSWORD, 200), ("cost@example.com", "wrong-password", 401),
             ("nobody@example.com", "wrong-password", 401)]
    for email, password, status in cases:
        with recorded() as calls:
            assert attempts.post("/api/auth/login", {"email": email, "password": password}).status == status
        wanted = {"BatchGetItem": 1, "GetItem": 1, "TransactWriteItems": 1}
        if email.startswith("nobody"):
            del wanted["GetItem"]
        assert calls.by_operation() == wanted, (email, status)
    _fail(attempts, "cost@example.com", 4)
    with recorded() as calls:
        assert attempts.post("/api/auth/login", {"email": "cost@example.com", "password": PASSWORD}).status == 429
    assert calls.by_operation() == {"BatchGetItem": 1}


def test_failed_logins_of_unknown_accounts_are_audited_masked(stack: Platform) -> None:
    from tessera.audit import service as audit

    _fail(Client(ip="198.51.100.77"), "Nobody.Here@example.com", 2)
    events, _ = audit.search(action="auth.login_failed")
    assert len(events) == 2
    event = events[0]
    assert event.entity_type == "login" and event.entity_id.startswith("sha256:") and event.ip == "198.51.100.77"
    assert event.after == {"account": "n***@example.com", "known": False}
    assert events[1].entity_id == event.entity_id  # one typed account, one entity: repeats can be followed
    assert "nobody.here" not in json.dumps([e.model_dump(mode="json") for e in events]).lower()


def test_refresh_rotates_and_reuse_revokes_the_family(stack: Platform) -> None:
    client, _ = customer(stack, "g@example.com")
    first_refresh = client.cookies["tessera_rt"]
    rotated = client.post("/api/auth/refresh")
    assert rotated.status == 200 and client.cookies["tessera_rt"] != first_refresh
    with clock.frozen(clock.now() + timedelta(seconds=60)):
        thief = Client()
        thief.cookies["tessera_rt"] = first_refresh
        stolen = thief.post("/api/auth/refresh")
        assert (stolen.status, stolen.code) == (401, "refresh-reused")
        # The legitimate holder's current token is dead too: the whole family is revoked.
        assert client.post("/api/auth/refresh").code == "session-expired"


def test_two_tabs_refreshing_at_once_both_survive(stack: Platform) -> None:
    client, _ = customer(stack, "h@example.com")
    tab_b = Client()
    tab_b.cookies = dict(client.cookies)
    assert client.post("/api/auth/refresh").status == 200
    assert tab_b.post("/api/auth/refresh").status == 200  # the previous token, within the grace window


def test_bearer_tokens_for_api_clients(stack: Platform) -> None:
    customer(stack, "i@example.com")
    api = Client()
    answer = api.post("/api/auth/login", {"email": "i@example.com", "password": PASSWORD, "delivery": "bearer"})
    assert answer.status == 200 and answer.body["access_token"] and not api.cookies
    api.bearer = answer.body["access_token"]
    assert api.get("/api/auth/me").body["user"]["email"] == "i@example.com"
    refreshed = Client().post("/api/auth/refresh", {"refresh_token": answer.body["refresh_token"]})
    assert refreshed.status == 200 and refreshed.body["refresh_token"] != answer.body["refresh_token"]


def test_cookie_writes_need_the_csrf_header(stack: Platform) -> None:
    client, _ = customer(stack, "j@example.com")
    answer = client.post("/api/auth/logout-all", headers={"x-csrf-token": "forged"})
    assert (answer.status, answer.code) == (403, "csrf")
    assert client.get("/api/auth/me").status == 200


def test_logout_and_logout_everywhere(stack: Platform) -> None:
    laptop, _ = customer(stack, "k@example.com")
    phone = Client()
    sign_in(phone, "k@example.com")
    sessions = laptop.get("/api/auth/sessions").body["items"]
    assert len(sessions) == 2 and sum(s["current"] for s in sessions) == 1
    other = next(s for s in sessions if not s["current"])
    assert laptop.delete(f"/api/auth/sessions/{other['id']}").status == 204
    assert phone.get("/api/auth/me").status == 401
    assert laptop.post("/api/auth/logout").status == 204
    assert "tessera_at" not in laptop.cookies
    again = Client()
    sign_in(again, "k@example.com")
    assert again.post("/api/auth/logout-all").status == 204


def test_password_reset_revokes_sessions_and_does_not_enumerate(stack: Platform) -> None:
    client, _ = customer(stack, "l@example.com")
    assert Client().post("/api/auth/password/forgot", {"email": "nobody@example.com"}).status == 202
    assert Client().post("/api/auth/password/forgot", {"email": "l@example.com"}).status == 202
    assert stack.mails_to("nobody@example.com") == []
    token = stack.link_in_last_mail("l@example.com", "token=").split("token=")[1]
    assert Client().post("/api/auth/password/reset", {"token": token, "password": "a-brand-new-secret"}).status == 200
    assert client.get("/api/auth/me").status == 401
    assert sign_in(Client(), "l@example.com", "a-brand-new-secret")["status"] == "ok"
    reused = Client().post("/api/auth/password/reset", {"token": token, "password": "another-new-secret"})
    assert reused.code == "token-invalid"


def test_totp_enrolment_sign_in_and_recovery_codes(stack: Platform) -> None:
    client, _ = customer(stack, "m@example.com")
    enrolled = client.post("/api/auth/mfa/totp/enroll").body
    assert enrolled["otpauth_uri"].startswith("otpauth://totp/Tessera:m%40example.com?secret=")
    wrong = client.post("/api/auth/mfa/totp/verify", {"code": "000000"})
    assert (wrong.status, wrong.code) == (422, "mfa-invalid")
    codes = client.post("/api/auth/mfa/totp/verify", {"code": totp.current_code(enrolled["secret"])}).body
    assert len(codes["recovery_codes"]) == 10
    assert client.get("/api/auth/me").body["user"]["mfa_enabled"] is True

    second = Client()
    step = sign_in(second, "m@example.com")
    assert step["status"] == "mfa_required" and "tessera_at" not in second.cookies
    with clock.frozen(clock.now() + timedelta(seconds=61)):
        code = totp.current_code(enrolled["secret"])
        ok = second.post("/api/auth/login/mfa", {"mfa_token": step["mfa_token"], "code": code})
        assert ok.status == 200 and "tessera_at" in second.cookies
        third = Client()
        replay = third.post("/api/auth/login/mfa", {"mfa_token": sign_in(third, "m@example.com")["mfa_token"],
                                                    "code": code})
        assert (replay.status, replay.code) == (401, "mfa-invalid")
    recovery = codes["recovery_codes"][0]
    fourth = Client()
    token = sign_in(fourth, "m@example.com")["mfa_token"]
    assert fourth.post("/api/auth/login/mfa", {"mfa_token": token, "recovery_code": recovery}).status == 200
    fifth = Client()
    token = sign_in(fifth, "m@example.com")["mfa_token"]
    assert fifth.post("/api/auth/login/mfa", {"mfa_token": token, "recovery_code": recovery}).code == "mfa-invalid"


def test_disable_totp_needs_password_and_code(stack: Platform) -> None:
    client, _ = customer(stack, "n@example.com")
    secret = client.post("/api/auth/mfa/totp/enroll").body["secret"]
    client.post("/api/auth/mfa/totp/verify", {"code": totp.current_code(secret)})
    with clock.frozen(clock.now() + timedelta(seconds=31)):
        code = totp.current_code(secret)
        assert client.post("/api/auth/mfa/totp/disable", {"password": "wrong-one-here", "code": code}).status == 401
        assert client.post("/api/auth/mfa/totp/disable", {"password": PASSWORD, "code": code}).status == 204
    assert client.get("/api/auth/me").body["user"]["mfa_enabled"] is False


def test_expired_access_token_is_refused_and_refresh_brings_it_back(stack: Platform) -> None:
    client, _ = customer(stack, "o@example.com")
    with clock.frozen(clock.now() + timedelta(minutes=16)):
        expired = client.get("/api/auth/me")
        assert (expired.status, expired.code) == (401, "session-expired")
        assert client.post("/api/auth/refresh").status == 200
        assert client.get("/api/auth/me").status == 200
