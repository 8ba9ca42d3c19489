"""The real dunning and trial-lifecycle state machines executed by moto's Step Functions, their Lambda
tasks served in-process (recipe A of serverless-local-aws.md), charges made through checkout.charge_saved
(the one charge path) and answered by the FakeProvider, timings in seconds, e-mails in the memory mailer;
the run's record as the console reads it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
from moto.core.config import default_user_config

from tessera.billing import checkout, dunning, service
from tessera.billing.providers.fake import FakeProvider, Outcome
from tessera.billing.service import Actor
from tessera.core.money import Money
from tests.integration.stack import ROOT, Platform, invoke_server

ORG = "org_01JAAAAAAAAAAAAAAAAAAAAAAA"
OWNER = "owner@dunning.example"
ACCOUNT, REGION = "123456789012", "eu-central-1"
STAFF = Actor("usr_billing", "staff", "Бухгалтер", ("billing",))



@pytest.fixture
def machines(billing: Platform) -> Iterator[dict[str, str]]:
    server = invoke_server("BillingDunningFunction")
    function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:BillingDunningFunction:live"
    with mock.patch.dict(default_user_config["stepfunctions"], {"execute_state_machine": True}), \
            mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL_LAMBDA": f"http://127.0.0.1:{server.server_port}"}):
        sfn = boto3.client("stepfunctions")
        arns = {}
        for name in ("dunning", "trial_lifecycle"):
            text = (ROOT / "statemachines" / f"{name}.asl.json").read_text(encoding="utf-8")
            arns[name] = sfn.create_state_machine(
                name=name, roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn",
                definition=text.replace("${BillingDunningFunctionArn}", function_arn))["stateMachineArn"]
        yield arns
    server.shutdown()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeProvider:
    """The adapter checkout resolves for the saved card's provider ("fake"), instead of a configured one."""
    provider = FakeProvider()
    monkeypatch.setattr(checkout, "provider", lambda name, record=None: provider)
    return provider


@pytest.fixture(autouse=True)
def owners() -> Iterator[None]:
    """The organization's owner, who receives the e-mails (identity's team is not part of this test)."""
    with mock.patch.object(dunning, "owner_emails", return_value=[OWNER]):
        yield


def _renewal_due(saved: bool = True) -> tuple[str, str]:
    """An active subscription with a saved card whose period ended: its renewal invoice, unpaid."""
    subscription = service.start_trial(ORG, "fastlead_pro", STAFF)
    first = service.period_invoice(subscription.id, STAFF)
    service.apply_payment(provider="fake", provider_payment_id="first", invoice_id=first.id, attempt=1,
                          amount=Money(first.total.kopecks))
    from tessera.billing import repository

    record = repository.find_subscription(subscription.id)
    assert record is not None
    if saved:
        record.saved_method = {"provider": "fake", "method_id": "method-1", "title": "*4242"}
        record.save()
    _, invoice = service.renew(subscription.id)
    assert invoice is not None
    return subscription.id, invoice.id


def _run(arn: str, payload: dict[str, Any], *, during: Any = None, timeout: float = 60) -> dict[str, Any]:
    sfn = boto3.client("stepfunctions")
    execution = sfn.start_execution(stateMachineArn=arn, name=payload.get("invoice_id") or "trial",
                                    input=json.dumps(payload))["executionArn"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return {"status": described["status"], "output": json.loads(described.get("output") or "null"),
                    "states": [e["stateEnteredEventDetails"]["name"] for e in
                               sfn.get_execution_history(executionArn=execution)["events"]
                               if "stateEnteredEventDetails" in e]}
        if during is not None and during(sfn, execution):
            during = None
        time.sleep(0.1)
    raise AssertionError("the execution did not end in time")


def _subjects(billing: Platform) -> list[str]:
    return [mail.subject for mail in billing.mails_to(OWNER)]


def test_three_declines_then_grace_then_suspended(billing: Platform, machines: dict[str, str],
                                                   fake: FakeProvider) -> None:
    subscription_id, invoice_id = _renewal_due()
    fake.will(*[Outcome.decline("insufficient_funds", "retry")] * 3)
    run = _run(machines["dunning"], {"invoice_id": invoice_id, "max_attempts": 3, "retry_interval": 1,
                                     "grace_period": 1})
    assert run["status"] == "SUCCEEDED"
    assert run["states"].count("Charge") == 3 and run["states"][-1] == "Suspended"
    assert [op for op, _ in fake.calls] == ["charge_saved"] * 3
    assert len({key for _, key in fake.calls}) == 3  # three attempts, three idempotency keys
    assert service.get_subscription(subscription_id).state == "suspended"
    run_record = service.get_dunning_run(dunning.run_id_of(invoice_id))
    assert (run_record.state, run_record.tries, run_record.max_attempts) == ("suspended", 3, 3)
    assert run_record.ended_at is not None and run_record.subscription_id == subscription_id
    charges = [(s.outcome, s.detail) for s in run_record.steps if s.step == "charge"]
    assert charges == [("retry", "attempt 1: insufficient_funds"), ("retry", "attempt 2: insufficient_funds"),
                       ("grace", "attempt 3: insufficient_funds")]
    assert [s.step for s in run_record.steps][-2:] == ["suspend", "mail:suspended"]
    subjects = _subjects(billing)
    assert sum("Не удалось списать" in s or "could not charge" in s for s in subjects) == 2
    assert any("до" in s or "by" in s for s in subjects if "Оплатите счёт" in s or "Please pay" in s)
    assert any("приостановлен" in s or "suspended" in s for s in subjects)
    assert len(subjects) == 4  # declined ×2, grace, suspended


def test_an_expired_card_stops_charging_and_asks_for_another(billing: Platform, machines: dict[str, str],
                                                             fake: FakeProvider) -> None:
    subscription_id, invoice_id = _renewal_due()
    fake.will(Outcome.decline("card_expired", "new_card"))
    run = _run(machines["dunning"], {"invoice_id": invoice_id, "max_attempts": 3, "retry_interval": 1,
                                     "grace_period": 1})
    assert run["states"].count("Charge") == 1 and "NotifyNewCard" in run["states"]
    assert len(fake.calls) == 1  # never charged again
    assert service.get_subscription(subscription_id).state == "suspended"
    assert any("другая карта" in s or "Another card" in s for s in _subjects(billing))


def test_a_step_that_keeps_failing_ends_the_run_failed_with_its_error(billing: Platform, machines: dict[str, str],
                                                                      fake: FakeProvider,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _, invoice_id = _renewal_due()
    fake.will(Outcome.decline("card_expired", "new_card"))

    def unavailable(_subscription: Any) -> int:
        raise RuntimeError("licensing did not answer")

    monkeypatch.setattr(dunning, "suspend_access", unavailable)
    run = _run(machines["dunning"], {"invoice_id": invoice_id, "max_attempts": 3, "retry_interval": 1,
                                     "grace_period": 1})
    assert run["status"] == "FAILED" and "RecordFailure" in run["states"], run
    record = service.get_dunning_run(dunning.run_id_of(invoice_id))
    assert record.state == "failed" and record.ended_at is not None
    last = record.steps[-1]
    assert (last.step, last.outcome, last.detail) == ("failed", "RuntimeError", "licensing did not answer")


def test_a_payment_in_the_middle_ends_the_run_and_restores(billing: Platform, machines: dict[str, str],
                                                           fake: FakeProvider) -> None:
    subscription_id, invoice_id = _renewal_due()
    fake.will(Outcome.decline("insufficient_funds", "retry"))
    invoice = service.get_invoice(invoice_id)

    def pay_after_the_first_decline(sfn: Any, execution: str) -> bool:
        if service.get_subscription(subscription_id).state != "past_due":
            return False
        service.apply_payment(provider="tbank", provider_payment_id="manual-1", invoice_id=invoice_id, attempt=99,
                              amount=Money(invoice.total.kopecks))
        return True

    run = _run(machines["dunning"], {"invoice_id": invoice_id, "max_attempts": 3, "retry_interval": 2,
                                     "grace_period": 1}, during=pay_after_the_first_decline)
    assert run["status"] == "SUCCEEDED" and run["states"][-2:] == ["Restore", "Done"]
    assert run["states"].count("Charge") == 1 and len(fake.calls) == 1
    assert service.get_subscription(subscription_id).state == "active"
    assert any("восстановлен" in s or "restored" in s for s in _subjects(billing))
    assert service.get_dunning_run(dunning.run_id_of(invoice_id)).state == "restored"


def test_a_first_charge_that_succeeds_renews_quietly(billing: Platform, machines: dict[str, str],
                                                     fake: FakeProvider) -> None:
    subscription_id, invoice_id = _renewal_due()
    run = _run(machines["dunning"], {"invoice_id": invoice_id, "max_attempts": 3, "retry_interval": 1,
                                     "grace_period": 1})
    assert run["states"][-2:] == ["PaidAtOnce", "Done"] and len(fake.charged) == 1
    assert service.get_invoice(invoice_id).status == "paid"
    assert service.get_dunning_run(dunning.run_id_of(invoice_id)).state == "restored"
    assert service.get_subscription(subscription_id).state == "active"
    assert _subjects(billing) == []


def test_a_trial_ends_read_only_then_blocked_with_the_offer_mailed(billing: Platform, machines: dict[str, str]
                                                                   ) -> None:
    subscription = service.start_trial(ORG, "fastlead_pro", STAFF)
    run = _run(machines["trial_lifecycle"], {"subscription_id": subscription.id, "trial_period": 0,
                                             "read_only_period": 1})
    assert run["status"] == "SUCCEEDED" and "Block" in run["states"]
    assert service.get_subscription(subscription.id).state == "suspended"
    offer, blocked = billing.mails_to(OWNER)
    # the plan by the name the customer bought it under, not its code
    assert "тарифа «Про» закончился" in offer.text and "по тарифу «Про» заблокирован" in blocked.text
    assert "fastlead_pro" not in offer.text + blocked.text


def test_a_read_only_step_cut_short_by_a_timeout_is_finished_by_its_retry(billing: Platform) -> None:
    """The function timed out after the subscription went past_due but before the e-mail: the retry (the trial
    machine retries Sandbox.Timedout) mails the offer for the same invoice, and a third try changes nothing."""
    subscription = service.start_trial(ORG, "fastlead_pro", STAFF)
    with mock.patch.object(dunning, "_mail", side_effect=TimeoutError("the sandbox timed out")), \
            pytest.raises(TimeoutError):
        dunning.trial_read_only(subscription.id, 60)
    from tessera.billing import repository

    def open_invoice() -> str | None:
        record = repository.find_subscription(subscription.id)
        return record.open_invoice_id if record else None

    assert service.get_subscription(subscription.id).state == "past_due" and billing.mails_to(OWNER) == []
    first_invoice = open_invoice()
    assert dunning.trial_read_only(subscription.id, 60) == {"over": False}
    assert dunning.trial_read_only(subscription.id, 60) == {"over": False}
    (offer,) = billing.mails_to(OWNER)
    assert "тарифа «Про» закончился" in offer.text
    assert first_invoice is not None and open_invoice() == first_invoice


def test_a_trial_run_that_ended_badly_is_started_again_under_the_next_name(billing: Platform,
                                                                          machines: dict[str, str]) -> None:
    """A trial's run must end the trial: the daily job starts it again when it failed for good (here: its
    subscription is unknown, an error no retry covers), never while it runs; an invoice's dunning run is
    started once whatever became of it. Each day's input differs (the wait left), so AWS answers
    ExecutionAlreadyExists for a name in use."""
    sfn, arn = boto3.client("stepfunctions"), machines["trial_lifecycle"]
    executions = arn.replace(":stateMachine:", ":execution:")

    def day(n: int, subscription: str) -> dict[str, Any]:
        return {"subscription_id": subscription, "trial_period": 0 if subscription == "sub_gone" else 3600 - n,
                "read_only_period": 60}

    def ended(name: str) -> str:
        deadline = time.monotonic() + 30
        while (status := sfn.describe_execution(executionArn=f"{executions}:{name}")["status"]) == "RUNNING":
            assert time.monotonic() < deadline, f"{name} still running"
            time.sleep(0.1)
        return str(status)

    assert dunning._start(arn, "trial-sub_gone", day(0, "sub_gone"), restarts=2) is True
    assert ended("trial-sub_gone") == "FAILED"
    assert dunning._start(arn, "trial-sub_gone", day(1, "sub_gone"), restarts=2) is True
    assert ended("trial-sub_gone.2") == "FAILED"
    assert dunning._start(arn, "trial-sub_gone", day(2, "sub_gone"), restarts=2) is True
    assert ended("trial-sub_gone.3") == "FAILED"
    assert dunning._start(arn, "trial-sub_gone", day(3, "sub_gone"), restarts=2) is False  # at most twice more
    assert dunning._start(arn, "trial-sub_gone", day(4, "sub_gone")) is False  # without restarts: once

    assert dunning._start(arn, "trial-sub_waits", day(0, "sub_waits"), restarts=2) is True
    assert dunning._start(arn, "trial-sub_waits", day(1, "sub_waits"), restarts=2) is False  # running: left alone


def test_the_console_reads_runs_by_state_and_customer_with_the_billing_read_permission(
        billing: Platform, machines: dict[str, str], fake: FakeProvider) -> None:
    from tests.integration.notify.conftest import as_staff

    _, invoice_id = _renewal_due()
    fake.will(Outcome.decline("card_expired", "new_card"))
    _run(machines["dunning"], {"invoice_id": invoice_id, "max_attempts": 3, "retry_interval": 1, "grace_period": 1})
    auditor, run_id = as_staff("auditor"), dunning.run_id_of(invoice_id)
    listed = auditor.get("/api/console/billing/dunning-runs", query={"org_id": ORG, "state": "suspended"})
    assert listed.status == 200 and [r["id"] for r in listed.body["items"]] == [run_id]
    assert auditor.get("/api/console/billing/dunning-runs", query={"state": "running"}).body["items"] == []
    one = auditor.get(f"/api/console/billing/dunning-runs/{run_id}")
    assert one.status == 200 and one.body == listed.body["items"][0]
    assert (one.body["invoice_id"], one.body["org_id"], one.body["tries"]) == (invoice_id, ORG, 1)
    assert [s["step"] for s in one.body["steps"]] == ["check", "charge", "mail:new_card", "suspend",
                                                      "mail:suspended"]
    assert as_staff("sales").get(f"/api/console/billing/dunning-runs/{run_id}").status == 403
    assert auditor.get("/api/console/billing/dunning-runs/dun_nope").status == 422
    missing = auditor.get("/api/console/billing/dunning-runs/dun_01JAAAAAAAAAAAAAAAAAAAAAAA")
    assert (missing.status, missing.code) == (404, "not-found")
    bad = auditor.get("/api/console/billing/dunning-runs", query={"state": "maybe"})
    assert (bad.status, bad.code) == (422, "validation-failed")
