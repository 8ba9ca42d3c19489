"""Each run of prepare, deploy, status, rollback and modules sync reported to the portal
(POST /api/external/deploy-runs), so the console lists it with the portal's own deploy runs.

The request is signed as every /api/external/* call is: an integration key's id in `X-Tessera-Key`, Unix
seconds in `X-Tessera-Timestamp`, `X-Tessera-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<body>">`. The
run_id is a uuid4 made before the run, so a report sent twice is stored once. A report that cannot be
sent is a warning and a file in the spool directory, sent again before the next run's report (or by
`budgetctl report --resend`): recording a run never fails it."""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

PATH = "/api/external/deploy-runs"
TIMEOUT_SECONDS = 15.0
MAX_STEPS = 100  # the portal's limit
MAX_DETAIL = 100_000  # characters of a step's output sent (the tail: where errors are); the portal keeps less
MAX_ERROR = 20_000


def spool_dir() -> Path:
    """BUDGETCTL_SPOOL, or budgetctl/reports under the XDG state directory (~/.local/state)."""
    if os.environ.get("BUDGETCTL_SPOOL"):
        return Path(os.environ["BUDGETCTL_SPOOL"])
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "budgetctl" / "reports"


def operator() -> str:
    """Who ran it: BUDGETCTL_OPERATOR, or the login and the machine."""
    if os.environ.get("BUDGETCTL_OPERATOR"):
        return os.environ["BUDGETCTL_OPERATOR"][:200]
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container's uid with no passwd entry
        user = str(os.getuid())
    return f"{user}@{socket.gethostname()}"[:200]


def _tail(text: str, limit: int) -> str:
    return text if len(text) <= limit else "…" + text[-(limit - 1):]


@dataclass
class RecordingOutput:
    """The command's output, passed through and kept; the steps its progress lines name (deploy.Progress
    calls `record_step`), and the facts they carry (the version a deploy replaced)."""

    out: TextIO
    parts: list[str] = field(default_factory=list)
    steps: list[dict[str, str]] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()

    def record_step(self, code: str, text: str, params: dict[str, object] | None = None,
                    outcome: str | None = None) -> None:
        outcome = outcome or ("failed" if code.endswith("failed") else "ok")
        self.steps.append({"step": code.removeprefix("step_"), "outcome": outcome, "detail": text})
        self.facts.update({name: str(value) for name, value in (params or {}).items()})

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class Destination:
    portal: str
    key_id: str
    secret: str


def destination(portal: str | None, key_id: str | None, secret: str | None) -> tuple[Destination | None, str]:
    """Where reports go, or None and what is missing (for the one-line notice that the run is not recorded)."""
    missing = [name for name, value in (("--portal", portal), ("--report-key-id", key_id),
                                        ("--report-secret", secret)) if not value]
    if missing:
        return None, ", ".join(missing)
    assert portal and key_id and secret
    if not portal.startswith(("https://", "http://")):
        return None, "--portal (https://…)"
    return Destination(portal.rstrip("/"), key_id, secret), ""


def build(*, license_id: str, domain: str, command: str, outcome: str, started_at: datetime,
          ended_at: datetime, steps: list[dict[str, str]], version: str | None = None,
          previous_version: str | None = None, error: str | None = None) -> dict[str, Any]:
    """The report as the portal's BudgetctlRunRequest expects it (versions without the v)."""
    def bare(value: str | None) -> str | None:
        value = (value or "").removeprefix("v")
        return value if value and value[0].isdigit() else None

    sent_steps = [{"step": step["step"], "outcome": step["outcome"],
                   "detail": _tail(step.get("detail") or "", MAX_DETAIL) or None} for step in steps[-MAX_STEPS:]]
    return {"run_id": str(uuid.uuid4()), "license_id": license_id, "domain": domain.lower(), "command": command,
            "version": bare(version), "previous_version": bare(previous_version), "outcome": outcome,
            "started_at": started_at.astimezone(UTC).isoformat(), "ended_at": ended_at.astimezone(UTC).isoformat(),
            "operator": operator(), "steps": sent_steps, "error": _tail(error, MAX_ERROR) if error else None}


class Refused(Exception):
    """The portal refused the report itself (422): sending it again cannot help."""


def send(report: dict[str, Any], to: Destination) -> None:
    """POST the signed report; OSError (the network, a 5xx, a refused key) when it was not stored."""
    body = json.dumps(report, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    signature = hmac.new(to.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(to.portal + PATH, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "X-Tessera-Key": to.key_id, "X-Tessera-Timestamp": timestamp,
        "X-Tessera-Signature": f"sha256={signature}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310  (http(s) only: destination())
            return
    except urllib.error.HTTPError as exc:
        answer = exc.read().decode(errors="replace")[:500]
        if exc.code == 422:
            raise Refused(answer) from None
        raise OSError(f"HTTP {exc.code}: {answer}") from None


def spool(report: dict[str, Any]) -> Path:
    folder = spool_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{report['run_id']}.json"
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    path.chmod(0o600)  # a run's output, as the engineer's terminal showed it
    return path


def spooled() -> list[Path]:
    folder = spool_dir()
    return sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []


def resend(to: Destination, warn: TextIO) -> tuple[int, int]:
    """The spooled reports sent, oldest first: (sent, still spooled). A refused one is dropped with a warning."""
    sent = 0
    left = spooled()
    for path in list(left):
        try:
            send(json.loads(path.read_text(encoding="utf-8")), to)
        except Refused as exc:
            warn.write(f"budgetctl: отчёт {path.name} отклонён порталом, удалён: {exc}\n")
        except (OSError, ValueError):
            break  # the portal is still unreachable: the rest wait too
        else:
            sent += 1
        path.unlink()
        left.remove(path)
    return sent, len(left)


def deliver(report: dict[str, Any], to: Destination, warn: TextIO) -> bool:
    """Spooled reports first, then this one; False (warned, spooled) when it could not be sent."""
    resend(to, warn)
    try:
        send(report, to)
    except Refused as exc:
        warn.write(f"budgetctl: предупреждение: портал отклонил отчёт о запуске: {exc}\n")
        return False
    except OSError as exc:
        path = spool(report)
        warn.write(f"budgetctl: предупреждение: запуск не записан в портал ({exc}); отчёт сохранён в {path} и "
                   "будет отправлен при следующем запуске или командой budgetctl report --resend\n")
        return False
    return True
