"""The audit log in the console: every change is there, searchable, exportable and verifiable."""

import io
from datetime import timedelta
from typing import Any

import boto3
from openpyxl import load_workbook

from tessera.core import clock
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import Client, Platform


def test_changes_are_searchable_exportable_and_verifiable(stack: Platform) -> None:
    console = admin(stack)
    me = console.get("/api/auth/me").body["user"]["id"]
    invited = console.post("/api/console/staff", {"email": "aud@tessera.local", "roles": ["auditor"]}).body
    console.patch(f"/api/console/staff/{invited['id']}", {"roles": ["auditor", "sales"]})
    owner, owner_me = customer(stack, "owner@example.com")

    by_actor = console.get("/api/console/audit", query={"actor": me}).body["items"]
    actions = [e["action"] for e in by_actor]
    assert "staff.invite" in actions and "staff.update_roles" in actions and "auth.login" in actions
    change = next(e for e in by_actor if e["action"] == "staff.update_roles")
    assert change["diff"] == {"roles": [["auditor"], ["auditor", "sales"]]} and change["ip"] == "203.0.113.7"

    history = console.get("/api/console/audit", query={"entity": f"user:{invited['id']}"}).body
    assert [e["action"] for e in history["items"]] == ["staff.update_roles", "staff.invite"]  # newest first
    today = clock.today().isoformat()
    day = console.get("/api/console/audit", query={"from": today, "to": today, "action": "auth.*",
                                                   "limit": "2"}).body
    assert len(day["items"]) == 2 and all(e["action"].startswith("auth.") for e in day["items"])
    assert day["next_cursor"]
    rest = console.get("/api/console/audit", query={"from": today, "to": today, "action": "auth.*",
                                                    "cursor": day["next_cursor"]}).body
    assert {e["id"] for e in rest["items"]}.isdisjoint({e["id"] for e in day["items"]})
    org = owner_me["current"]["org_id"]
    org_events = console.get("/api/console/audit", query={"org": org}).body["items"]
    assert {e["action"] for e in org_events} >= {"organization.create"}

    csv = console.get("/api/console/audit/export", query={"format": "csv", "actor": me})
    assert csv.status == 200 and "staff.update_roles" in csv.body
    xlsx = console.get("/api/console/audit/export", query={"format": "xlsx", "actor": me})
    assert xlsx.status == 200 and xlsx.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.raw), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("at", "actor", "action") and any(r[2] == "staff.update_roles" for r in rows[1:])
    assert csv.raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads Cyrillic
    del owner


def verification(stack: Platform, console: Client) -> dict[str, Any]:
    """Start a verification from the console, let the worker run it, and read its result."""
    stack.chain_audit()
    started = console.post("/api/console/audit/verify")
    assert started.status == 202 and started.body["status"] == "queued", started.body
    assert started.headers["location"] == f"/api/console/audit/verify/{started.body['id']}"
    stack.run_audit_jobs()
    job = console.get(f"/api/console/audit/verify/{started.body['id']}").body
    assert job["status"] == "done", job
    return job


def test_the_chains_verify_as_a_job(stack: Platform) -> None:
    console = admin(stack)
    customer(stack, "owner@example.com")
    job = verification(stack, console)
    assert job["result"]["valid"] is True and job["result"]["code"] == "ok" and job["progress"]["checked"] > 5
    assert job["progress"]["chains_done"] == 2  # the platform's and the new organization's
    started = console.get("/api/console/audit", query={"action": "audit.verify"}).body["items"][0]
    assert (started["entity_id"], started["after"]) == (job["id"], {"full": False})
    unknown = console.get("/api/console/audit/verify/vjob_01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert (unknown.status, unknown.code) == (404, "verification-unknown")
    assert console.get("/api/console/audit/verify/not-a-job").status == 422
    assert console.post("/api/console/audit/verify", {"full": "yes please"}).status == 422


def test_tampering_is_detected(stack: Platform) -> None:
    console = admin(stack)
    stack.chain_audit()
    table = boto3.resource("dynamodb").Table(stack.ids["AuditTable"])
    table.update_item(Key={"pk": "CHAIN#platform", "sk": f"{2:012d}"}, UpdateExpression="SET reason = :r",
                      ExpressionAttributeValues={":r": "edited afterwards"})
    verdict = verification(stack, console)["result"]
    assert (verdict["valid"], verdict["code"], verdict["chain"], verdict["first_bad_seq"]) == (
        False, "hash_mismatch", "platform", 2)


def test_bad_filters_and_access(stack: Platform) -> None:
    console = admin(stack)
    only_type = console.get("/api/console/audit", query={"entity": "user"})
    assert (only_type.status, only_type.code) == (422, "invalid-filters")
    start = (clock.today() - timedelta(days=200)).isoformat()
    too_long = console.get("/api/console/audit", query={"from": start})
    assert (too_long.status, too_long.code) == (422, "audit-range-too-long")
    reversed_range = console.get("/api/console/audit", query={"from": "2026-02-01", "to": "2026-01-01"})
    assert reversed_range.status == 422
    owner, _ = customer(stack, "c@example.com")
    assert owner.get("/api/console/audit").status == 401  # a customer token is not a console token
    assert Client().get("/api/console/audit").status == 401
