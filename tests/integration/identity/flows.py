"""Steps that many identity tests share."""

from __future__ import annotations

from typing import Any

from tests.integration.stack import Client, Platform

PASSWORD = "correct-horse-battery"


def sign_up(stack: Platform, client: Client, email: str = "anna@example.com", name: str = "Анна Петрова",
            company: str = "ООО «Ромашка»") -> str:
    answer = client.post("/api/auth/register", {"email": email, "password": PASSWORD, "name": name,
                                                "company": company, "locale": "ru"})
    assert answer.status == 201, answer.body
    link = stack.link_in_last_mail(email, "/app/confirm?token=")
    confirmed = client.post("/api/auth/confirm", {"token": link.split("token=")[1]})
    assert confirmed.status == 200, confirmed.body
    return str(answer.body["user_id"])


def sign_in(client: Client, email: str, password: str = PASSWORD, audience: str = "app") -> Any:
    answer = client.post("/api/auth/login", {"email": email, "password": password, "audience": audience})
    assert answer.status == 200, answer.body
    return answer.body


def customer(stack: Platform, email: str = "anna@example.com", **kwargs: Any) -> tuple[Client, dict[str, Any]]:
    """A signed-up, confirmed, signed-in customer owner, and its /me."""
    client = Client()
    sign_up(stack, client, email, **kwargs)
    assert sign_in(client, email)["status"] == "ok"
    return client, client.get("/api/auth/me").body


def admin(stack: Platform, email: str = "admin@tessera.local") -> Client:
    """The bootstrap admin, signed in with 2FA enrolled."""
    from tessera.identity import staff, totp

    staff.bootstrap_admin(email, "Главный Админ", PASSWORD)
    client = Client()
    first = sign_in(client, email, audience="console")
    assert first["status"] == "mfa_enrolment_required"
    enrolled = client.post("/api/auth/mfa/totp/enroll", {"mfa_token": first["mfa_token"]}).body
    verified = client.post("/api/auth/mfa/totp/verify", {"mfa_token": first["mfa_token"],
                                                          "code": totp.current_code(enrolled["secret"])})
    assert verified.status == 200, verified.body
    client.totp_secret = enrolled["secret"]  # type: ignore[attr-defined]
    return client
