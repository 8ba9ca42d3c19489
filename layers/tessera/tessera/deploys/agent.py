"""/api/agent/*: the installation's agent fetches its next command and reports how it went.

Authentication is licensing's installation key, as heartbeats use it: every request carries the
installation certificate (`X-Tessera-Certificate`, signed by the license KMS key at activation, binding the
installation's public key) and a compact JWS signed by that installation key (`X-Tessera-Signature`, kid =
the installation id) over the method, the path, the SHA-256 of the body and the time. A copied certificate
cannot sign; a signature is bound to one request and stale after 5 minutes; a report is taken once per command.

A report ends the Step Functions task waiting on the command: SendTaskSuccess with {ok, version} or
SendTaskFailure `Agent.CommandFailed` with the output's tail (redacted), which the machine's Catch sends to
the rollback."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import cast

from tessera.core import aws, clock
from tessera.core.crypto import JwsError, jwk_to_public_key, jws_verify
from tessera.core.errors import NotFound, Unauthorized
from tessera.core.i18n import register
from tessera.core.observability import count, redact
from tessera.deploys import repository
from tessera.deploys.models import (
    MAX_OUTPUT,
    AgentCommand,
    AgentCommandAnswer,
    CommandName,
    CommandResult,
    CommandResultAnswer,
)
from tessera.deploys.records import RunStep
from tessera.licensing import signing
from tessera.licensing.activation import CERTIFICATE_TYPE

MAX_SKEW_SECONDS = 300
REQUEST_TYPE = "agent-request+jws"
states = aws.client("stepfunctions")

register({
    "agent-unauthenticated": {"ru": "Запрос агента не подписан ключом установки или подпись неверна.",
                              "en": "The agent's request is not signed with the installation key, or the "
                                    "signature is wrong."},
    "agent-clock-skew": {"ru": "Часы сервера установки расходятся с порталом больше чем на 5 минут.",
                         "en": "The installation's clock is more than 5 minutes off."},
    "command-unknown": {"ru": "Такой команды для этой установки нет.", "en": "No such command for this installation."},
})

_SECRET_VALUE = re.compile(r"(?i)(\w*(?:password|passwd|pwd|secret|token|api[_-]?key|authorization|access[_-]?key)\w*)"
                           r"(\s*[=:]\s*|\s+)(\"[^\"]*\"|'[^']*'|\S+)")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S)
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]*:[^/\s@]+@")


def clean_output(text: str) -> str:
    """What is kept of an agent's output: secrets, credentials in URLs, e-mails and phones masked, and
    only the tail (where a failure shows) up to MAX_OUTPUT characters."""
    text = _PEM.sub("[private key removed]", text)
    text = _URL_CREDENTIALS.sub(r"\1***@", text)
    text = _BEARER.sub(r"\1 ***", text)
    text = _SECRET_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    text = str(redact(text))
    return text if len(text) <= MAX_OUTPUT else "…" + text[-(MAX_OUTPUT - 1):]


@dataclass(frozen=True)
class Caller:
    installation_id: str
    license_id: str


def _refused() -> Unauthorized:
    return Unauthorized("The agent's request is not signed with the installation key, or the signature is wrong.",
                        code="agent-unauthenticated")


def authenticate(certificate: str | None, signature: str | None, method: str, path: str, body: bytes) -> Caller:
    """The installation that signed this request, or 401 (one answer for every failure but the clock)."""
    if not certificate or not signature or len(certificate) > 8000 or len(signature) > 4000:
        raise _refused()
    vendor = {signing.public_key_jwk()["kid"]: jwk_to_public_key(signing.public_key_jwk())}
    try:
        header, claims = jws_verify(certificate, vendor)
        if header.get("typ") != CERTIFICATE_TYPE or claims.get("exp", 0) < clock.epoch_seconds():
            raise _refused()
        installation_id, license_id = str(claims["ins"]), str(claims["lic"])
        _, request = jws_verify(signature, {installation_id: jwk_to_public_key(claims["jwk"])})
    except (JwsError, KeyError, ValueError, TypeError) as exc:
        raise _refused() from exc
    expected = {"ins": installation_id, "lic": license_id, "method": method.upper(), "path": path,
                "body_sha256": hashlib.sha256(body).hexdigest()}
    if {key: request.get(key) for key in expected} != expected or request.get("typ") != REQUEST_TYPE:
        raise _refused()
    if not isinstance(request.get("iat"), int) or abs(request["iat"] - clock.epoch_seconds()) > MAX_SKEW_SECONDS:
        raise Unauthorized("The installation's clock is more than 5 minutes off.", code="agent-clock-skew")
    repository.agent_seen(installation_id, license_id, clock.now())
    return Caller(installation_id, license_id)


def next_command(caller: Caller) -> AgentCommandAnswer:
    """The oldest command not reported yet; sent again until reported (the agent may have lost it)."""
    record = repository.next_command(caller.installation_id)
    if record is None:
        return AgentCommandAnswer(command=None)
    if record.status == "pending":
        repository.mark_sent(record, clock.now())
    return AgentCommandAnswer(command=AgentCommand(id=record.command_id, name=cast(CommandName, record.name),
                                                   run_id=record.run_id, args=dict(record.args)))


def report(caller: Caller, command_id: str, result: CommandResult) -> CommandResultAnswer:
    record = repository.find_command(caller.installation_id, command_id)
    if record is None:
        raise NotFound("No such command for this installation.", code="command-unknown")
    output = clean_output(result.output)
    now = clock.now()
    if not repository.finish_command(record, result.ok, output, now):
        return CommandResultAnswer(accepted=False, detail="already reported")
    detail = (f"version {result.version}\n" if result.version else "") + output
    repository.add_step(record.run_id, RunStep(at=now, step=record.name, outcome="ok" if result.ok else "failed",
                                               detail=detail or None))
    count("deploy_agent_report", outcome="ok" if result.ok else "failed")
    try:
        if result.ok:
            states.send_task_success(taskToken=record.task_token,
                                     output=json.dumps({"ok": True, "version": result.version}))
        else:
            states.send_task_failure(taskToken=record.task_token, error="Agent.CommandFailed",
                                     cause=(output or f"{record.name} failed")[-4000:])
    except (states.exceptions.TaskTimedOut, states.exceptions.InvalidToken, states.exceptions.TaskDoesNotExist):
        return CommandResultAnswer(accepted=False, detail="the deploy stopped waiting for this command")
    return CommandResultAnswer(accepted=True, detail="accepted")
