"""The e2e tier: the local cloud started as `make run` starts it (`python -m localcloud run`, demo
data included), on free ports, once per session. Browser tests drive Debian's chromium."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest

ROOT = Path(__file__).resolve().parents[2]
READY = "Tessera local cloud ready"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningCloud:
    process: subprocess.Popen[str]
    url: str
    aws_url: str
    demo_site_url: str  # the demo customer's site: another origin, the widget embedded
    output: list[str] = field(default_factory=list)

    def log_text(self) -> str:
        return "".join(self.output)


def start_cloud(timeout: float = 60.0) -> RunningCloud:
    port, aws_port, site_port = free_port(), free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "localcloud", "run", "--port", str(port), "--aws-port", str(aws_port),
         "--demo-site-port", str(site_port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    cloud = RunningCloud(process, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{aws_port}",
                         f"http://127.0.0.1:{site_port}")
    ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            cloud.output.append(line)
            if READY in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not ready.wait(0.1):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the local cloud did not start:\n{cloud.log_text()[-4000:]}")
    return cloud


def stop_cloud(cloud: RunningCloud, timeout: float = 40.0) -> int:
    """Ctrl-C, as a person stops it; the cloud's own watchdog (15 s to stop, 15 s to exit) ends a hang first
    and prints every thread's stack, which lands in the log shown here."""
    cloud.process.send_signal(signal.SIGINT)
    try:
        return cloud.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        cloud.process.kill()
        raise RuntimeError(f"the local cloud did not stop in {timeout} s:\n{cloud.log_text()[-6000:]}") from None


@pytest.fixture(scope="session")
def cloud() -> Iterator[RunningCloud]:
    running = start_cloud()
    yield running
    assert stop_cloud(running) == 0, f"the local cloud stopped badly:\n{running.log_text()[-6000:]}"


@pytest.fixture(scope="session")
def month_cloud() -> Iterator[RunningCloud]:
    """For the flows that move the platform clock a month ahead (dunning): a cloud of their own, so the tests
    that share `cloud` keep the wall clock's time (sessions, grants and installations compare with it)."""
    running = start_cloud()
    yield running
    assert stop_cloud(running) == 0, f"the local cloud stopped badly:\n{running.log_text()[-6000:]}"


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (make test installs Debian's chromium)")
        pytest.skip("chromium is not installed: run `make chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    page = context.new_page()
    yield page
    context.close()


def first_match(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found"
    return match.group(0)


_used_admin_steps: set[int] = set()


def demo_admin_code(cloud: RunningCloud) -> str:
    """The demo admin's current 2FA code (from /_local/totp, at platform time). A code works once, so
    when an earlier test already used this 30-second step, wait for the next one."""
    while True:
        answer = httpx.get(f"{cloud.url}/_local/totp?format=json").json()
        step = int(datetime.fromisoformat(answer["at"]).timestamp()) // 30
        if step not in _used_admin_steps:
            _used_admin_steps.add(step)
            return str(answer["accounts"][0]["code"])
        time.sleep(answer["seconds_left"] + 0.3)


def choose(page: Any, combobox: Any, option: str) -> None:
    """Pick an option of an antd Select and wait until the select shows it and, for a single one, its list has
    closed (the next select opens its own). Under CPU load a click can land while the list is still sliding in
    and select nothing, so the pick is retried."""
    from playwright.sync_api import expect

    select = combobox.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' ant-select ')][1]")
    for _ in range(3):
        if combobox.get_attribute("aria-expanded") != "true":
            combobox.click()
        page.locator(".ant-select-dropdown:visible").get_by_title(option, exact=True).click()
        try:
            expect(select).to_contain_text(option, timeout=3000)
            break
        except AssertionError:
            continue
    expect(select).to_contain_text(option)
    if "ant-select-multiple" not in (select.get_attribute("class") or ""):  # a multiple one stays open
        expect(page.locator(".ant-select-dropdown:visible")).to_have_count(0)


def platform_now(cloud: RunningCloud) -> datetime:
    return datetime.fromisoformat(httpx.get(f"{cloud.url}/_local/clock?format=json").json()["now"])


def code_at_platform_time(cloud: RunningCloud, secret: str, fresh: bool = False) -> str:
    """What an authenticator shows now, by the platform clock; `fresh` waits for the next 30-second
    step, since a code already used is refused (replay protection)."""
    now = platform_now(cloud)
    if fresh:
        time.sleep(30 - now.timestamp() % 30 + 0.5)
        now = platform_now(cloud)
    return str(pyotp.TOTP(secret).at(now))
