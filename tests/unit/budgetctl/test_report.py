"""budgetctl.report without a stack: the report the portal's model accepts, what is sent and signed, the
spool of reports that could not be sent, and the portal's redaction of what a report carries."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from budgetctl import report
from pydantic import ValidationError

from tessera.deploys.agent import clean_output
from tessera.deploys.models import MAX_OUTPUT, BudgetctlRunRequest

LICENSE = "lic_01HZX3K9Q7M8N2P4R6S8T0V2W4"
START = datetime(2026, 3, 1, 12, tzinfo=UTC)


def built(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"license_id": LICENSE, "domain": "Budget.Acme.example", "command": "deploy",
                              "outcome": "succeeded", "started_at": START, "ended_at": START + timedelta(seconds=9),
                              "steps": [{"step": "pull", "outcome": "ok", "detail": "x" * 300_000}],
                              "version": "v4.2.0", "previous_version": "—"}
    return report.build(**(values | changes))


def test_a_built_report_is_what_the_portal_accepts() -> None:
    sent = built()
    accepted = BudgetctlRunRequest.model_validate_json(json.dumps(sent))
    assert (accepted.version, accepted.previous_version, accepted.domain) == ("4.2.0", None, "budget.acme.example")
    assert len(sent["steps"][0]["detail"]) == report.MAX_DETAIL and sent["steps"][0]["detail"].startswith("…")
    assert len(built(steps=[{"step": "pull", "outcome": "ok"}] * 150)["steps"]) == report.MAX_STEPS
    assert built()["run_id"] != built()["run_id"]


@pytest.mark.parametrize(("change", "field"), [
    ({"command": "destroy"}, "command"), ({"outcome": "maybe"}, "outcome"),
    ({"started_at": "2026-03-01T12:00:00"}, "started_at"), ({"steps": [{"step": "Pull!", "outcome": "ok"}]}, "steps"),
    ({"domain": "bad domain"}, "domain"), ({"version": "4.2"}, "version"), ({"secret": "x"}, "secret")])
def test_the_portal_model_names_the_bad_field(change: dict[str, Any], field: str) -> None:
    body = json.loads(json.dumps(built())) | change
    with pytest.raises(ValidationError) as caught:
        BudgetctlRunRequest.model_validate_json(json.dumps(body))
    assert caught.value.errors()[0]["loc"][0] == field


def test_the_portal_model_refuses_a_run_that_ends_before_it_starts_or_a_deploy_without_a_version() -> None:
    body = json.loads(json.dumps(built()))
    for change in ({"ended_at": "2026-03-01T11:00:00+00:00"}, {"version": None}):
        with pytest.raises(ValidationError):
            BudgetctlRunRequest.model_validate_json(json.dumps(body | change))


def test_what_the_portal_keeps_of_a_step_is_redacted_and_capped() -> None:
    kept = clean_output("DATABASE_URL=postgres://app:hunter2@db/app\n" + "y" * 20_000 + "\npassword=s3cret done")
    assert "hunter2" not in kept and "s3cret" not in kept and kept.endswith("done")
    assert len(kept) == MAX_OUTPUT


def test_destination_names_what_is_missing() -> None:
    assert report.destination(None, "key", "secret") == (None, "--portal")
    assert report.destination("https://portal", None, None) == (None, "--report-key-id, --report-secret")
    assert report.destination("file:///etc", "k", "s")[0] is None
    assert report.destination("https://portal/", "k", "s")[0] == report.Destination("https://portal", "k", "s")


@pytest.fixture
def portal(monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[tuple[dict[str, str], bytes]], list[int]]:
    """urlopen answering the statuses in `answers` (201 once they run out; 0: the network is down); every
    request kept. (Unit tests open no sockets: the loopback portal is the integration test's.)"""
    seen: list[tuple[dict[str, str], bytes]] = []
    answers: list[int] = []

    def urlopen(request: urllib.request.Request, timeout: float) -> Any:
        status = answers.pop(0) if answers else 201
        if status == 0:
            raise urllib.error.URLError("connection refused")
        seen.append(({k.title(): v for k, v in request.header_items()}, bytes(request.data)))  # type: ignore[arg-type]
        if status >= 400:
            raise urllib.error.HTTPError(request.full_url, status, "refused", Message(), io.BytesIO(b"{}"))
        return contextlib.nullcontext()

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return "https://portal.test", seen, answers


def test_a_report_is_signed_over_the_timestamp_and_the_body(portal: Any) -> None:
    url, seen, _ = portal
    assert report.deliver(built(), report.Destination(url, "intg_1", "topsecret"), io.StringIO())
    [(headers, body)] = seen
    expected = hmac.new(b"topsecret", headers["X-Tessera-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-Tessera-Signature"] == "sha256=" + expected.hexdigest()
    assert headers["X-Tessera-Key"] == "intg_1" and json.loads(body)["command"] == "deploy"


def test_a_report_not_sent_is_spooled_and_sent_before_the_next(portal: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDGETCTL_SPOOL", str(tmp_path / "spool"))
    url, seen, answers = portal
    to, warn = report.Destination(url, "intg_1", "s"), io.StringIO()
    first = built()
    answers.append(503)
    assert not report.deliver(first, to, warn)
    assert "report --resend" in warn.getvalue()
    [spooled] = report.spooled()
    assert spooled.name == f"{first['run_id']}.json" and spooled.stat().st_mode & 0o777 == 0o600
    answers.append(0)  # the network still down: it stays
    assert report.resend(to, warn) == (0, 1)
    second = built()
    assert report.deliver(second, to, warn)
    assert [json.loads(body)["run_id"] for _, body in seen] == [first["run_id"], first["run_id"], second["run_id"]]
    assert report.spooled() == []


def test_a_refused_report_is_not_spooled(portal: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDGETCTL_SPOOL", str(tmp_path / "spool"))
    url, _, answers = portal
    answers.append(422)
    warn = io.StringIO()
    assert not report.deliver(built(), report.Destination(url, "intg_1", "s"), warn)
    assert "отклонил" in warn.getvalue() and report.spooled() == []
