"""Preferences through the API: defaults, secrets that go in and never come out (API, audit, storage),
validation, tenant isolation; the delivery log (masked, filtered, paged; the customer sees only its own)
and retries of failed sends; the .lic file by e-mail."""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.integration.notify.conftest import NOW, TOKEN, WEBHOOK, Outside, as_customer, as_staff, at, run_scan
from tests.integration.stack import LambdaContext, Platform, handler_of

PREFS = "/api/app/orgs/{org}/notifications/preferences"


def test_customer_defaults_then_channels_with_secrets_never_echoed(stack: Platform, world: dict[str, Any],
                                                                  outside: Outside) -> None:
    owner, org = world["owner"], world["org_id"]
    with at(NOW.date().isoformat()):
        defaults = owner.get(PREFS.format(org=org))
        assert defaults.status == 200
        assert (defaults.body["saved"], defaults.body["events"]) == (False, ["license.expiry", "license.limit"])
        assert defaults.body["email"]["effective_recipients"] == ["anna@romashka.ru"]  # the owner, as a fallback

        saved = owner.call("PUT", PREFS.format(org=org), {
            "events": ["license.expiry"], "language": "en",
            "email": {"enabled": True, "recipients": ["IT@Romashka.ru"]},
            "telegram": {"enabled": True, "chat_id": "-1001234567890", "bot_token": TOKEN},
            "slack": {"enabled": True, "webhook_url": WEBHOOK}})
        assert saved.status == 200, saved.body
        again = owner.get(PREFS.format(org=org))
    for answer in (saved, again):
        text = json.dumps(answer.body)
        assert TOKEN not in text and TOKEN.split(":")[1] not in text and WEBHOOK not in text
        assert "hooks.slack.com" not in text
    body = again.body
    assert body["saved"] and body["email"]["effective_recipients"] == ["it@romashka.ru"]
    assert body["telegram"] == {"enabled": True, "chat_id": "-1001234567890", "configured": True,
                                "bot_token_hint": "••••jk12"}
    assert body["slack"]["configured"] and body["slack"]["webhook_hint"] == "••••uvwx"

    # Stored encrypted: the raw item holds neither the token nor the URL.
    raw = json.dumps(boto3.client("dynamodb").get_item(TableName="NotifyTable",
                                                       Key={"pk": {"S": f"ORG#{org}"}, "sk": {"S": "PREFS"}}))
    assert TOKEN not in raw and "T0TEST000" not in raw
    # The audit trail has the change, not the secrets.
    with at(NOW.date().isoformat()):
        events = world["console"].get("/api/console/audit", query={"entity": f"notification_preferences:org:{org}"})
    assert events.status == 200 and events.body["items"], events.body
    assert TOKEN not in json.dumps(events.body) and WEBHOOK not in json.dumps(events.body)

    # Keeping the stored secret: omit it.
    with at(NOW.date().isoformat()):
        kept = owner.call("PUT", PREFS.format(org=org), {  # a PUT replaces everything but unsent secrets
            "events": ["license.expiry"], "language": "en",
            "email": {"enabled": True, "recipients": ["it@romashka.ru"]},
            "telegram": {"enabled": True, "chat_id": "-1009"}, "slack": {"enabled": True}})
    assert kept.status == 200 and kept.body["telegram"]["bot_token_hint"] == "••••jk12"

    with at("2026-03-31"):
        assert run_scan()["deliveries"] == 3  # e-mail, Telegram and Slack, all through the real adapters
    assert [m["to"] for m in outside.mails()] == [["it@romashka.ru"]]
    assert [m["to"] for m in outside.telegram()] == ["-1009"]
    assert [m["to"] for m in outside.slack()] == ["T0TEST000/B0TEST000"]
    assert "expires in 30 days" in outside.slack()[0]["text"]  # the customer chose English


def test_stored_secrets_can_be_forgotten(stack: Platform, world: dict[str, Any]) -> None:
    owner, org = world["owner"], world["org_id"]
    on = {"telegram": {"enabled": True, "chat_id": "-100", "bot_token": TOKEN},
          "slack": {"enabled": True, "webhook_url": WEBHOOK}}
    with at(NOW.date().isoformat()):
        assert owner.call("PUT", PREFS.format(org=org), on).status == 200
        both = owner.call("PUT", PREFS.format(org=org), {
            "telegram": {"enabled": True, "chat_id": "-100", "bot_token": TOKEN, "forget_bot_token": True}})
        assert both.status == 422
        assert both.body["errors"] == [{"loc": "body.telegram", "code": "secret_replace_or_forget",
                                        "msg": "Either a new secret or forgetting the stored one, not both."}]
        still_on = owner.call("PUT", PREFS.format(org=org), {
            "telegram": {"enabled": True, "chat_id": "-100", "forget_bot_token": True}, "slack": {"enabled": True}})
        assert still_on.status == 422 and still_on.code == "channel-incomplete"  # on needs a token: nothing changed
        assert owner.get(PREFS.format(org=org)).body["telegram"]["bot_token_hint"] == "••••jk12"
        forgotten = owner.call("PUT", PREFS.format(org=org), {
            "telegram": {"enabled": False, "chat_id": "-100", "forget_bot_token": True},
            "slack": {"enabled": False, "forget_webhook": True}})
    assert forgotten.status == 200, forgotten.body
    assert forgotten.body["telegram"] == {"enabled": False, "chat_id": "-100", "configured": False,
                                          "bot_token_hint": None}
    assert forgotten.body["slack"]["configured"] is False and forgotten.body["slack"]["webhook_hint"] is None
    raw = boto3.client("dynamodb").get_item(TableName="NotifyTable",
                                            Key={"pk": {"S": f"ORG#{org}"}, "sk": {"S": "PREFS"}})["Item"]
    assert not {"telegram_token_sealed", "slack_webhook_sealed"} & raw.keys()  # gone from storage, not just hidden


def test_bad_channel_settings_are_refused_and_change_nothing(stack: Platform, world: dict[str, Any]) -> None:
    owner, org = world["owner"], world["org_id"]
    with at(NOW.date().isoformat()):
        no_token = owner.call("PUT", PREFS.format(org=org), {"telegram": {"enabled": True, "chat_id": "-100"}})
        assert no_token.status == 422 and no_token.code == "channel-incomplete"
        assert no_token.body["errors"][0]["loc"] == "body.telegram.bot_token"
        foreign = owner.call("PUT", PREFS.format(org=org), {
            "slack": {"enabled": True, "webhook_url": "http://169.254.169.254/latest"}})
        assert foreign.status == 422 and "169.254" not in json.dumps(foreign.body)
        bad_token = owner.call("PUT", PREFS.format(org=org), {
            "telegram": {"enabled": True, "chat_id": "-1", "bot_token": "not-a-token-" + "x" * 30}})
        assert bad_token.status == 422 and "not-a-token" not in json.dumps(bad_token.body)
        assert owner.get(PREFS.format(org=org)).body["saved"] is False


def test_another_organization_gets_404(stack: Platform, world: dict[str, Any]) -> None:
    stranger = as_customer("org_01JZZZZZZZZZZZZZZZZZZZZZZZ")
    for method, path, body in (("GET", PREFS, None), ("PUT", PREFS, {"events": []}),
                               ("GET", "/api/app/orgs/{org}/notifications/deliveries", None),
                               ("POST", PREFS + "/test", {"channel": "email"})):
        answer = stranger.call(method, path.format(org=world["org_id"]), body)
        assert answer.status == 404, (method, path, answer.status)


def test_staff_preferences_and_roles(stack: Platform, world: dict[str, Any]) -> None:
    with at(NOW.date().isoformat()):
        mine = world["console"].call("PUT", "/api/console/notifications/preferences", {
            "events": ["license.limit"], "customers": [world["org_id"]],
            "slack": {"enabled": True, "webhook_url": WEBHOOK}})
        assert mine.status == 200, mine.body
        assert mine.body["owner"] == "staff" and mine.body["customers"] == [world["org_id"]]
        assert mine.body["email"]["effective_recipients"] == ["admin@tessera.local"]
        assert WEBHOOK not in json.dumps(mine.body)
        assert as_staff("auditor").call("PUT", "/api/console/notifications/preferences", {}).status == 403
        customer_prefs = f"/api/console/notifications/customers/{world['org_id']}/preferences"
        assert as_staff("sales").call("PUT", customer_prefs, {"events": ["license.expiry"]}).status == 200
        assert as_staff("billing").call("PUT", customer_prefs, {"events": []}).status == 403
        assert as_staff("support").get(customer_prefs).code == "grant-required"  # customer data: needs a grant


def test_the_license_file_by_email(stack: Platform, world: dict[str, Any], outside: Outside) -> None:
    lic = world["license_id"]
    with at(NOW.date().isoformat()):
        assert as_staff("support").post(f"/api/console/licenses/{lic}/send", {}).status == 403
        sent = world["console"].post(f"/api/console/licenses/{lic}/send", {})
        assert sent.status == 200, sent.body
        assert [(d["channel"], d["status"], d["recipient"]) for d in sent.body["deliveries"]] == [
            ("email", "sent", "a***@romashka.ru")]
        mail = outside.mails("anna@romashka.ru")[0]
        assert mail["subject"] == f"Файл лицензии {lic} (версия 1)"
        document = json.loads(mail["attachments"][f"{lic}-v1.lic"])
        assert document["license_id"] == lic and document["token"] == world["license"]["token"]
        chosen = world["console"].post(f"/api/console/licenses/{lic}/send",
                                       {"recipients": ["ops@romashka.ru"], "language": "en"})
        assert chosen.status == 200
        assert outside.mails("ops@romashka.ru")[0]["subject"] == f"License file {lic} (version 1)"
        audit = world["console"].get("/api/console/audit", query={"entity": f"license:{lic}"}).body["items"]
    assert [e["action"] for e in audit if e["action"] == "license.send"] == ["license.send", "license.send"]
    key = world["license"]["license_key"]
    assert all(key in m["text"] for m in outside.mails())  # the key activates the installation: it is mailed
    assert key not in str([a for m in outside.mails() for a in m["attachments"].values()])  # not in the file


def test_delivery_log_is_masked_filtered_paged_and_retries_failures(stack: Platform, world: dict[str, Any],
                                                                     outside: Outside) -> None:
    from tessera.notify import channels

    owner, org = world["owner"], world["org_id"]
    with at(NOW.date().isoformat()):
        assert owner.call("PUT", PREFS.format(org=org), {
            "events": ["license.expiry"], "email": {"enabled": True},
            "telegram": {"enabled": True, "chat_id": "@blocked_chat", "bot_token": TOKEN}}).status == 200
        assert world["console"].call("PUT", "/api/console/notifications/preferences", {
            "events": ["license.expiry"]}).status == 200
    with at("2026-03-31"):
        assert run_scan()["deliveries"] == 3
        log = as_staff("developer").get("/api/console/notifications/deliveries")
        failed = as_staff("auditor").get("/api/console/notifications/deliveries", query={"status": "failed"})
        page = as_staff("auditor").get("/api/console/notifications/deliveries", query={"limit": "2"})
        rest = as_staff("auditor").get("/api/console/notifications/deliveries",
                                       query={"limit": "2", "cursor": page.body["next_cursor"]})
        app_log = as_customer(org, "analyst").get(f"/api/app/orgs/{org}/notifications/deliveries")
    assert log.status == 200 and len(log.body["items"]) == 3
    assert {d["recipient"] for d in log.body["items"]} == {"a***@romashka.ru", "a***@tessera.local", "chat ••••hat"}
    assert len(page.body["items"]) == 2 and len(rest.body["items"]) == 1 and rest.body["next_cursor"] is None
    [telegram] = failed.body["items"]
    assert telegram["channel"] == "telegram" and telegram["error"] == (
        "Telegram answered 403: Forbidden: bot was blocked by the user")
    assert TOKEN not in json.dumps(failed.body)
    assert {d["audience"] for d in app_log.body["items"]} == {"customer"}  # not the staff's e-mail
    assert len(app_log.body["items"]) == 2

    # A 403 from Telegram will not heal by itself: no automatic retry is queued; staff retry by hand.
    with at("2026-03-31"):
        queued = boto3.client("sqs").receive_message(QueueUrl=_queue(), MaxNumberOfMessages=10).get("Messages", [])
        assert queued == []
        assert as_staff("sales").post(f"/api/console/notifications/deliveries/{telegram['id']}/retry").status == 403
        owner_fix = as_customer(org).call("PUT", PREFS.format(org=org), {
            "events": ["license.expiry"], "telegram": {"enabled": True, "chat_id": "-100777"}})
        assert owner_fix.status == 200
    with at("2026-03-31", hour=9):
        retried = as_staff("support").post(f"/api/console/notifications/deliveries/{telegram['id']}/retry")
        assert retried.status == 200, retried.body
        assert (retried.body["status"], retried.body["attempts"]) == ("sent", 2)
        assert [m["to"] for m in outside.telegram()] == ["-100777"]  # the chat the customer set meanwhile
        assert as_staff("support").post(f"/api/console/notifications/deliveries/{log.body['items'][0]['id']}"
                                        "/retry").code in ("delivery-already-sent",)
    del channels


def test_transient_failures_are_retried_from_the_queue(stack: Platform, world: dict[str, Any],
                                                       outside: Outside) -> None:
    from tessera.notify import channels
    from tessera.notify.channels import DeliveryError, MemoryChannel

    flaky = MemoryChannel("email")
    flaky.fail_with = DeliveryError("SES error: EndpointConnectionError")
    channels.use_channels({**channels.channels(), "email": flaky})
    with at("2026-03-31"):
        assert run_scan()["deliveries"] == 1
        first = as_staff().get("/api/console/notifications/deliveries").body["items"][0]
        assert (first["status"], first["attempts"]) == ("failed", 1)
        flaky.fail_with = None
        attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=_queue(), AttributeNames=["All"])["Attributes"]
        assert attributes["ApproximateNumberOfMessagesDelayed"] == "1"  # a retry in a minute
        # The queue hands the message over when its delay is up (moto holds it for the real minute):
        retry = {"Records": [{"messageId": "m-1", "body": json.dumps({"kind": "retry", "delivery_id": first["id"]})}]}
        assert handler_of("NotifyWorkerFunction")(retry, LambdaContext()) == {"batchItemFailures": []}
        # SQS may deliver the message again: the delivery is sent, so nothing is
        assert handler_of("NotifyWorkerFunction")(retry, LambdaContext()) == {"batchItemFailures": []}
        again = as_staff().get("/api/console/notifications/deliveries").body["items"][0]
    assert (again["status"], again["attempts"]) == ("sent", 2) and len(flaky.sent) == 1
    with at("2026-04-01"):
        assert run_scan()["retried"] == 0  # nothing left for the sweep


def _queue() -> str:
    import os

    return os.environ["NOTIFY_QUEUE_URL"]
