"""tessera_agent.CommandPoller without a portal: what it signs, and what it reports when the runner fails."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from tessera.core.crypto import LocalSigner, jws_sign, jws_verify

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "clients" / "agent"))

from tessera_agent.commands import Command, CommandPoller, Outcome
from tessera_agent.state import State

INSTALLATION = "ins_AAAAAAAAAAAAAAAAAAAAAAAAAA"
COMMAND = {"id": "cmd_01JAAAAAAAAAAAAAAAAAAAAAAA_deploy", "name": "deploy", "run_id": "dep_01JAAAAAAAAAAAAAAAAAAAAAAA",
           "args": {"version": "4.3.0", "from": "4.2.0"}}


def installation() -> tuple[State, LocalSigner]:
    signer = LocalSigner.generate()
    pem = signer.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode()
    certificate = jws_sign({"lic": "lic_1", "ins": INSTALLATION}, LocalSigner.generate(), kid="vendor")
    return State(installation_id=INSTALLATION, private_key_pem=pem, certificate=certificate), signer


def test_each_request_is_signed_for_its_method_path_and_body_and_a_failing_runner_is_reported() -> None:
    state, signer = installation()
    calls: list[tuple[str, str, bytes | None, dict[str, str]]] = []

    def portal(method: str, url: str, data: bytes | None, headers: dict[str, str]) -> dict[str, Any]:
        calls.append((method, url, data, headers))
        return {"command": COMMAND} if method == "GET" else {"accepted": True, "detail": "accepted"}

    def runner(command: Command) -> Outcome:
        assert command.args["version"] == "4.3.0"
        raise RuntimeError("compose pull: manifest unknown")

    poller = CommandPoller("https://portal.example/", state, runner, transport=portal, clock=lambda: 1_770_000_000)
    assert poller.run_once() is True
    (get_method, get_url, get_body, _), (post_method, post_url, post_body, _) = calls
    assert (get_method, get_url, get_body) == ("GET", "https://portal.example/api/agent/commands", None)
    assert (post_method, post_url) == ("POST", f"https://portal.example/api/agent/commands/{COMMAND['id']}/result")
    assert json.loads(post_body or b"") == {"ok": False, "output": "RuntimeError: compose pull: manifest unknown"}
    for method, url, body, headers in calls:
        assert headers["X-Tessera-Certificate"] == state.certificate
        _, claims = jws_verify(headers["X-Tessera-Signature"], {INSTALLATION: signer.public_key()})
        assert claims == {"typ": "agent-request+jws", "ins": INSTALLATION, "lic": "lic_1", "method": method,
                          "path": url.removeprefix("https://portal.example"), "iat": 1_770_000_000,
                          "body_sha256": hashlib.sha256(body or b"").hexdigest()}


def test_nothing_to_do_runs_nothing() -> None:
    state, _ = installation()
    ran: list[Command] = []
    poller = CommandPoller("https://portal.example", state, lambda c: ran.append(c) or Outcome(True),  # type: ignore[func-returns-value]
                           transport=lambda *_: {"command": None})
    assert poller.run_once() is False and ran == []
