"""A simulated installation, using the SDK, against the local cloud: a license issued in the console
activates, verifies offline, sends signed heartbeats, learns of its revocation at the next one and keeps
it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ROOT, demo_admin_code
from tests.e2e.test_identity_http import Session, new_customer

sys.path.insert(0, str(ROOT / "clients" / "agent"))

from tessera_agent import Agent, LicenseError


def console_admin(cloud: Any) -> Session:
    admin = Session(cloud)
    step = admin.post("/api/auth/login", {"email": "admin@tessera.local", "password": "tessera-demo-2026",
                                          "audience": "console"}).json()
    assert admin.post("/api/auth/login/mfa", {"mfa_token": step["mfa_token"],
                                              "code": demo_admin_code(cloud)}).status_code == 200
    return admin


def test_installation_activates_beats_and_learns_of_revocation(cloud: Any, tmp_path: Path) -> None:
    admin = console_admin(cloud)
    _, org = new_customer(cloud, "sdk.customer@example.com", "ООО «Установка»")
    issued = admin.post("/api/console/licenses", {
        "org_id": org, "plan": "enterprise", "starts_on": "2026-01-01", "ends_on": "2030-12-31",
        "domain": "budget.sdk.ru", "version_min": "4.0"})
    assert issued.status_code == 201, issued.text
    key = issued.json()["license_key"]
    jwks = httpx.get(f"{cloud.url}/api/licenses/jwks.json").json()

    agent = Agent(cloud.url, key, tmp_path / "state.json", jwks, domain="budget.sdk.ru")
    activation = agent.activate("sdk-test-server-0001", "4.2.0", ["core"])
    assert activation["activated"], activation
    info = agent.verify()
    assert info.has("ai_forecast") and info.version == 1
    assert agent.check()["code"] == "VALID"
    first = agent.heartbeat({"users": 17}, info.modules, "4.2.0")
    assert first["accepted"] and first["receipt"]["state"] == "VALID"

    license_id = issued.json()["license"]["id"]
    # The local cloud's SQS poller hands the queued heartbeat to the worker: the monitoring table shows it.
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        rows = admin.get(f"/api/console/licenses/{license_id}/activations").json()["items"]
        if rows and rows[0]["usage"].get("users") == 17:
            break
        time.sleep(0.5)
    assert rows[0]["usage"] == {"users": 17} and rows[0]["state"] == "active"
    assert admin.post("/api/licenses/revoke", {"license_id": license_id, "reason": "e2e"}).status_code == 200
    # The heartbeat function caches a license's state for up to a minute per container; the local
    # cloud keeps the container warm, so move platform time past that minute.
    clock = httpx.post(f"{cloud.url}/_local/clock", data={"action": "advance", "seconds": "61"},
                       headers={"origin": cloud.url}, follow_redirects=False)
    assert clock.status_code == 303
    later = agent.heartbeat({"users": 18}, info.modules, "4.2.0")
    assert later["receipt"]["revoked"] is True
    # The revocation sticks: after a restart, and for the signed license file of version 1 alone.
    restarted = Agent(cloud.url, key, tmp_path / "state.json", jwks, domain="budget.sdk.ru")
    for token in (None, issued.json()["token"]):
        with pytest.raises(LicenseError) as caught:
            restarted.verify(token)
        assert caught.value.code == "REVOKED"
    # and its file is no longer offered
    refused = admin.get(f"/api/console/licenses/{license_id}/file")
    assert (refused.status_code, refused.json()["code"]) == (410, "license-revoked-file")
    with pytest.raises(LicenseError) as caught:
        restarted.heartbeat({"users": -5}, info.modules, "4.2.0")
    assert caught.value.code == "INVALID_USAGE"
