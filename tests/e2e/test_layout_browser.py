"""Every list page of the console and the app on a 1440 × 900 screen, in a real browser: the page never
scrolls sideways and no table needs its own sideways scroll (long names and ids end in "…", the key
column stays). The data is the demo's plus a customer with a license and an installation, so the
customer card, the license page and monitoring have rows."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import ROOT, demo_admin_code
from tests.e2e.test_identity_browser import DEMO_PASSWORD, sign_in
from tests.e2e.test_identity_http import new_customer

expect.set_options(timeout=20_000)

SCREEN = {"width": 1440, "height": 900}

OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth - window.innerWidth,
  tables: [...document.querySelectorAll('.ant-table-content, .ant-table-body')]
    .filter((scroller) => scroller.scrollWidth > scroller.clientWidth + 1)
    .map((scroller) => `${scroller.scrollWidth} > ${scroller.clientWidth}: `
      + (scroller.closest('.ant-table-wrapper')?.querySelector('thead')?.textContent ?? '').slice(0, 80)),
})"""


def fits(page: Page, path: str) -> dict[str, Any]:
    """Opens `path` and waits for its content (a table's rows, or its cards) before measuring."""
    page.goto(path)
    page.wait_for_load_state("networkidle")
    expect(page.locator(".ant-spin-spinning")).to_have_count(0)
    page.wait_for_timeout(300)  # antd measures fixed columns after the first paint
    measured = page.evaluate(OVERFLOW)
    return {"path": path, **measured}


@pytest.fixture(scope="module")
def console(cloud: Any, browser: Any) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", viewport=SCREEN, base_url=cloud.url)
    page = context.new_page()
    page.goto("/console/dashboard")
    sign_in(page, "admin@tessera.local", DEMO_PASSWORD)
    page.get_by_label("Код из приложения").fill(demo_admin_code(cloud))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page).to_have_url(re.compile(r"/console/dashboard"))
    page.close()
    yield context
    context.close()


@pytest.fixture(scope="module")
def installed(cloud: Any, console: BrowserContext, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A customer with a long name, a license and one installation that has sent a heartbeat: (org id, license id)."""
    import sys

    sys.path.insert(0, str(ROOT / "clients" / "agent"))
    from tessera_agent import Agent

    _, org_id = new_customer(cloud, "layout.customer@example.com",
                             "Общество с ограниченной ответственностью «Очень Длинное Название Клиента»")
    csrf = next(c["value"] for c in console.cookies() if c["name"] == "tessera_csrf")
    issued = console.request.post("/api/console/licenses", headers={"x-csrf-token": csrf}, data={
        "org_id": org_id, "plan": "enterprise", "starts_on": "2026-01-01", "ends_on": "2030-12-31",
        "domain": "budget.a-rather-long-installation-domain.example.ru", "version_min": "4.0"})
    assert issued.status == 201, issued.text()
    license_id, key = issued.json()["license"]["id"], issued.json()["license_key"]
    jwks = httpx.get(f"{cloud.url}/api/licenses/jwks.json").json()
    agent = Agent(cloud.url, key, Path(tmp_path_factory.mktemp("agent")) / "state.json", jwks,
                  domain="budget.a-rather-long-installation-domain.example.ru")
    assert agent.activate("layout-e2e-server-0001", "4.1.0", ["core", "ai_forecast"])["activated"]
    assert agent.heartbeat({"users": 120, "departments": 7}, agent.verify().modules, "4.1.0")["accepted"]
    deadline = time.monotonic() + 30
    while not console.request.get(f"/api/console/licenses/{license_id}/activations").json()["items"]:
        assert time.monotonic() < deadline, "the activation did not show"
        time.sleep(0.5)
    return org_id, license_id


def test_every_console_list_page_fits_a_1440_px_screen(console: BrowserContext, installed: tuple[str, str]) -> None:
    org_id, license_id = installed
    csrf = next(c["value"] for c in console.cookies() if c["name"] == "tessera_csrf")
    renewal = console.request.post(f"/api/console/billing/licenses/{license_id}/renewal-invoice",
                                   headers={"x-csrf-token": csrf}, data={
                                       "terms": {"plan": "enterprise", "starts_on": "2026-01-01",
                                                 "ends_on": "2031-12-31",
                                                 "domain": "budget.a-rather-long-installation-domain.example.ru",
                                                 "version_min": "4.0"},
                                       "price_kopecks": 123_456_700})
    assert renewal.status == 201, renewal.text()
    page = console.new_page()
    paths = [
        "/console/dashboard", "/console/customers", "/console/licenses", "/console/monitoring", "/console/catalog",
        "/console/reports", "/console/reports?tab=renewals", "/console/reports?tab=usage",
        "/console/notifications?tab=log", "/console/staff", "/console/access-grants", "/console/audit",
        "/console/profile", f"/console/licenses/{license_id}",
        *(f"/console/customers/{org_id}?tab={tab}"
          for tab in ("licenses", "payments", "contacts", "documents", "activity")),
        *(f"/console/billing/{tab}" for tab in ("subscriptions", "invoices", "payments", "plans", "providers",
                                                "integrations", "acts", "dunning", "seller")),
        f"/console/billing/invoices/{renewal.json()['id']}",
    ]
    measured = [fits(page, path) for path in paths]
    assert [m for m in measured if m["page"] > 0 or m["tables"]] == []
    # the monitoring page did list the installation (a table with rows, not an empty state)
    page.goto("/console/monitoring")
    expect(page.locator("tr", has_text="budget.a-rather-long-installation-domain.example.ru")).to_be_visible()
    page.close()


def test_every_app_list_page_fits_a_1440_px_screen(cloud: Any, browser: Any) -> None:
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", viewport=SCREEN, base_url=cloud.url)
    page = context.new_page()
    page.goto("/app/team")
    sign_in(page, "owner@demo.tessera.local", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/app/team"))
    measured = [fits(page, path) for path in
                ("/app/team", "/app/licenses", "/app/notifications?tab=log", "/app/staff-access", "/app/profile",
                 "/app/billing", "/app/billing?tab=invoices", "/app/billing?tab=documents",
                 "/app/billing?tab=payments", "/app/fastlead")]
    assert [m for m in measured if m["page"] > 0 or m["tables"]] == []
    context.close()
