"""The licensing dashboard, fleet monitoring and reports, computed from licenses issued through the API and
installations that activated and sent heartbeats through the installation API and the queue worker."""

import io
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from tessera.core import clock
from tessera.identity.principal import Principal
from tests.integration.identity.flows import customer
from tests.integration.licensing.test_heartbeats import claims_of
from tests.integration.stack import Client, LambdaContext, Platform, handler_of

NOW = datetime(2026, 3, 10, 9, tzinfo=UTC)  # 12:00 in Moscow
DOMAIN = "budget.romashka.ru"
PRICE = {"core": 12_000_000, "ai_forecast": 9_000_000, "multi_department": 6_000_000, "integrations": 4_800_000,
         "audit_pack": 3_600_000}


def staff(role: str = "admin") -> Client:
    client = Client(language="ru")
    client.as_principal = Principal(user_id="usr_01JREPORTS0000000000000000", session_id="ses_reports",
                                    audience="console", kind="staff", roles=frozenset({role}), mfa=True,
                                    display="Reports <reports@tessera.local>").to_context()
    return client


class Installation:
    """An installation: activation through POST /api/licenses/activate, heartbeats through the queue."""

    def __init__(self, key: str, fingerprint: str, version: str = "4.2.0", modules: list[str] | None = None) -> None:
        from tessera.core.crypto import LocalSigner, public_jwk

        self.signer = LocalSigner.generate()
        jwk = public_jwk(self.signer.public_key(), kid="")
        self.version = version
        answer = Client().post("/api/licenses/activate", {
            "license_key": key, "fingerprint": fingerprint, "software_version": version, "domain": DOMAIN,
            "active_modules": modules or [], "public_key": {k: jwk[k] for k in ("kty", "crv", "x", "y")}}).body
        assert answer["activated"], answer
        self.id, self.certificate = answer["installation_id"], answer["certificate"]
        self.license_id = claims_of(self.certificate)["lic"]
        self.seq = 0

    def beat(self, modules: list[str], usage: dict[str, int]) -> None:
        from tessera.core.crypto import jws_sign

        self.seq += 1
        token = jws_sign({"lic": self.license_id, "ins": self.id, "seq": self.seq, "sent_at": clock.epoch_seconds(),
                          "software_version": self.version, "active_modules": modules, "usage": usage,
                          "seen_version": 1}, self.signer, kid=self.id)
        answer = Client().post("/api/licenses/heartbeat", {"heartbeat": token, "certificate": self.certificate})
        assert answer.body["accepted"], answer.body
        sqs = boto3.client("sqs")
        messages = sqs.receive_message(QueueUrl=os.environ["HEARTBEAT_QUEUE_URL"], MaxNumberOfMessages=10)
        records = [{"messageId": m["MessageId"], "body": m["Body"]} for m in messages.get("Messages", [])]
        handler_of("HeartbeatWorkerFunction")({"Records": records}, LambdaContext())
        for m in messages.get("Messages", []):
            sqs.delete_message(QueueUrl=os.environ["HEARTBEAT_QUEUE_URL"], ReceiptHandle=m["ReceiptHandle"])


def issue(console: Client, org_id: str, plan: str, starts: str, ends: str, grace: int = 14) -> dict[str, Any]:
    answer = console.post("/api/console/licenses", {"org_id": org_id, "plan": plan, "starts_on": starts,
                                                    "ends_on": ends, "grace_days": grace, "domain": DOMAIN,
                                                    "version_min": "4.0"})
    assert answer.status == 201, answer.body
    return dict(answer.body)


@pytest.fixture
def world(stack: Platform) -> dict[str, Any]:
    """Seven licenses in every state and four installations in every state, at NOW."""
    _, romashka = customer(stack, "owner@romashka.ru", company="ООО «Ромашка»")
    _, vasilek = customer(stack, "owner@vasilek.ru", company="ООО «Василёк»")
    org_a, org_b = romashka["current"]["org_id"], vasilek["current"]["org_id"]
    console = staff()
    with clock.frozen(NOW - timedelta(days=10)):  # issued 10 days ago: not a new request
        expired = issue(console, org_b, "basic", "2024-01-01", "2025-12-31")
        in_grace = issue(console, org_b, "basic", "2025-03-02", "2026-03-01")
        i4 = Installation(in_grace["license_key"], "server-grace-000000001", modules=[])
    with clock.frozen(NOW - timedelta(days=5)):
        expiring = issue(console, org_a, "basic", "2025-03-21", "2026-03-20")
        i3 = Installation(expiring["license_key"], "server-expiring-00000001", version="4.1.0", modules=["core"])
    with clock.frozen(NOW - timedelta(hours=5)):
        i4.beat([], {"users": 5})
    with clock.frozen(NOW - timedelta(hours=2)):
        main = issue(console, org_a, "advanced", "2026-01-01", "2026-12-31")
        i1 = Installation(main["license_key"], "server-main-00000000001")
        i2 = Installation(main["license_key"], "server-clone-0000000001")
    with clock.frozen(NOW - timedelta(minutes=30)):
        i1.beat(["core", "multi_department"], {"users": 190})  # 95 % of 200: past the 80 % threshold
    with clock.frozen(NOW - timedelta(minutes=10)):
        i2.beat(["core", "ai_forecast"], {"users": 3})  # ai_forecast is not in the advanced plan
    with clock.frozen(NOW):
        future = issue(console, org_a, "enterprise", "2026-05-01", "2027-04-30")
        suspended = issue(console, org_b, "basic", "2026-01-01", "2026-12-31")
        revoked = issue(console, org_b, "basic", "2026-01-01", "2026-12-31")
        assert console.post(f"/api/console/licenses/{suspended['license']['id']}/suspend",
                            {"reason": "unpaid"}).status == 200
        assert console.post("/api/licenses/revoke", {"license_id": revoked["license"]["id"],
                                                     "reason": "contract ended"}).status == 200
    return {"console": console, "org_a": org_a, "org_b": org_b, "main": main, "expiring": expiring,
            "in_grace": in_grace, "expired": expired, "future": future, "i1": i1, "i2": i2, "i3": i3, "i4": i4}


def test_dashboard_counts_licenses_requests_and_installations_by_state(world: dict[str, Any]) -> None:
    with clock.frozen(NOW):
        answer = world["console"].get("/api/console/licensing/dashboard")
    assert answer.status == 200, answer.body
    body = answer.body
    assert body["today"] == "2026-03-10"
    assert body["licenses"] == {"active": 2, "expiring_30d": 1, "in_grace": 1, "expired": 1, "not_yet_valid": 1,
                                "suspended": 1, "revoked": 1, "total": 7}
    assert body["expiring_by_day"] == {"2026-03-20": 1}
    # issued in 7 days: main, future, suspended, revoked, expiring; activated: i1, i2, i3 (i4: 10 days ago)
    assert body["new_requests"] == {"days": 7, "issued": 5, "first_activations": 3, "total": 8}
    assert body["activations"] == {"active": 2, "stale": 1, "inactive": 1, "total": 4}

    # a renewal moves the expiring license on, in the same transaction as the license
    with clock.frozen(NOW):
        renewed = world["console"].post(f"/api/console/licenses/{world['expiring']['license']['id']}/renew", {
            "plan": "basic", "starts_on": "2025-03-21", "ends_on": "2027-03-20", "domain": DOMAIN,
            "version_min": "4.0", "reason": "renewal 2027"})
        assert renewed.status == 200, renewed.body
        licenses = world["console"].get("/api/console/licensing/dashboard").body["licenses"]
    assert licenses["expiring_30d"] == 0 and licenses["active"] == 2
    # time passes: the grace ends, the main license's term is still running
    with clock.frozen(NOW + timedelta(days=6)):
        later = world["console"].get("/api/console/licensing/dashboard").body
    assert later["licenses"]["in_grace"] == 0 and later["licenses"]["expired"] == 2
    assert later["activations"] == {"active": 0, "stale": 0, "inactive": 4, "total": 4}


def test_fleet_lists_every_installation_with_filters_and_pages(world: dict[str, Any]) -> None:
    console = world["console"]
    with clock.frozen(NOW):
        everything = console.get("/api/console/licensing/activations").body
        ids = [i["installation_id"] for i in everything["items"]]
        assert ids == [world["i2"].id, world["i1"].id, world["i4"].id, world["i3"].id]  # newest contact first
        by_id = {i["installation_id"]: i for i in everything["items"]}
        main = by_id[world["i1"].id]
        assert main["customer"] == "ООО «Ромашка»" and main["plan"] == "advanced" and main["state"] == "active"
        assert main["clone_suspected"] is True and by_id[world["i4"].id]["clone_suspected"] is False
        assert main["violations"][0]["limit"] == "users" and main["violations"][0]["threshold"] == 80
        assert by_id[world["i3"].id]["behind_latest"] is True and by_id[world["i3"].id]["state"] == "inactive"
        assert by_id[world["i4"].id]["state"] == "stale" and by_id[world["i4"].id]["license_state"] == "IN_GRACE"

        def ids_of(**query: str) -> list[str]:
            answer = console.get("/api/console/licensing/activations", query=query)
            assert answer.status == 200, answer.body
            return [i["installation_id"] for i in answer.body["items"]]

        assert ids_of(state="active") == [world["i2"].id, world["i1"].id]
        assert ids_of(state="stale") == [world["i4"].id]
        assert ids_of(state="inactive") == [world["i3"].id]
        assert ids_of(clone_suspected="true") == [world["i2"].id, world["i1"].id]
        assert ids_of(with_violations="true") == [world["i1"].id]
        assert ids_of(behind_latest="true") == [world["i3"].id]
        assert ids_of(software_version="4.1.0") == [world["i3"].id]
        assert ids_of(org_id=world["org_b"]) == [world["i4"].id]
        assert ids_of(org_id=world["org_a"], state="active") == [world["i2"].id, world["i1"].id]

        for query in ({}, {"org_id": world["org_a"]}):
            seen, cursor = [], None
            while True:
                page = console.get("/api/console/licensing/activations",
                                   query={**query, "limit": "1", **({"cursor": cursor} if cursor else {})}).body
                seen += [i["installation_id"] for i in page["items"]]
                cursor = page["next_cursor"]
                if not cursor:
                    break
            expected = ids if not query else [world["i2"].id, world["i1"].id, world["i3"].id]
            assert seen == expected

        bad = console.get("/api/console/licensing/activations", query={"cursor": "bm90LWEtY3Vyc29y"})
        assert bad.status == 400 and bad.code == "invalid-cursor"
        # a genuine cursor of the whole fleet does not continue another state's query (its key range differs)
        whole = console.get("/api/console/licensing/activations", query={"limit": "1"}).body["next_cursor"]
        other = console.get("/api/console/licensing/activations", query={"state": "inactive", "cursor": whole})
        assert (other.status, other.code) == (400, "invalid-cursor")


def test_sales_plan_vs_fact_by_month(world: dict[str, Any]) -> None:
    console = world["console"]
    with clock.frozen(NOW):
        plan = console.call("PUT", "/api/console/licensing/sales-plan/2026-03", {
            "product": "itbm", "modules": {"core": {"count": 10, "amount": 100_000_000},
                                           "ai_forecast": {"count": 2, "amount": 18_000_000}}})
        assert plan.status == 200, plan.body
        unknown = console.call("PUT", "/api/console/licensing/sales-plan/2026-03", {"modules": {"nope": {"count": 1}}})
        assert unknown.status == 422 and unknown.code == "sales-plan-invalid"
        support = staff("support").call("PUT", "/api/console/licensing/sales-plan/2026-03", {"modules": {}})
        assert support.status == 403
        report = console.get("/api/console/licensing/reports/sales", query={"from": "2026-02", "to": "2026-03"}).body

    from tessera.audit import service as audit_service

    events, _ = audit_service.search(entity=("sales_plan", "2026-03#itbm"))
    assert [e.action for e in events] == ["sales_plan.set"] and events[0].after is not None
    assert events[0].after["core"] == {"count": 10, "amount": 100_000_000}

    rows = {(r["month"], r["module"]): r for r in report["rows"]}
    # February: the expired and in-grace licenses (basic: core), issued on 2026-02-28
    assert rows[("2026-02", "core")]["fact_count"] == 2 and rows[("2026-02", "core")]["plan_count"] is None
    # March: basic ×3 (expiring, suspended, revoked), advanced (core, multi_department, integrations), enterprise
    core = rows[("2026-03", "core")]
    assert (core["plan_count"], core["plan_amount"], core["fact_count"], core["new"]) == (10, 100_000_000, 5, 5)
    # the advanced license runs 365 days: exactly the yearly list price; the enterprise one too
    assert rows[("2026-03", "multi_department")]["fact_amount"] == 2 * PRICE["multi_department"]
    assert rows[("2026-03", "ai_forecast")]["fact_count"] == 1
    assert rows[("2026-03", "ai_forecast")]["fact_amount"] == PRICE["ai_forecast"]
    march = next(t for t in report["totals"] if t["month"] == "2026-03")
    assert march["plan_count"] == 12 and march["plan_amount"] == 118_000_000
    assert march["fact_count"] == sum(r["fact_count"] for r in report["rows"] if r["month"] == "2026-03") == 11

    bad = console.get("/api/console/licensing/reports/sales", query={"from": "2026-05", "to": "2026-03"})
    assert bad.status == 422 and bad.code == "report-period-invalid"


def test_renewal_forecast_by_month(world: dict[str, Any]) -> None:
    console = world["console"]
    with clock.frozen(NOW):
        renewed = console.post(f"/api/console/licenses/{world['expiring']['license']['id']}/renew", {
            "plan": "basic", "starts_on": "2025-03-21", "ends_on": "2027-03-20", "domain": DOMAIN,
            "version_min": "4.0", "reason": "renewal 2027"})
        assert renewed.status == 200
        report = console.get("/api/console/licensing/reports/renewals", query={"from": "2026-03", "to": "2026-12"})
        sales = console.get("/api/console/licensing/reports/sales", query={"from": "2026-03", "to": "2026-03"}).body
    assert report.status == 200, report.body
    months = {m["month"]: m for m in report.body["months"]}
    march = months["2026-03"]
    statuses = {i["license_id"]: i["status"] for i in march["items"]}
    assert statuses == {world["expiring"]["license"]["id"]: "renewed", world["in_grace"]["license"]["id"]: "lapsed"}
    assert (march["expiring"], march["renewed"], march["pending"], march["lapsed"]) == (2, 1, 0, 1)
    assert march["renewed_amount"] == PRICE["core"]  # 2026-03-21 … 2027-03-20: 365 days of core
    assert march["lapsed_amount"] == PRICE["core"]
    renewed_item = next(i for i in march["items"] if i["status"] == "renewed")
    assert renewed_item["renewed_until"] == "2027-03-20" and renewed_item["customer"] == "ООО «Ромашка»"
    december = months["2026-12"]  # main (advanced) is pending; suspended and revoked are not forecast
    assert (december["pending"], december["expiring"]) == (1, 1)
    assert december["pending_amount"] == PRICE["core"] + PRICE["multi_department"] + PRICE["integrations"]
    core = next(r for r in sales["rows"] if r["module"] == "core")
    assert core["renewals"] == 1 and core["fact_count"] == 6


def test_module_usage_from_heartbeats(world: dict[str, Any]) -> None:
    with clock.frozen(NOW):
        answer = world["console"].get("/api/console/licensing/reports/usage")
    assert answer.status == 200, answer.body
    report = answer.body
    # live: main (valid), expiring (valid), in_grace; not the future, suspended, revoked or expired ones
    assert report["live_licenses"] == 3 and report["reporting_licenses"] == 3
    usage = {m["module"]: m for m in report["modules"]}
    assert {k: usage["core"][k] for k in ("licensed", "used", "idle", "installations")} == \
        {"licensed": 3, "used": 2, "idle": 1, "installations": 3}
    assert (usage["multi_department"]["licensed"], usage["multi_department"]["used"]) == (1, 1)
    assert (usage["integrations"]["licensed"], usage["integrations"]["idle"]) == (1, 1)
    assert (usage["ai_forecast"]["licensed"], usage["ai_forecast"]["unlicensed_installations"]) == (0, 1)


def test_reports_export_to_xlsx_and_pdf(world: dict[str, Any]) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    console = world["console"]
    with clock.frozen(NOW):
        console.call("PUT", "/api/console/licensing/sales-plan/2026-03",
                     {"modules": {"core": {"count": 4, "amount": 48_000_000}}})
        xlsx = console.get("/api/console/licensing/reports/sales/export",
                           query={"format": "xlsx", "from": "2026-03", "to": "2026-03"})
        pdf = console.get("/api/console/licensing/reports/renewals/export",
                          query={"format": "pdf", "from": "2026-03", "to": "2026-04"})
        usage_en = Client(language="en")
        usage_en.as_principal = console.as_principal
        usage_pdf = usage_en.get("/api/console/licensing/reports/usage/export", query={"format": "pdf"})
    assert xlsx.status == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="sales-2026-03-10.xlsx"' in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.raw)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "План-факт продаж модулей"
    core = next(r for r in cells if r[1] == "Бюджетирование")
    # five licenses of 365 days sold core in March: 5 × 120 000 ₽ against a plan of 480 000 ₽
    assert core[:7] == ["2026-03", "Бюджетирование", 4, 5, 480_000, 600_000, 125.0]
    total = next(r for r in cells if r[1] == "Итого")
    assert total[2] == 4 and total[3] == 11

    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.raw.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.raw)).pages)
    assert "Прогноз продлений" in text and "Не продлено" in text and "ООО «Василёк»" in text
    assert world["in_grace"]["license"]["id"] in "".join(text.split())  # a long id wraps in its cell

    english = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(usage_pdf.raw)).pages)
    assert "Module usage" in english and "Budgeting" in english

    bad = console.get("/api/console/licensing/reports/sales/export", query={"format": "docx"})
    assert bad.status == 422


def test_reports_are_for_admin_sales_billing_and_auditor(world: dict[str, Any]) -> None:
    with clock.frozen(NOW):
        for role, status in (("admin", 200), ("sales", 200), ("billing", 200), ("auditor", 200),
                             ("support", 403), ("implementation", 403), ("developer", 403)):
            assert staff(role).get("/api/console/licensing/reports/renewals").status == status, role
        assert staff("support").get("/api/console/licensing/dashboard").status == 200
        assert staff("auditor").call("PUT", "/api/console/licensing/sales-plan/2026-03",
                                     {"modules": {}}).status == 403
