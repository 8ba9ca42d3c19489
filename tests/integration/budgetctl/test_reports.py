"""budgetctl's runs reported to the portal: a deploy over SSH to the test server posts its signed report
(checked here with the portal's own signature and model) to a loopback portal; a portal that cannot be
reached leaves the deploy as it was, and the report waits in the spool for `budgetctl report --resend`."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from budgetctl import deploy

from tessera.billing.integrations import signature
from tessera.deploys.models import BudgetctlRunRequest
from tests.integration.budgetctl.conftest import Setup, free_port, main

KEY_ID, SECRET = "intg_budgetctl", "a-shared-secret"
HEALTH = ("--health-timeout", "2")


@dataclass
class Portal:
    url: str = ""
    reports: list[BudgetctlRunRequest] = field(default_factory=list)


@pytest.fixture
def portal() -> Iterator[Portal]:
    """POST /api/external/deploy-runs as the portal checks it: the signature over "<timestamp>.<body>", then
    the body by the portal's model; 401 or 422 otherwise."""
    found = Portal()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            expected = signature(SECRET, self.headers["X-Tessera-Timestamp"], raw)
            status = 401
            if self.path == "/api/external/deploy-runs" and self.headers["X-Tessera-Key"] == KEY_ID and \
                    self.headers["X-Tessera-Signature"] == expected:
                found.reports.append(BudgetctlRunRequest.model_validate_json(raw))
                status = 201
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found.url = f"http://127.0.0.1:{server.server_port}"
    yield found
    server.shutdown()


@pytest.fixture(autouse=True)
def reporting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(deploy, "HEALTH_INTERVAL_SECONDS", 0.2)
    monkeypatch.setenv("BUDGETCTL_SPOOL", str(tmp_path / "spool"))
    monkeypatch.setenv("BUDGETCTL_OPERATOR", "ivan@laptop")
    monkeypatch.setenv("BUDGETCTL_REPORT_KEY_ID", KEY_ID)
    monkeypatch.setenv("BUDGETCTL_REPORT_SECRET", SECRET)


def test_a_deploy_posts_its_report_with_the_steps_it_printed(setup: Setup, portal: Portal) -> None:
    code, text = setup.run("deploy", "--version", "v4.1.3", *HEALTH, "--portal", portal.url)
    assert code == 0, text
    [sent] = portal.reports
    assert (sent.command, sent.outcome, sent.version, sent.previous_version, sent.operator) == (
        "deploy", "succeeded", "4.1.3", None, "ivan@laptop")
    assert (sent.license_id, sent.domain) == (setup.client()["license_id"], setup.client()["domain"])
    steps = [step.step for step in sent.steps]
    assert steps[0] == "deploy_start" and {"upload", "pull", "migrate", "switch", "health"} <= set(steps)
    assert steps[-1] == "deploy_done" and all(step.outcome == "ok" for step in sent.steps)

    setup.server.fail("migrate", "v4.2.0")
    code, text = setup.run("deploy", "--version", "v4.2.0", *HEALTH, "--portal", portal.url)
    assert code == 4, text
    failed = portal.reports[-1]
    assert (failed.outcome, failed.version, failed.previous_version) == ("rolled_back", "4.2.0", "4.1.3")
    assert failed.error and "migrate" in failed.error
    assert any(step.outcome == "failed" for step in failed.steps)

    code, text = setup.run("status", "--portal", portal.url)
    assert (portal.reports[-1].command, [s.step for s in portal.reports[-1].steps]) == ("status", ["status"])
    assert "v4.1.3" in (portal.reports[-1].steps[0].detail or "")

    code, text = setup.run("prepare", "--portal", portal.url)
    assert code == 0, text
    checks = portal.reports[-1].steps
    assert (portal.reports[-1].command, portal.reports[-1].version) == ("prepare", None)
    assert "check_cpu" in [step.step for step in checks] and {step.outcome for step in checks} <= {"ok", "warn"}


def test_an_unreachable_portal_never_fails_the_run_and_the_report_is_resent(
        setup: Setup, portal: Portal, capsys: pytest.CaptureFixture[str]) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    code, text = setup.run("deploy", "--version", "v4.1.3", *HEALTH, "--portal", down)
    assert code == 0, text
    assert "report --resend" in capsys.readouterr().err and portal.reports == []
    out = io.StringIO()
    assert main(["report", "--resend", "--portal", portal.url], out) == 0
    assert "отправлено отчётов: 1; осталось: 0" in out.getvalue()
    assert [r.command for r in portal.reports] == ["deploy"]


def test_the_key_secret_can_come_from_the_repositorys_secrets(setup: Setup, portal: Portal,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUDGETCTL_REPORT_SECRET")
    (setup.secrets / "acme" / "tessera_report").write_text(SECRET + "\n")
    _, text = setup.run("status", "--portal", portal.url, "--report-secret-ref", "acme/tessera_report")
    assert [r.command for r in portal.reports] == ["status"], text


def test_without_a_portal_the_run_says_it_is_not_recorded(setup: Setup, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TESSERA_PORTAL", raising=False)
    code, text = setup.run("prepare")
    assert code == 0, text
    err = capsys.readouterr().err
    assert err.count("запуск не записан в портал: не указано --portal") == 1
    assert not (setup.repo.parent / "spool").exists()
