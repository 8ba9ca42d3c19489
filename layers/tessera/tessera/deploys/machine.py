"""The tasks of statemachines/deploy.asl.json (DeployTasksFunction): one step per invocation, named by
`action`. The machine holds the order, the waits and the deadlines; every task here reads the run first
and is idempotent, so a retried task queues no second command and ends no run twice.

    validate → preflight (agent) → backup (agent) → deploy (agent) → await a heartbeat with the new version
    → succeeded | rollback (agent) → rolled_back | failed | rollback_failed

An agent step is `lambda:invoke.waitForTaskToken`: the task queues a command holding the token and returns;
the execution waits until the agent reports (tessera.deploys.agent) or the step's timeout (a dead agent)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tessera.audit import service as audit
from tessera.core import clock
from tessera.core.errors import NotFound
from tessera.core.observability import count
from tessera.deploys import notices, repository
from tessera.deploys.models import CommandName, version_key
from tessera.deploys.records import CommandRecord, DeployRunRecord, RunStep
from tessera.licensing import service as licensing


class DeployRefused(Exception):
    """The deploy breaks the license or names no release: the run ends failed, nothing was sent."""


def _run(run_id: str) -> DeployRunRecord:
    record = repository.find_run(run_id)
    if record is None:
        raise LookupError(f"no deploy run {run_id}")
    return record


def _step(run_id: str, step: str, outcome: str, detail: str | None = None, **changes: Any) -> None:
    repository.add_step(run_id, RunStep(at=clock.now(), step=step, outcome=outcome, detail=detail), **changes)


def _installation(run: DeployRunRecord) -> Any:
    """The installation as licensing knows it (its newest heartbeat), or None."""
    return next((a for a in licensing.activations(run.license_id).items
                 if a.installation_id == run.installation_id), None)


def admits(version: str, version_min: str, version_max: str | None) -> bool:
    """Activation's rule (tessera.licensing.activation), so a deployed version is one the license activates:
    at least version_min; at most version_max by major.minor (max 4.2 admits 4.2.x)."""
    key = version_key(version)
    if key < version_key(version_min):
        return False
    return version_max is None or key[:2] <= version_key(version_max)


def license_problems(version: str, license_view: Any, active_modules: list[str]) -> list[str]:
    """What forbids running `version` with these modules under this license (empty: allowed)."""
    problems = []
    if license_view.status != "active":
        problems.append(f"the license {license_view.id} is {license_view.status}")
    if not admits(version, license_view.version_min, license_view.version_max):
        allowed = f"{license_view.version_min}…{license_view.version_max or ''}"
        problems.append(f"version {version} is outside the license's range {allowed}")
    extra = sorted(set(active_modules) - set(license_view.modules))
    if extra:
        problems.append(f"modules not licensed: {', '.join(extra)}")
    return problems


def validate(run_id: str) -> dict[str, Any]:
    """The release exists (a rollback's version ran there before: it may predate the registry); the license
    is active, admits the version and every module the installation runs."""
    run = _run(run_id)
    problems = []
    if run.kind == "deploy" and repository.find_release(run.version) is None:
        problems.append(f"version {run.version} is not a registered release")
    try:
        license_view = licensing.get(run.license_id)
    except NotFound:
        problems.append(f"no license {run.license_id}")
    else:
        installation = _installation(run)
        problems += license_problems(run.version, license_view,
                                     list(installation.active_modules) if installation else [])
    if problems:
        _step(run_id, "validate", "refused", "; ".join(problems))
        raise DeployRefused("; ".join(problems))
    _step(run_id, "validate", "ok")
    return {}


def command(run_id: str, step: CommandName, task_token: str) -> dict[str, Any]:
    """Queue the agent's command for the machine's `step`, holding the task token (a retried task re-arms the
    same command). A person's rollback run deploys the earlier version with the agent's rollback."""
    run = _run(run_id)
    name = "rollback" if run.kind == "rollback" and step == "deploy" else step
    args = {"version": run.previous_version if step == "rollback" else run.version, "run_id": run_id}
    if step in ("deploy", "rollback"):
        args["from"] = run.version if step == "rollback" else run.previous_version
    command_id = f"cmd_{run_id.removeprefix('dep_')}_{step}"
    record = CommandRecord(pk=f"INS#{run.installation_id}", sk=f"CMD#{command_id}", command_id=command_id,
                           installation_id=run.installation_id, run_id=run_id, name=name, args=args,
                           task_token=task_token, status="pending", created_at=clock.now())
    if not repository.save_command(record):
        repository.retoken(record)
    _step(run_id, name, "sent", f"waiting for the agent ({command_id})")
    return {"command_id": command_id}


def await_heartbeat(run_id: str, timeout: int) -> dict[str, Any]:
    """The deadline by which the installation must heartbeat with the new version."""
    deadline = clock.epoch_seconds() + timeout
    _step(run_id, "heartbeat", "waiting", f"until {deadline}", heartbeat_deadline=deadline)
    return {"deadline": deadline}


def check_heartbeat(run_id: str, deadline: int) -> dict[str, Any]:
    """Whether a heartbeat since the run started reports the run's version, or the deadline has passed."""
    run = _run(run_id)
    installation = _installation(run)
    reported = installation.software_version if installation is not None else None
    if installation is not None and reported == run.version and \
            installation.last_seen_at >= (run.started_at or run.created_at):
        _step(run_id, "heartbeat", "ok", f"version {reported} reported")
        return {"reached": True, "expired": False}
    if clock.epoch_seconds() >= deadline:
        _step(run_id, "heartbeat", "expired", f"no heartbeat with {run.version}; last reported {reported}")
        return {"reached": False, "expired": True}
    return {"reached": False, "expired": False}


def _error_text(error: dict[str, Any] | None) -> str:
    error = error or {}
    cause = str(error.get("Cause") or "")
    with contextlib.suppress(ValueError, AttributeError):  # a Lambda task's Cause is its error envelope as JSON
        cause = str(json.loads(cause).get("errorMessage") or cause)
    name = str(error.get("Error") or "")
    return f"{name}: {cause}"[:1000] if cause else name[:200]


Outcome = Literal["succeeded", "rolled_back", "failed", "rollback_failed"]


def finish(run_id: str, outcome: Outcome, error: dict[str, Any] | None = None) -> dict[str, Any]:
    """The run's end: its state, the lock and the slot released, the audit event and the staff's notice."""
    run = _run(run_id)
    detail = _error_text(error) if error else None
    if not repository.finish_run(run, RunStep(at=clock.now(), step="done", outcome=outcome, detail=detail),
                                 outcome, clock.now()):
        return {"state": run.state}
    count("deploy_run_ended", outcome=outcome)
    audit.record(f"deploy.{outcome}", "deploy_run", run_id, actor_id="deploy-machine", actor_kind="system",
                 org_id=run.org_id, reason=detail,
                 after={"installation": run.installation_id, "version": run.version,
                        "previous_version": run.previous_version, "kind": run.kind})
    notices.run_finished(run_id, outcome, run.version, run.previous_version, run.installation_id, run.kind, detail)
    return {"state": outcome}


class Step(BaseModel):
    """What a state passes to DeployTasksFunction."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["validate", "command", "await", "check", "finish"]
    run_id: str = Field(pattern=r"^dep_[0-9A-HJKMNP-TV-Z]{26}$")
    name: CommandName | None = None
    task_token: str | None = Field(None, max_length=2048)
    timeout: int = Field(0, ge=0)
    deadline: int = Field(0, ge=0)
    outcome: Outcome | None = None
    error: dict[str, Any] | None = None  # a failed step's {Error, Cause}, as Step Functions catches it
    headers: dict[str, str] | None = None  # the trace context the invocation carries


def run(event: dict[str, Any]) -> dict[str, Any]:
    step = Step.model_validate(event)
    actions: dict[str, Callable[[], dict[str, Any]]] = {
        "validate": lambda: validate(step.run_id),
        "command": lambda: command(step.run_id, step.name or "preflight", step.task_token or ""),
        "await": lambda: await_heartbeat(step.run_id, step.timeout),
        "check": lambda: check_heartbeat(step.run_id, step.deadline),
        "finish": lambda: finish(step.run_id, step.outcome or "failed", step.error),
    }
    return actions[step.action]()
