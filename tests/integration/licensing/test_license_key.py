"""The license key reaches the customer: on demand in the app (owners and admins, each read audited), and
in the license e-mail; staff re-issue it with a reason. At rest it is envelope-encrypted, never in clear."""

import base64
import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from tessera.core import clock
from tessera.identity.principal import Principal
from tests.integration.identity.flows import admin, customer
from tests.integration.licensing.test_heartbeats import Installation
from tests.integration.stack import Client, Platform

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
TERMS = {"plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "domain": "budget.romashka.ru",
         "version_min": "4.0"}


@pytest.fixture
def world(stack: Platform) -> dict[str, Any]:
    console = admin(stack)
    owner, me = customer(stack, "owner@romashka.ru")
    org_id = me["current"]["org_id"]
    with clock.frozen(NOW):
        issued = console.post("/api/console/licenses", {"org_id": org_id, **TERMS}).body
    return {"console": console, "owner": owner, "org_id": org_id, "license_id": issued["license"]["id"],
            "key": issued["license_key"]}


def as_member(role: str, org_id: str) -> Client:
    client = Client()
    client.as_principal = Principal(user_id="usr_01JMEMBER000000000000000000", session_id="ses_member",
                                    audience="app", kind="customer", roles=frozenset({role}), org_id=org_id,
                                    mfa=False).to_context()
    return client


def key_url(world: dict[str, Any]) -> str:
    return f"/api/app/orgs/{world['org_id']}/licenses/{world['license_id']}/key"


def status(key: str) -> Any:
    from tessera.licensing import state

    state._status_cache.clear()
    return Client().get(f"/api/licenses/{key}").body


def test_owners_and_admins_see_the_key_and_each_read_is_audited(world: dict[str, Any]) -> None:
    from tessera.audit import service as audit

    shown = world["owner"].get(key_url(world))
    assert shown.status == 200 and shown.body == {"license_key": world["key"], "key_hint": world["key"][-4:]}
    assert shown.headers["cache-control"] == "no-store"
    assert as_member("admin", world["org_id"]).get(key_url(world)).status == 200
    for role in ("operator", "analyst"):
        refused = as_member(role, world["org_id"]).get(key_url(world))
        assert (refused.status, refused.code) == (403, "forbidden-action")
    reads, _ = audit.search(entity=("license", world["license_id"]), action="license.key_read")
    assert len(reads) == 2 and reads[-1].actor.kind == "customer" and reads[0].org_id == world["org_id"]
    assert world["key"] not in json.dumps([e.model_dump(mode="json") for e in reads])  # the hint only


def test_the_key_is_encrypted_at_rest(world: dict[str, Any]) -> None:
    import os

    items = boto3.client("dynamodb").scan(TableName=os.environ["LICENSING_TABLE"])["Items"]
    assert world["key"] not in json.dumps(items)
    record = next(i for i in items if i["sk"]["S"] == "LICENSE" and i["pk"]["S"].startswith("LIC#"))
    message = base64.b64decode(record["key_sealed"]["S"])
    assert message[:3] == b"\x02\x04\x78"  # an Encryption SDK message, v2, AES-256-GCM with key commitment


def test_reissue_retires_the_old_key_and_keeps_installations_working(world: dict[str, Any]) -> None:
    from tessera.audit import service as audit

    console, old = world["console"], world["key"]
    with clock.frozen(NOW):
        running = Installation(old)  # activated with the old key
        assert console.post(f"/api/console/licenses/{world['license_id']}/reissue-key", {}).status == 422
        support = as_staff_role("support").post(f"/api/console/licenses/{world['license_id']}/reissue-key",
                                                {"reason": "leaked in a ticket"})
        assert support.status == 403
        assert world["owner"].get(key_url(world)).body["license_key"] == old  # bad requests changed nothing
        answer = console.post(f"/api/console/licenses/{world['license_id']}/reissue-key",
                              {"reason": "leaked in a ticket"})
        assert answer.status == 200, answer.body
        new = answer.body["license_key"]
        assert new != old and answer.body["license"]["key_hint"] == new[-4:]
        assert world["owner"].get(key_url(world)).body["license_key"] == new

        again = Client().post("/api/licenses/activate", {
            "license_key": old, "fingerprint": "machine-new-000000000000", "software_version": "4.2.0",
            "domain": "budget.romashka.ru", "public_key": activation_key()}).body
        assert (again["activated"], again["code"]) == (False, "KEY_REISSUED")
        assert Installation(new, fingerprint="machine-new-000000000000").id
        assert running.beat().body["accepted"]  # its own key signs its heartbeats
        assert (status(old)["code"], status(old)["key_reissued"]) == ("VALID", True)
        assert (status(new)["code"], status(new)["key_reissued"]) == ("VALID", False)
        # the old key's view follows the license: a revocation reaches installations that check with it
        console.post("/api/licenses/revoke", {"license_id": world["license_id"], "reason": "contract ended"})
        assert status(old)["code"] == "REVOKED" and status(new)["code"] == "REVOKED"
        gone = world["owner"].get(key_url(world))
        assert (gone.status, gone.code) == (410, "license-revoked-key")
        late = console.post(f"/api/console/licenses/{world['license_id']}/reissue-key", {"reason": "too late"})
        assert (late.status, late.code) == (409, "license-revoked")
    events, _ = audit.search(entity=("license", world["license_id"]), action="license.key_reissue")
    assert len(events) == 1 and events[0].reason == "leaked in a ticket"
    assert events[0].diff == {"key_hint": [old[-4:], new[-4:]]}


def test_only_the_newest_retired_keys_answer(world: dict[str, Any]) -> None:
    from tessera.licensing.service import MAX_RETIRED_KEYS

    keys = [world["key"]]
    with clock.frozen(NOW):
        for n in range(MAX_RETIRED_KEYS + 1):
            keys.append(world["console"].post(f"/api/console/licenses/{world['license_id']}/reissue-key",
                                              {"reason": f"rotation {n}"}).body["license_key"])
    assert status(keys[0])["code"] == "UNKNOWN_LICENSE"  # the oldest is gone
    assert [status(k)["key_reissued"] for k in keys[1:]] == [True] * MAX_RETIRED_KEYS + [False]


def test_the_license_e_mail_carries_the_key_read_at_send_time(world: dict[str, Any], stack: Platform) -> None:
    import os

    with clock.frozen(NOW):
        sent = world["console"].post(f"/api/console/licenses/{world['license_id']}/send", {})
    assert sent.status == 200, sent.body
    mail = stack.mails_to("owner@romashka.ru")[-1]
    assert world["key"] in mail.text and world["key"] in mail.html
    assert [a.filename for a in mail.attachments] == [f"{world['license_id']}-v1.lic"]
    assert world["key"] not in mail.attachments[0].content.decode()  # the file is the signed license, not the key
    deliveries = boto3.client("dynamodb").scan(TableName=os.environ["NOTIFY_TABLE"])["Items"]
    assert world["key"] not in json.dumps(deliveries)  # never stored with the delivery


def activation_key() -> dict[str, str]:
    from tessera.core.crypto import LocalSigner, public_jwk

    jwk = public_jwk(LocalSigner.generate().public_key(), kid="")
    return {k: jwk[k] for k in ("kty", "crv", "x", "y")}


def as_staff_role(role: str) -> Client:
    client = Client()
    client.as_principal = Principal(user_id="usr_01JSTAFF00000000000000000", session_id="ses_staff",
                                    audience="console", kind="staff", roles=frozenset({role}), mfa=True).to_context()
    return client
