"""Issue 12 in the console, in a browser on the local cloud as `make run` starts it: staff find the installation
whose (simulated) agent polls the portal, start a deploy with «Обновить» (version within the license, reason,
confirmation), watch the run's steps to the end, then roll it back with a reason and see the rollback succeed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect
from tessera_agent import Agent

from tests.e2e import test_deploys_flows as flow
from tests.e2e.conftest import RunningCloud, choose
from tests.e2e.test_billing_console_browser import _signed_in_admin
from tests.e2e.test_billing_flows import _admin
from tests.e2e.test_identity_http import new_customer
from tests.e2e.test_notify import wait_for

DOMAIN = "budget.deploys-browser.ru"


def _ended(admin: Any, url: str) -> dict[str, Any]:
    """The run the page shows, once the machine has ended it (read through the console API)."""
    run_id = url.rstrip("/").rsplit("/", 1)[1]

    def ended() -> dict[str, Any] | None:
        answer = admin.get(f"/api/console/deploys/runs/{run_id}")
        if answer.status_code == 429:  # staff's per-user rate limit
            return None
        run = answer.json()
        return dict(run) if run["state"] in flow.ENDED else None

    return dict(wait_for(ended, 180))


def test_staff_deploy_from_the_console_and_roll_back(cloud: RunningCloud, browser: Any, tmp_path: Path) -> None:
    admin = _admin(cloud)
    _, org = new_customer(cloud, "deploys.browser@example.com", "ООО «Консоль развёртываний»")
    issued = admin.post("/api/console/licenses", {"org_id": org, "plan": "enterprise", "starts_on": "2026-01-01",
                                                  "ends_on": "2030-12-31", "domain": DOMAIN, "version_min": "4.0"})
    assert issued.status_code == 201, issued.text
    key, state = issued.json()["license_key"], tmp_path / "agent-state.json"
    jwks = httpx.get(f"{cloud.url}/api/licenses/jwks.json").json()
    installation = Agent(cloud.url, key, state, jwks, domain=DOMAIN, timeout=60.0).activate(
        "deploys-browser-server-01", "4.2.0", ["core"])["installation_id"]
    flow._register_release(cloud, admin, "4.8.0")

    context = _signed_in_admin(cloud, browser)
    page = context.new_page()
    with flow._simulated_agent(cloud, key, state, "4.2.0"):
        wait_for(lambda: flow._installation(admin, installation).get("current_version") == "4.2.0", 60)
        page.goto("/console/deploys/installations")
        page.get_by_role("link", name=DOMAIN).click()
        expect(page).to_have_url(re.compile(rf"/console/deploys/installations/{installation}"))
        page.get_by_role("button", name="Обновить").click()
        dialog = page.get_by_role("dialog", name="Обновить установку")
        choose(page, dialog.get_by_label("Версия"), "4.8.0")
        dialog.get_by_label("Причина").fill("плановое обновление по заявке SUP-1234")
        dialog.get_by_role("button", name="Обновить до 4.8.0").click()
        expect(page).to_have_url(re.compile(r"/console/deploys/runs/dep_"), timeout=30_000)
        assert _ended(admin, page.url)["state"] == "succeeded"
        expect(page.get_by_text("Успешно", exact=True).first).to_be_visible()  # the page re-read it
        expect(page.get_by_text("Ожидание heartbeat").first).to_be_visible()

        page.get_by_role("button", name="Откатить").click()
        confirm = page.get_by_role("dialog", name="Откатить установку")
        confirm.get_by_label("Причина").fill("отчёты открываются медленнее, возвращаем 4.2.0")
        confirm.get_by_role("button", name="Откатить до 4.2.0").click()
        expect(page.get_by_text("Откат до 4.2.0")).to_be_visible(timeout=30_000)
        rolled = _ended(admin, page.url)
        assert (rolled["kind"], rolled["state"], rolled["version"]) == ("rollback", "succeeded", "4.2.0"), rolled
        expect(page.get_by_text("Успешно", exact=True).first).to_be_visible()
    assert flow._installation(admin, installation)["current_version"] == "4.2.0"
    context.close()
