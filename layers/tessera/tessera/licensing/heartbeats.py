"""POST /api/licenses/heartbeat and its queue worker.

The endpoint checks, without touching DynamoDB: the installation certificate against the license
public key (cached), the heartbeat's signature against the key the certificate binds, the clock and
replays it has seen; then it queues the report (1 SQS call) and answers a receipt signed in-process
by the response key. The license's state for the receipt comes from a per-container cache refreshed
at most once a minute per license.

The worker applies a batch: repeated heartbeats of one installation are coalesced to the newest, and
each installation gets one conditional UpdateItem (older or replayed sequence numbers change nothing).
Limit violations (computed by the endpoint from the cached license) are passed on to the notify queue
in one SendMessageBatch; the normal path makes no other call."""

import json
import os
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from snapshot_restore_py import register_after_restore

from tessera.core import aws, clock
from tessera.core.crypto import JwsError, jwk_to_public_key, jws_sign, jws_verify
from tessera.core.observability import count, handling, logger, sqs_trace_header
from tessera.core.request import RequestInfo
from tessera.licensing import repository, response_keys, signing
from tessera.licensing.models import (
    HeartbeatAnswer,
    HeartbeatCode,
    HeartbeatReport,
    HeartbeatRequest,
    ReportError,
)
from tessera.licensing.state import state_of, violations

MOSCOW = ZoneInfo("Europe/Moscow")  # the day of a limit alert (one alert per installation × limit × day)
MAX_SKEW_SECONDS = 300
LICENSE_CACHE_SECONDS = 60
DETAILS: dict[str, dict[str, str]] = {
    "ACCEPTED": {"ru": "Принято.", "en": "Accepted."},
    "BAD_SIGNATURE": {"ru": "Подпись heartbeat неверна.", "en": "The heartbeat's signature is not valid."},
    "BAD_CERTIFICATE": {"ru": "Сертификат установки недействителен.",
                        "en": "The installation certificate is not valid."},
    "FOREIGN_KEY": {"ru": "Heartbeat подписан ключом другой установки.",
                    "en": "The heartbeat is signed by another installation's key."},
    "CLOCK_SKEW": {"ru": "Часы сервера установки расходятся с порталом больше чем на 5 минут.",
                   "en": "The installation's clock is more than 5 minutes off."},
    "REPLAY": {"ru": "Этот heartbeat уже получен.", "en": "This heartbeat was already received."},
    "INVALID_USAGE": {"ru": "Показатели использования должны быть целыми числами от 0 до 1 000 000 000 "
                            "по известным лимитам (users, departments, integrations, api_rate).",
                      "en": "Usage values must be whole numbers from 0 to 1,000,000,000 for known limits "
                            "(users, departments, integrations, api_rate)."},
    "INVALID_REPORT": {"ru": "Heartbeat подписан верно, но его поля не прошли проверку.",
                       "en": "The heartbeat is signed correctly, but some of its fields are not valid."},
}

_seen: OrderedDict[tuple[str, int], None] = OrderedDict()  # (installation, seq) recently accepted here
_licenses: dict[str, tuple[float, Any]] = {}
sqs = aws.client("sqs")
register_after_restore(_licenses.clear)  # SnapStart: licenses cached before the snapshot are stale


def _license(license_id: str) -> Any:
    now = clock.now().timestamp()  # the platform clock: tests and the local cloud move it
    cached = _licenses.get(license_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    record = repository.find(license_id)
    _licenses[license_id] = (now + LICENSE_CACHE_SECONDS, record)
    return record


def _refuse(code: HeartbeatCode, language: str, errors: list[ReportError] | None = None) -> HeartbeatAnswer:
    count("heartbeat_received", outcome=code)
    return HeartbeatAnswer(accepted=False, code=code, detail=DETAILS[code][language], errors=errors or [],
                           server_time=clock.now())


def _invalid(exc: ValidationError, language: str) -> HeartbeatAnswer:
    """INVALID_USAGE when only usage values are wrong, else INVALID_REPORT; each error names its field."""
    errors = [ReportError(loc=".".join(str(part) for part in error["loc"] if part != "[key]"), msg=error["msg"])
              for error in exc.errors(include_url=False)]
    usage_only = all(error.loc.startswith("usage.") for error in errors)
    return _refuse("INVALID_USAGE" if usage_only else "INVALID_REPORT", language, errors)


def receive(command: HeartbeatRequest, request: RequestInfo) -> HeartbeatAnswer:
    language = request.language
    license_keys = {signing.public_key_jwk()["kid"]: jwk_to_public_key(signing.public_key_jwk())}
    try:
        header, certificate = jws_verify(command.certificate, license_keys)
        if header.get("typ") != "installation-cert+jws" or certificate.get("exp", 0) < clock.epoch_seconds():
            return _refuse("BAD_CERTIFICATE", language)
        installation_key = jwk_to_public_key(certificate["jwk"])
    except (JwsError, KeyError, ValueError, TypeError):
        return _refuse("BAD_CERTIFICATE", language)
    try:
        _, payload = jws_verify(command.heartbeat, {str(certificate["ins"]): installation_key})
    except JwsError as exc:
        return _refuse("FOREIGN_KEY" if exc.code == "unknown_kid" else "BAD_SIGNATURE", language)
    if (payload.get("lic"), payload.get("ins")) != (certificate.get("lic"), certificate.get("ins")):
        return _refuse("FOREIGN_KEY", language)
    # Only now, with the signature proven, say what is wrong in the report: it cannot help a forger.
    try:
        report = HeartbeatReport.model_validate(payload)
    except ValidationError as exc:
        return _invalid(exc, language)
    now = clock.now()
    if abs(report.sent_at - int(now.timestamp())) > MAX_SKEW_SECONDS:
        return _refuse("CLOCK_SKEW", language)
    if (report.ins, report.seq) in _seen:
        return _refuse("REPLAY", language)

    key = response_keys.current()  # before queueing: without a key (503) nothing is queued
    record = _license(report.lic)
    queued: dict[str, Any] = {"report": report.model_dump(), "received_at": now.isoformat(), "ip": request.ip}
    if record is not None and report.usage:  # limits from the cached license: no extra call
        found = violations(cast(dict[str, int], report.usage), record.limits)
        if found:
            queued["violations"] = [v.model_dump() for v in found]
    sqs.send_message(QueueUrl=os.environ["HEARTBEAT_QUEUE_URL"], MessageBody=json.dumps(queued),
                       **sqs_trace_header())
    _seen[(report.ins, report.seq)] = None
    if len(_seen) > 50_000:
        _seen.popitem(last=False)

    state = state_of(record.status, record, now) if record is not None else "UNKNOWN_LICENSE"
    newest = int(record.version) if record is not None else None
    receipt_claims = {"typ": "heartbeat-receipt", "lic": report.lic, "ins": report.ins, "seq": report.seq,
                      "server_time": int(now.timestamp()), "state": state,
                      "revoked": state == "REVOKED", "suspended": state == "SUSPENDED", "newest_version": newest,
                      "update": record.token if record is not None and newest and newest > report.seen_version
                      else None}
    receipt = jws_sign(receipt_claims, key.signer, kid=key.kid, typ="heartbeat-receipt+jws")
    count("heartbeat_received", outcome="ACCEPTED")
    return HeartbeatAnswer(accepted=True, code="ACCEPTED", detail=DETAILS["ACCEPTED"][language], receipt=receipt,
                           signing_certificate=key.certificate, server_time=now)


# --- the worker -----------------------------------------------------------------------------------

class _Coalesced:
    """One installation's heartbeats in a batch: the newest report is written, every sequence number is
    counted, and each limit keeps the worst violation any of them reported (a violation inside the batch
    still alerts when a later heartbeat is back under the limit)."""

    def __init__(self, report: HeartbeatReport, body: dict[str, Any], message_id: str) -> None:
        self.report, self.body, self.newest_id = report, body, message_id
        self.message_ids: list[str] = []
        self.seqs: set[int] = set()
        self.violations: dict[str, dict[str, Any]] = {}

    def add(self, message_id: str, report: HeartbeatReport, body: dict[str, Any]) -> None:
        self.message_ids.append(message_id)
        self.seqs.add(report.seq)
        if report.seq > self.report.seq:
            self.report, self.body, self.newest_id = report, body, message_id
        for violation in body.get("violations") or ():
            held = self.violations.get(violation["limit"])
            if held is None or _severity(violation) > _severity(held):
                self.violations[violation["limit"]] = violation


def _severity(violation: dict[str, Any]) -> tuple[bool, int, int]:
    return bool(violation["over"]), int(violation["threshold"]), int(violation["used"])


def apply_batch(messages: list[dict[str, Any]]) -> list[str]:
    """Apply queued heartbeats; answers the message ids that failed (SQS partial batch failure)."""
    newest: dict[str, _Coalesced] = {}
    for message in messages:
        try:
            body = json.loads(message["body"])
            report = HeartbeatReport.model_validate(body["report"])
        except (ValueError, KeyError, ValidationError):
            continue  # malformed: retrying cannot fix it; the endpoint never queues such a message
        held = newest.setdefault(report.ins, _Coalesced(report, body, message["messageId"]))
        held.add(message["messageId"], report, body)
    failed: list[str] = []
    alerts: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (alert, the trace of its heartbeat)
    by_id = {message["messageId"]: message for message in messages}
    for held in newest.values():
        report, body = held.report, held.body
        received_at = datetime.fromisoformat(body["received_at"]).astimezone(UTC)
        others = (by_id[i] for i in held.message_ids if i != held.newest_id)
        with handling(by_id[held.newest_id], *others):  # the trace of the heartbeat whose report is applied
            try:
                applied = repository.record_heartbeat(report, received_at, body.get("ip"), sorted(held.seqs))
            except Exception:  # one installation's failure must not redo the others
                failed.extend(held.message_ids)
                continue
            if applied:
                count("heartbeat_recorded")
            if applied and held.violations:
                alerts.append(({"kind": "limit", "license_id": report.lic, "installation_id": report.ins,
                                "day": received_at.astimezone(MOSCOW).date().isoformat(),
                                "violations": list(held.violations.values())}, sqs_trace_header()))
    if alerts:
        _queue_alerts(alerts)
    return failed


def _queue_alerts(alerts: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Limit violations go to the notify queue (SendMessageBatch, 10 a call); the notify worker
    deduplicates and sends. Best effort: a lost alert must not fail the heartbeats."""
    url = os.environ.get("NOTIFY_QUEUE_URL")
    if not url:
        return
    for start in range(0, len(alerts), 10):
        chunk = alerts[start:start + 10]
        entries: list[Any] = [{"Id": str(i), "MessageBody": json.dumps(alert), **trace}
                              for i, (alert, trace) in enumerate(chunk)]
        try:
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
        except Exception:
            logger.exception("limit alerts could not be queued", extra={"count": len(chunk)})
