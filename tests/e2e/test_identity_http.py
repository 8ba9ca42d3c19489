"""Identity end to end over HTTP through the local cloud's gateway, authorizer and functions, started
as `make run` starts it: the flows of the issue, without a browser."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx

from tests.e2e.conftest import code_at_platform_time, demo_admin_code

PASSWORD = "e2e-password-2026"


def mails(cloud: Any, to: str) -> list[dict[str, Any]]:
    return [m for m in httpx.get(f"{cloud.url}/_local/mailbox?format=json").json()["messages"] if to in m["to"]]


def link(cloud: Any, to: str, marker: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = mails(cloud, to)
        if found:
            body = (found[-1].get("text") or "") + (found[-1].get("html") or "")
            match = re.search(rf"http[^\s\"'<]*{re.escape(marker)}[^\s\"'<&]*", body)
            if match:
                return match.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no mail to {to} with {marker}")


class Session:
    def __init__(self, cloud: Any) -> None:
        # A function's first call may wait for its snapshot on a busy machine: more than httpx's default 5 s.
        self.http = httpx.Client(base_url=cloud.url, headers={"accept-language": "en"}, timeout=30)

    def _csrf(self) -> dict[str, str]:
        token = self.http.cookies.get("tessera_csrf")
        return {"x-csrf-token": token} if token else {}

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, json: Any = None) -> httpx.Response:
        return self.http.post(path, json=json, headers=self._csrf())

    def patch(self, path: str, json: Any = None) -> httpx.Response:
        return self.http.patch(path, json=json, headers=self._csrf())


def new_customer(cloud: Any, email: str, company: str) -> tuple[Session, str]:
    """A customer of its own (signed up and confirmed through the API), signed in: (session, org id)."""
    person = Session(cloud)
    registered = person.post("/api/auth/register", {"email": email, "password": PASSWORD, "name": "Клиент",
                                                    "company": company})
    assert registered.status_code == 201, registered.text
    token = link(cloud, email, "/app/confirm?token=").split("token=")[1]
    confirmed = person.post("/api/auth/confirm", {"token": token})
    assert confirmed.status_code == 200, confirmed.text
    signed_in = person.post("/api/auth/login", {"email": email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    return person, person.get("/api/auth/me").json()["current"]["org_id"]


def test_customer_signs_up_confirms_enrols_2fa_and_invites_a_teammate(cloud: Any) -> None:
    anna = Session(cloud)
    assert anna.post("/api/auth/register", {"email": "anna.e2e@example.com", "password": PASSWORD,
                                            "name": "Анна", "company": "ООО «Е2Е»"}).status_code == 201
    token = link(cloud, "anna.e2e@example.com", "/app/confirm?token=").split("token=")[1]
    assert anna.post("/api/auth/confirm", {"token": token}).status_code == 200
    signed_in = anna.post("/api/auth/login", {"email": "anna.e2e@example.com", "password": PASSWORD})
    assert signed_in.json()["status"] == "ok"
    secret = anna.post("/api/auth/mfa/totp/enroll").json()["secret"]
    verified = anna.post("/api/auth/mfa/totp/verify", {"code": code_at_platform_time(cloud, secret)})
    codes = verified.json()["recovery_codes"]
    assert len(codes) == 10

    again = Session(cloud)
    step = again.post("/api/auth/login", {"email": "anna.e2e@example.com", "password": PASSWORD}).json()
    assert step["status"] == "mfa_required"
    assert again.post("/api/auth/login/mfa", {"mfa_token": step["mfa_token"],
                                              "recovery_code": codes[0]}).status_code == 200
    org = again.get("/api/auth/me").json()["current"]["org_id"]
    invited = again.post(f"/api/app/orgs/{org}/invites", {"email": "boris.e2e@example.com", "role": "operator"})
    assert invited.status_code == 201
    invite_token = link(cloud, "boris.e2e@example.com", "/app/invite/").rsplit("/", 1)[1]
    boris = Session(cloud)
    assert boris.post(f"/api/auth/invites/{invite_token}/accept", {"name": "Борис",
                                                                   "password": PASSWORD}).status_code == 200
    team = boris.get(f"/api/app/orgs/{org}/members").json()["items"]
    assert {m["email"] for m in team} == {"anna.e2e@example.com", "boris.e2e@example.com"}
    assert boris.post(f"/api/app/orgs/{org}/invites", {"email": "x@example.com", "role": "analyst"}).status_code == 403


def test_demo_admin_manages_staff_grants_access_and_reads_the_audit_log(cloud: Any) -> None:
    admin = Session(cloud)
    step = admin.post("/api/auth/login", {"email": "admin@tessera.local", "password": "tessera-demo-2026",
                                          "audience": "console"}).json()
    assert step["status"] == "mfa_required"
    code = demo_admin_code(cloud)
    assert admin.post("/api/auth/login/mfa", {"mfa_token": step["mfa_token"], "code": code}).status_code == 200

    invited = admin.post("/api/console/staff", {"email": "dev.e2e@tessera.local", "roles": ["developer"]})
    assert invited.status_code == 201, invited.text
    staff = admin.get("/api/console/staff").json()["items"]
    support = next(u for u in staff if u["email"] == "support@tessera.local")
    owner, org = new_customer(cloud, "grant.target@example.com", "ООО «Под доступом»")

    support_session = Session(cloud)
    support_session.post("/api/auth/login", {"email": "support@tessera.local", "password": "tessera-demo-2026",
                                             "audience": "console"})
    assert support_session.get(f"/api/console/orgs/{org}/members").json()["code"] == "grant-required"
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    grant = admin.post("/api/console/access-grants", {"org_id": org, "grantee_id": support["id"],
                                                      "reason": "TCK-1001 импорт", "expires_at": expires})
    assert grant.status_code == 201, grant.text
    assert support_session.get(f"/api/console/orgs/{org}/members").status_code == 200
    seen = owner.get(f"/api/app/orgs/{org}/staff-access").json()["items"]
    assert any(a["reason"] == "TCK-1001 импорт" and a["action"] == "customer_data.read" for a in seen)

    log = admin.get("/api/console/audit", params={"action": "grant.*"}).json()["items"]
    assert log and log[0]["reason"] == "TCK-1001 импорт"
    job = admin.post("/api/console/audit/verify")
    assert job.status_code == 202, job.text
    deadline = time.monotonic() + 60  # the verify worker (SQS) walks every chain
    while (answer := admin.get(f"/api/console/audit/verify/{job.json()['id']}").json())["status"] != "done":
        assert time.monotonic() < deadline, answer
        time.sleep(0.5)
    assert answer["result"]["valid"] is True, answer
    assert support_session.get("/api/console/audit").status_code == 403
