"""The installation's side of portal deploys: fetch the next command from /api/agent/commands, run it
through a pluggable runner (budgetctl's runtime on a real server), report the result.

    poller = CommandPoller(agent.portal, agent.state, runner)   # agent: an activated tessera_agent.Agent
    poller.run_once()                              # one command, if the portal has one; False when idle
    poller.run_forever(interval=15)

Every request is signed by the installation key the activation bound (the same key heartbeats use):
`X-Tessera-Certificate` is the installation certificate, `X-Tessera-Signature` a JWS over the method, the
path, the body's SHA-256 and the time. The runner gets the command's name (preflight, backup, deploy,
rollback) and arguments and answers (ok, output, version); an exception is a failed command with its text.
The portal keeps the output's redacted tail; a secret should not be printed in the first place."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tessera_agent.agent import PortalUnavailable
from tessera_agent.jws import sign, unb64url
from tessera_agent.state import State

MAX_OUTPUT = 200_000  # the portal's limit on a report's output; only the tail matters


@dataclass(frozen=True)
class Command:
    id: str
    name: str  # preflight | backup | deploy | rollback
    run_id: str
    args: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    ok: bool
    output: str = ""
    version: str | None = None  # the version running after the command, when the runner knows it


class Runner(Protocol):
    def __call__(self, command: Command) -> Outcome: ...


# (method, URL, body or None, headers) → the answer's JSON; raises PortalUnavailable
Transport = Callable[[str, str, "bytes | None", dict[str, str]], dict[str, Any]]


class CommandPoller:
    def __init__(self, portal: str, state: State, runner: Runner, *, clock: Callable[[], float] = time.time,
                 timeout: float = 10.0, transport: Transport | None = None) -> None:
        if not portal.startswith(("https://", "http://")):
            raise ValueError("the portal URL must be http(s)")
        self.portal = portal.rstrip("/")
        self.state = state
        self.runner = runner
        self.clock = clock
        self.timeout = timeout
        self.transport = transport or self._urllib

    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        state = self.state
        if not (state.private_key_pem and state.installation_id and state.certificate):
            raise PortalUnavailable("activate first: commands are signed with the installation key")
        key = serialization.load_pem_private_key(state.private_key_pem.encode(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        lic = json.loads(unb64url(state.certificate.split(".")[1]))["lic"]
        claims = {"typ": "agent-request+jws", "ins": state.installation_id, "lic": lic, "method": method,
                  "path": path, "body_sha256": hashlib.sha256(body).hexdigest(), "iat": int(self.clock())}
        return {"X-Tessera-Certificate": state.certificate,
                "X-Tessera-Signature": sign(claims, key, state.installation_id),
                "Content-Type": "application/json", "Accept": "application/json"}

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A signed request to the portal's agent API (support bundles use it too); the answer's JSON."""
        data = json.dumps(body).encode() if body is not None else b""
        return self.transport(method, f"{self.portal}{path}", data if body is not None else None,
                              self._headers(method, path, data))

    def _urllib(self, method: str, url: str, data: bytes | None, headers: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310  (the portal's URL)
                return dict(json.loads(answer.read()))
        except urllib.error.HTTPError as exc:
            raise PortalUnavailable(f"the portal answered {exc.code}: {exc.read()[:300]!r}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise PortalUnavailable(str(exc)) from exc

    def fetch(self) -> Command | None:
        found = self.call("GET", "/api/agent/commands").get("command")
        if not found:
            return None
        return Command(id=found["id"], name=found["name"], run_id=found["run_id"], args=dict(found["args"]))

    def report(self, command: Command, outcome: Outcome) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": outcome.ok, "output": outcome.output[-MAX_OUTPUT:]}
        if outcome.version:
            body["version"] = outcome.version
        return self.call("POST", f"/api/agent/commands/{command.id}/result", body)

    def run_once(self) -> bool:
        """Fetch, run and report one command; False when there was none."""
        command = self.fetch()
        if command is None:
            return False
        try:
            outcome = self.runner(command)
        except Exception as exc:  # the runner's failure is the command's: the portal rolls back
            outcome = Outcome(ok=False, output=f"{type(exc).__name__}: {exc}")
        self.report(command, outcome)
        return True

    def run_forever(self, interval: float = 15.0, sleep: Callable[[float], None] = time.sleep) -> None:
        while True:
            try:
                busy = self.run_once()
            except PortalUnavailable:
                busy = False
            if not busy:
                sleep(interval)
