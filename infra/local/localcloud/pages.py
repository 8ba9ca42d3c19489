"""/_local: the developer pages of the local cloud — mailbox, clock and resources.

Every page also answers JSON with ?format=json. Forms post back to the same page; a write is
accepted only from the gateway's own pages (Origin/Referer check), so another site open in the
same browser cannot move the clock or fire schedules."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlparse
from zoneinfo import ZoneInfo

import boto3

from localcloud.channel_fakes import PREFIXES as PROVIDER_PREFIXES
from localcloud.channel_fakes import FakeProviders
from localcloud.chat_fake import FakeChats
from localcloud.oidc_fake import FakeOidcProvider
from localcloud.payments_sandbox import PaymentsSandbox
from localcloud.template import ACCOUNT_ID, REGION, Template

MOSCOW = ZoneInfo("Europe/Moscow")
IFRAME_SANDBOX = "allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
JUMPS = [("+1 hour", 3600), ("+1 day", 86400), ("+7 days", 7 * 86400), ("+30 days", 30 * 86400)]

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center}
header a{color:#fff;text-decoration:none;opacity:.85}header a.on{opacity:1;font-weight:600}
main{padding:16px 24px;max-width:1200px}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}
td,th{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eaeef2}code,pre{font:12px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
button{padding:6px 12px;margin-right:6px;cursor:pointer}.muted{color:#656d76}
iframe{width:100%;height:480px;border:1px solid #d0d7de;background:#fff}.error{color:#cf222e}
"""


def _page(title: str, active: str, body: str) -> bytes:
    nav = "".join(
        f'<a href="/_local/{slug}" class="{"on" if slug == active else ""}">{label}</a>'
        for slug, label in (("mailbox", "Mailbox"), ("chats", "Telegram & Slack"), ("clock", "Clock"),
                            ("resources", "Resources"), ("totp", "2FA codes"))
    )
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)} · Tessera local"
            f"</title><meta name=viewport content='width=device-width,initial-scale=1'><style>{CSS}</style>"
            f"</head><body><header><strong>Tessera local cloud</strong>{nav}</header><main>{body}</main>"
            f"</body></html>").encode()


def _snapstart(stats: dict[str, Any]) -> str:
    if not stats["snap_start"]:
        return "—"
    init = "not initialised yet" if stats["init_ms"] is None else f"init {stats['init_ms']:.0f} ms"
    return f"{init}, {stats['restores']} restored"


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f"<p class=muted>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


class LocalPages:
    def __init__(self, template: Template, invoker: Any, scheduler: Any, clock: Any, endpoint_url: str) -> None:
        self.template = template
        self.invoker = invoker
        self.scheduler = scheduler
        self.clock = clock
        self.endpoint_url = endpoint_url
        self._seen: dict[str, str] = {}  # message id -> when the mailbox first saw it (platform time)
        self.totp_accounts: dict[str, str] = {}  # demo account -> TOTP secret, filled by the demo seed
        self.oidc = FakeOidcProvider()
        self.chats = FakeChats(clock.now)  # Telegram Bot API and Slack webhooks, called by functions
        self.providers = FakeProviders(clock.now)  # Fast Lead channels' SMS, WhatsApp, MAX and Cal.com APIs
        self.payments = PaymentsSandbox()  # ЮKassa's API (functions) and its checkout page (the browser)

    def _client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint_url, region_name=REGION)

    def handle(self, method: str, path: str, query: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        params = {k: v[-1] for k, v in parse_qs(query).items()}
        as_json = params.get("format") == "json"
        path = path.rstrip("/") or "/_local"
        if path.startswith("/_local/oidc/"):  # called by the browser and by functions, like a real provider
            return self.oidc.handle(method, path, query, headers, body)
        if path.startswith(("/_local/telegram/", "/_local/slack/")):  # called by functions, like the providers
            return self.chats.handle(method, path, body)
        if path.startswith(PROVIDER_PREFIXES):  # the Fast Lead channels' adapters, like the providers
            return self.providers.handle(method, path, query, headers, body)
        if path == "/_local/providers":  # what they sent, for tests and people (JSON)
            return self._json({"messages": list(reversed(self.providers.sent))})
        if path.startswith(("/_local/yookassa/", "/_local/tbank/")):  # the adapters' calls, the checkout pages
            return self.payments.handle(method, path, headers, body)
        try:
            if method == "POST":
                if not self._same_origin(headers):
                    return 403, {"Content-Type": "text/plain"}, b"cross-site form posts are refused"
                form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
                return self._post(path, form)
            if path == "/_local":
                return self._html(_page("Local cloud", "", self._index()))
            if path == "/_local/mailbox":
                data = self.mailbox()
                return self._json(data) if as_json else self._html(
                    _page("Mailbox", "mailbox", self._mailbox_html(data)))
            if path == "/_local/chats":
                chats = self.chat_messages()
                return self._json(chats) if as_json else self._html(
                    _page("Telegram & Slack", "chats", self._chats_html(chats)))
            if path.startswith("/_local/mailbox/") and path.endswith("/html"):
                return self._message_html(unquote(path.split("/")[3]))
            if path == "/_local/clock":
                data = self.clock_state()
                return self._json(data) if as_json else self._html(_page("Clock", "clock", self._clock_html(data)))
            if path == "/_local/resources":
                data = self.resources()
                return self._json(data) if as_json else self._html(
                    _page("Resources", "resources", self._resources_html(data)))
            if path == "/_local/totp":
                data = self.totp_codes()
                return self._json(data) if as_json else self._html(_page("2FA codes", "totp", self._totp_html(data)))
            if path.startswith("/_local/resources/executions/"):
                arn = unquote(path[len("/_local/resources/executions/"):])
                data = self.execution(arn)
                return self._json(data) if as_json else self._html(
                    _page("Execution", "resources", self._execution_html(data)))
        except ValueError as exc:
            return 400, {"Content-Type": "text/plain; charset=utf-8"}, str(exc).encode()
        return 404, {"Content-Type": "text/plain"}, b"no such local page"

    @staticmethod
    def _same_origin(headers: dict[str, str]) -> bool:
        host = headers.get("host", "")
        source = headers.get("origin") or headers.get("referer") or ""
        return bool(source) and urlparse(source).netloc == host

    @staticmethod
    def _html(body: bytes) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}, body

    @staticmethod
    def _json(data: Any) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/json"}, json.dumps(data, default=str).encode()

    def _post(self, path: str, form: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if path == "/_local/clock":
            action = form.get("action", "")
            if action == "advance":
                self.clock.advance(float(form.get("seconds", "0")))
            elif action == "set":
                self.clock.set(datetime.fromisoformat(form["at"]).replace(tzinfo=MOSCOW))
            elif action == "reset":
                self.clock.reset()
            self.scheduler.tick()
            return 303, {"Location": "/_local/clock"}, b""
        if path == "/_local/resources/fire":
            self.scheduler.fire(form["schedule"])
            return 303, {"Location": "/_local/resources#schedules"}, b""
        if path == "/_local/resources/alarm":  # nothing evaluates metrics locally: set a state to try the actions
            self._client("cloudwatch").set_alarm_state(AlarmName=form["alarm"], StateValue=form["state"],
                                                       StateReason="Set by hand on /_local/resources")
            return 303, {"Location": "/_local/resources#alarms"}, b""
        return 404, {"Content-Type": "text/plain"}, b"no such local action"

    def _index(self) -> str:
        return ("<h1>Local cloud</h1><ul><li><a href=/_local/mailbox>Mailbox</a>: every e-mail sent through SES"
                "</li><li><a href=/_local/chats>Telegram &amp; Slack</a>: every message sent to the fake Bot API and "
                "webhooks</li><li><a href=/_local/clock>Clock</a>: move platform time forward</li><li>"
                "<a href=/_local/resources>Resources</a>: tables, queues, executions, schedules, functions, alarms</li>"
                "<li><a href=/api/health>/api/health</a></li></ul>")

    # Mailbox

    def mailbox(self) -> dict[str, Any]:
        from moto.ses.models import ses_backends

        messages = []
        for message in ses_backends[ACCOUNT_ID][REGION].sent_messages:
            seen = self._seen.setdefault(message.id, self.clock.now().isoformat())
            if hasattr(message, "raw_data"):
                parsed = email.message_from_string(message.raw_data, policy=email.policy.default)
                html_part = parsed.get_body(("html",))
                text_part = parsed.get_body(("plain",))
                messages.append({
                    "id": message.id, "from": str(parsed["From"] or message.source),
                    "to": list(message.destinations), "subject": str(parsed["Subject"] or ""), "sent_at": seen,
                    "html": html_part.get_content() if html_part else None,
                    "text": text_part.get_content() if text_part else None,
                    "attachments": [a.get_filename() or "attachment" for a in parsed.iter_attachments()],
                })
            else:
                destinations = message.destinations or {}
                body = getattr(message, "body", "") or ""
                is_html = "<" in body and ">" in body
                messages.append({
                    "id": message.id, "from": message.source,
                    "to": [*destinations.get("ToAddresses", []), *destinations.get("CcAddresses", [])],
                    "subject": getattr(message, "subject", ""), "sent_at": seen,
                    "html": body if is_html else None, "text": None if is_html else body, "attachments": [],
                })
        messages.reverse()
        return {"messages": messages}

    def _mailbox_html(self, data: dict[str, Any]) -> str:
        if not data["messages"]:
            return "<h1>Mailbox</h1><p class=muted>No e-mail has been sent yet.</p>"
        parts = [f"<h1>Mailbox</h1><p class=muted>{len(data['messages'])} messages, newest first.</p>"]
        for m in data["messages"]:
            content = (f"<iframe sandbox='{IFRAME_SANDBOX}' "
                       f"src='/_local/mailbox/{quote(m['id'])}/html' title='{escape(m['subject'])}'></iframe>"
                       if m["html"] else f"<pre>{escape(m['text'] or '')}</pre>")
            parts.append(
                f"<h2>{escape(m['subject'])}</h2><p><b>From</b> {escape(m['from'])} · <b>To</b> "
                f"{escape(', '.join(m['to']))} · <span class=muted>{escape(m['sent_at'])}</span>"
                + (f" · <b>Attached</b> {escape(', '.join(m['attachments']))}" if m.get("attachments") else "")
                + f"</p>{content}"
            )
        return "".join(parts)

    def _message_html(self, message_id: str) -> tuple[int, dict[str, str], bytes]:
        for m in self.mailbox()["messages"]:
            if m["id"] == message_id:
                html = m["html"] or f"<pre>{escape(m['text'] or '')}</pre>"
                # Links open in the top window so confirmation links work from the mailbox.
                return 200, {"Content-Type": "text/html; charset=utf-8",
                             "Content-Security-Policy": "script-src 'none'"}, (
                    "<base target=_top>" + html).encode()
        return 404, {"Content-Type": "text/plain"}, b"no such message"

    # Telegram and Slack

    def chat_messages(self) -> dict[str, Any]:
        return {"messages": list(reversed(self.chats.messages))}

    def _chats_html(self, data: dict[str, Any]) -> str:
        rows = [[escape(m["channel"]), escape(m["to"]), escape(m.get("bot", "")), escape(m["at"]),
                 f"<pre>{escape(m['text'])}</pre>"] for m in data["messages"]]
        return ("<h1>Telegram &amp; Slack</h1><p class=muted>Messages the functions sent to the local Telegram Bot "
                "API (<code>/_local/telegram</code>) and Slack webhooks (<code>/_local/slack</code>), newest first."
                "</p>" + _table(["channel", "chat / webhook", "bot", "at (platform time, UTC)", "text"], rows,
                                "No message has been sent yet."))

    # Demo 2FA codes

    def totp_codes(self) -> dict[str, Any]:
        """The current code of each demo account, at platform time (the clock page moves it)."""
        import pyotp

        now = self.clock.now()
        return {"at": now.isoformat(), "seconds_left": 30 - int(now.timestamp()) % 30,
                "accounts": [{"account": account, "code": pyotp.TOTP(secret).at(now)}
                             for account, secret in sorted(self.totp_accounts.items())]}

    def _totp_html(self, data: dict[str, Any]) -> str:
        rows = [[escape(a["account"]), f"<code style='font-size:20px'>{a['code']}</code>"] for a in data["accounts"]]
        return (f"<h1>2FA codes of the demo accounts</h1><p class=muted>Local only: what an authenticator app would "
                f"show now (platform time). Valid for {data['seconds_left']} more seconds.</p>"
                + _table(["account", "code"], rows, "No demo accounts with 2FA."))

    # Clock

    def clock_state(self) -> dict[str, Any]:
        now = self.clock.now()
        return {
            "now": now.isoformat(), "now_moscow": now.astimezone(MOSCOW).isoformat(),
            "offset_seconds": self.clock.offset_seconds,
            "upcoming": [{"schedule": name, "next": when.isoformat() if when else None}
                         for name, when in self.scheduler.upcoming()],
            "fired": [{"schedule": name, "time": when} for name, when in self.scheduler.fired[-50:]],
        }

    def _clock_html(self, data: dict[str, Any]) -> str:
        offset = timedelta(seconds=round(data["offset_seconds"]))
        buttons = "".join(
            f"<form method=post style=display:inline><input type=hidden name=action value=advance>"
            f"<input type=hidden name=seconds value={seconds}><button>{label}</button></form>"
            for label, seconds in JUMPS
        )
        upcoming = _table(["schedule", "next (UTC)"], [[escape(u["schedule"]), escape(u["next"] or "—")]
                                                        for u in data["upcoming"]], "The template has no schedules.")
        fired = _table(["schedule", "for"], [[escape(f["schedule"]), escape(f["time"])] for f in data["fired"]],
                       "No schedule has fired yet.")
        return (f"<h1>Clock</h1><p>Platform time <b data-testid=now>{escape(data['now'])}</b> UTC · "
                f"{escape(data['now_moscow'])} Moscow · ahead of real time by <b>{offset}</b></p>{buttons}"
                f"<form method=post style='margin-top:12px'><input type=hidden name=action value=set>"
                f"<label>Set to (Moscow) <input type=datetime-local name=at required></label> <button>Set</button>"
                f"</form><form method=post style='margin-top:12px'><input type=hidden name=action value=reset>"
                f"<button>Back to real time</button></form>"
                f"<p class=muted>Time only moves forward while the cloud runs; every function reads it. When time "
                f"jumps, a schedule due in the skipped span fires once.</p>"
                f"<h2>Upcoming schedules</h2>{upcoming}<h2>Recently fired</h2>{fired}")

    # Resources

    def resources(self) -> dict[str, Any]:
        dynamodb, sqs, sfn = self._client("dynamodb"), self._client("sqs"), self._client("stepfunctions")
        tables = []
        for logical_id, table in self.template.tables.items():
            scan = dynamodb.scan(TableName=table.name, Limit=5)
            count = dynamodb.describe_table(TableName=table.name)["Table"].get("ItemCount", 0)
            tables.append({"logical_id": logical_id, "name": table.name, "items": count,
                           "sample": scan.get("Items", [])})
        queues = []
        dlq_targets = set()
        for queue in self.template.queues.values():
            redrive = queue.attributes.get("RedrivePolicy") or {}
            target = redrive.get("deadLetterTargetArn")
            if isinstance(target, dict) and "Fn::GetAtt" in target:
                dlq_targets.add(target["Fn::GetAtt"][0])
        dlq_targets.update(fn.dead_letter_queue for fn in self.template.functions.values() if fn.dead_letter_queue)
        for logical_id in self.template.queues:
            url = self.template.names.get(logical_id).ref  # type: ignore[union-attr]
            attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            entry: dict[str, Any] = {
                "logical_id": logical_id, "url": url, "is_dlq": logical_id in dlq_targets,
                "visible": int(attrs.get("ApproximateNumberOfMessages", 0)),
                "in_flight": int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0)),
                "delayed": int(attrs.get("ApproximateNumberOfMessagesDelayed", 0)),
            }
            if entry["is_dlq"]:
                entry["messages"] = self._peek(url)
            queues.append(entry)
        machines = []
        for logical_id, machine in self.template.state_machines.items():
            executions = sfn.list_executions(stateMachineArn=machine.arn, maxResults=20).get("executions", [])
            machines.append({"logical_id": logical_id, "arn": machine.arn, "executions": [
                {"arn": e["executionArn"], "name": e["name"], "status": e["status"], "started": e["startDate"]}
                for e in executions]})
        return {
            "tables": tables, "queues": queues, "state_machines": machines,
            "schedules": [{"name": name, "next": when.isoformat() if when else None}
                          for name, when in self.scheduler.upcoming()],
            "functions": [{"logical_id": logical_id, **stats} for logical_id, stats in self.invoker.stats().items()],
            "alarms": [{"name": a["AlarmName"], "state": a["StateValue"], "reason": a.get("StateReason", "")}
                       for page in self._client("cloudwatch").get_paginator("describe_alarms").paginate()
                       for a in page["MetricAlarms"]] if self.template.alarms else [],
        }

    def _peek(self, url: str) -> list[dict[str, Any]]:
        """Read a DLQ's messages without consuming them (visibility 0 puts them straight back)."""
        sqs = self._client("sqs")
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                       AttributeNames=["All"]).get("Messages", [])
        return [{"id": m["MessageId"], "body": m["Body"],
                 "receive_count": m.get("Attributes", {}).get("ApproximateReceiveCount")} for m in messages]

    def _resources_html(self, data: dict[str, Any]) -> str:
        tables = _table(["table", "items", "first items"], [
            [f"<b>{escape(t['logical_id'])}</b><br><code>{escape(t['name'])}</code>", str(t["items"]),
             "".join(f"<pre>{escape(json.dumps(item, ensure_ascii=False)[:600])}</pre>" for item in t["sample"])]
            for t in data["tables"]], "The template has no tables.")
        queues = _table(["queue", "visible", "in flight", "delayed", "DLQ messages"], [
            [f"<b>{escape(q['logical_id'])}</b>{' (DLQ)' if q['is_dlq'] else ''}", str(q["visible"]),
             str(q["in_flight"]), str(q["delayed"]),
             "".join(f"<pre>{escape(m['body'][:600])}</pre>" for m in q.get("messages", []))]
            for q in data["queues"]], "The template has no queues.")
        machines = _table(["state machine", "recent executions"], [
            [f"<b>{escape(m['logical_id'])}</b>", "<br>".join(
                f"<a href='/_local/resources/executions/{quote(e['arn'], safe='')}'>{escape(e['name'])}</a> "
                f"{escape(e['status'])} <span class=muted>{escape(str(e['started']))}</span>"
                for e in m["executions"]) or "<span class=muted>none yet</span>"]
            for m in data["state_machines"]], "The template has no state machines.")
        schedules = _table(["schedule", "next (UTC)", ""], [
            [escape(s["name"]), escape(s["next"] or "—"),
             f"<form method=post action=/_local/resources/fire><input type=hidden name=schedule "
             f"value='{escape(s['name'])}'><button>Fire now</button></form>"] for s in data["schedules"]],
            "The template has no schedules.")
        headers = ["function", "invocations", "errors", "cold starts", "warm workers", "SnapStart", "last error"]
        functions = _table(headers, [
            [escape(f["logical_id"]), str(f["invocations"]), str(f["errors"]), str(f["cold_starts"]),
             str(f["warm_workers"]), _snapstart(f), f"<span class=error>{escape(f['last_error'] or '')}</span>"]
            for f in data["functions"]], "The template has no functions.")
        alarms = _table(["alarm", "state", "reason", ""], [
            [escape(a["name"]), escape(a["state"]), escape(a["reason"]), "".join(
                f"<form method=post action=/_local/resources/alarm style='display:inline'><input type=hidden "
                f"name=alarm value='{escape(a['name'])}'><input type=hidden name=state value={state}>"
                f"<button>Set {state}</button></form> " for state in ("ALARM", "OK") if state != a["state"])]
            for a in data["alarms"]], "The template has no alarms.")
        return (f"<h1>Resources</h1><h2>Tables</h2>{tables}<h2>Queues</h2>{queues}<h2>State machines</h2>"
                f"{machines}<h2 id=schedules>Schedules</h2>{schedules}<h2>Functions</h2>{functions}"
                f"<h2 id=alarms>Alarms</h2><p class=muted>Nothing evaluates metrics locally; setting a state "
                f"notifies the alarm's topics as CloudWatch does (AlarmTopic ends in the Slack fake).</p>{alarms}")

    def execution(self, arn: str) -> dict[str, Any]:
        sfn = self._client("stepfunctions")
        described = sfn.describe_execution(executionArn=arn)
        history = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        return {"arn": arn, "status": described["status"], "input": described.get("input"),
                "output": described.get("output"), "events": [
                    {"id": e["id"], "type": e["type"], "timestamp": e["timestamp"],
                     "details": {k: v for k, v in e.items() if k.endswith("EventDetails")}} for e in history]}

    def _execution_html(self, data: dict[str, Any]) -> str:
        events = _table(["#", "event", "time", "details"], [
            [str(e["id"]), escape(e["type"]), escape(str(e["timestamp"])),
             f"<pre>{escape(json.dumps(e['details'], default=str, ensure_ascii=False)[:1500])}</pre>"]
            for e in data["events"]], "No events.")
        return (f"<h1>Execution</h1><p><code>{escape(data['arn'])}</code> — <b>{escape(data['status'])}</b></p>"
                f"<h2>Input</h2><pre>{escape(data['input'] or '')}</pre><h2>Output</h2>"
                f"<pre>{escape(data['output'] or '')}</pre><h2>History</h2>{events}")
