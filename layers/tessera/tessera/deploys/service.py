"""The only way into deploys: releases, installations, deploy runs and their starts.

A deploy is started by a person (console) and queued: the run's record, the installation's lock and the
audit event are one transaction (a second deploy of the installation is refused with 409 while one is
queued or running), then a message goes to DeployStartsQueue. Its worker (`start_queued`) gives the run
one of DEPLOY_MAX_RUNNING slots and starts the execution named after the run; with no slot free the
message comes back later, so 50 starts run N at a time and none is lost. The machine's last task gives
the slot back and releases the lock."""

from __future__ import annotations

import contextlib
import json
from typing import Any, cast

from pynamodb.exceptions import TransactWriteError

from tessera.audit import service as audit
from tessera.core import aws, clock
from tessera.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.observability import count, logger, sqs_trace_header
from tessera.core.request import RequestInfo
from tessera.core.settings import get_settings
from tessera.deploys import notices, repository
from tessera.deploys.agent import clean_output
from tessera.deploys.machine import license_problems
from tessera.deploys.models import (
    BudgetctlRunAnswer,
    BudgetctlRunRequest,
    Channel,
    DeployRequest,
    DeployRunPage,
    DeployRunView,
    InstallationPage,
    InstallationView,
    ReleaseAnswer,
    ReleasePage,
    ReleaseRequest,
    ReleaseView,
    RunKind,
    RunSource,
    RunState,
    RunStepView,
)
from tessera.deploys.records import DeployRunRecord, InstallationRecord, ReleaseRecord, RunStep
from tessera.deploys.settings import DeploySettings
from tessera.licensing import service as licensing

sqs = aws.client("sqs")
states = aws.client("stepfunctions")

register({
    "deploy-running": {"ru": "Для этой установки уже идёт деплой: дождитесь его окончания.",
                       "en": "A deploy of this installation is already running: wait for it to end."},
    "release-conflict": {"ru": "Версия уже зарегистрирована с другим содержимым: релиз неизменяем.",
                         "en": "This version was registered with other content: a release cannot change."},
    "installation-unknown": {"ru": "Такой установки нет или её агент ещё не выходил на связь.",
                             "en": "No such installation, or its agent has not called yet."},
    "deploy-not-allowed": {"ru": "Деплой этой версии невозможен: {detail}",
                           "en": "This version cannot be deployed: {detail}"},
    "run-not-rollbackable": {"ru": "Откатить можно только успешно завершённый деплой портала "
                                   "(запуск budgetctl откатывают командой budgetctl rollback).",
                             "en": "Only a portal deploy that succeeded can be rolled back "
                                   "(a budgetctl run is rolled back with budgetctl rollback)."},
    "license-unknown": {"ru": "Такой лицензии нет.", "en": "No such license."},
})


# --- releases --------------------------------------------------------------------------------------

def release_view(record: ReleaseRecord) -> ReleaseView:
    return ReleaseView(version=record.version, channel=cast(Channel, record.channel), git_sha=record.git_sha,
                       changelog=record.changelog, images=dict(record.images), registered_at=record.registered_at,
                       registered_by=record.registered_by)


def register_release(command: ReleaseRequest, registered_by: str, request: RequestInfo) -> ReleaseAnswer:
    """Idempotent on the version: the same content again answers the stored release; other content, 409.
    The record is the audit event `deploy.release_registered`; staff get a notice (e-mail, Slack)."""
    existing = repository.find_release(command.version)
    if existing is None:
        record = ReleaseRecord(pk=f"REL#{command.version}", sk="RELEASE", version=command.version,
                               channel=command.channel, git_sha=command.git_sha, changelog=command.changelog,
                               images=command.images, registered_at=clock.now(), registered_by=registered_by)
        try:
            audit.record_change(lambda tx: repository.add_new_release(tx, record), "deploy.release_registered",
                                "release", command.version, actor_id=registered_by, actor_kind="system",
                                request=request, after={"version": command.version, "channel": command.channel,
                                                        "git_sha": command.git_sha, "images": command.images})
        except TransactWriteError:
            existing = repository.find_release(command.version)
            if existing is None:
                raise
        else:
            count("release_registered", channel=command.channel)
            notices.release_registered(command.version, command.channel, command.git_sha, command.changelog)
            return ReleaseAnswer(release=release_view(record), created=True)
    same = (existing.channel, existing.git_sha, existing.changelog, dict(existing.images)) == (
        command.channel, command.git_sha, command.changelog, command.images)
    if not same:
        raise Conflict("This version was registered with other content: a release cannot change.",
                       code="release-conflict")
    return ReleaseAnswer(release=release_view(existing), created=False)


def list_releases(channel: str | None, cursor: str | None, limit: int | None) -> ReleasePage:
    condition = (ReleaseRecord.channel == channel) if channel else None
    items, next_cursor = repository.page("RELEASES", condition=condition, cursor=cursor, limit=limit)
    return ReleasePage(items=[release_view(r) for r in items], next_cursor=next_cursor)


def get_release(version: str) -> ReleaseView:
    record = repository.find_release(version)
    if record is None:
        raise NotFound("No such release.", code="not-found")
    return release_view(record)


# --- installations ---------------------------------------------------------------------------------

def installation_view(record: InstallationRecord) -> InstallationView:
    """Joined with licensing: the customer (the license's organization) and the newest heartbeat."""
    org_id = domain = current = last_seen = None
    try:
        license_view = licensing.get(record.license_id)
        org_id = license_view.org_id
        found = next((a for a in licensing.activations(record.license_id).items
                      if a.installation_id == record.installation_id), None)
        if found is not None:
            domain, current, last_seen = found.domain, found.software_version, found.last_seen_at
    except NotFound:
        pass
    lock = repository.find_lock(record.installation_id)
    return InstallationView(id=record.installation_id, license_id=record.license_id, org_id=org_id, domain=domain,
                            current_version=current, target_version=record.target_version,
                            last_seen_at=last_seen, agent_seen_at=record.agent_seen_at,
                            running_run_id=lock.run_id if lock else None)


def list_installations(cursor: str | None, limit: int | None) -> InstallationPage:
    items, next_cursor = repository.page("INSTALLATIONS", cursor=cursor, limit=limit)
    return InstallationPage(items=[installation_view(r) for r in items], next_cursor=next_cursor)


def _installation(installation_id: str) -> InstallationRecord:
    record = repository.find_installation(installation_id)
    if record is None:
        raise NotFound("No such installation, or its agent has not called yet.", code="installation-unknown")
    return record


def get_installation(installation_id: str) -> InstallationView:
    return installation_view(_installation(installation_id))


# --- deploy runs -----------------------------------------------------------------------------------

def run_view(record: DeployRunRecord) -> DeployRunView:
    return DeployRunView(
        id=record.run_id, kind=cast(RunKind, record.kind), source=cast(RunSource, record.source or "portal"),
        installation_id=record.installation_id, license_id=record.license_id, org_id=record.org_id,
        domain=record.domain, version=record.version, previous_version=record.previous_version,
        reason=record.reason, rollback_of=record.rollback_of, state=cast(RunState, record.state),
        requested_by=record.requested_by, created_at=record.created_at, started_at=record.started_at,
        ended_at=record.ended_at, error=record.error,
        steps=[RunStepView(at=s.at, step=s.step, outcome=s.outcome, detail=s.detail) for s in record.steps])


def budgetctl_run_id(client_run_id: str) -> str:
    """The console's id of a reported run: its own prefix, so it never meets a portal run's `dep_` ULID."""
    return "bct_" + client_run_id.replace("-", "")


def record_budgetctl_run(command: BudgetctlRunRequest, reported_by: str, request: RequestInfo) -> BudgetctlRunAnswer:
    """A budgetctl run as its engineer's machine reported it, stored with the portal's runs (source budgetctl)
    with the audit event `deploy.budgetctl_run`. The installation is licensing's activation of the license on
    that domain; a server not activated yet (a first deploy) keeps the license and the domain. Idempotent on
    run_id: a resent report answers the stored run."""
    run_id = budgetctl_run_id(command.run_id)
    existing = repository.find_run(run_id)
    if existing is not None:
        return BudgetctlRunAnswer(run=run_view(existing), created=False)
    try:
        license_view = licensing.get(command.license_id)
    except NotFound as exc:
        raise ValidationFailed("No such license.", code="license-unknown", errors=[
            FieldError("body.license_id", "no such license", "license-unknown")]) from exc
    activation = next((a for a in licensing.activations(command.license_id).items
                       if a.domain.lower() == command.domain and a.state != "inactive"), None)
    run = DeployRunRecord(
        pk=f"RUN#{run_id}", sk="RUN", run_id=run_id, kind=command.command,
        source="budgetctl", installation_id=activation.installation_id if activation else None,
        license_id=command.license_id, org_id=license_view.org_id, domain=command.domain, version=command.version,
        previous_version=command.previous_version, reason=f"budgetctl {command.command.replace('_', ' ')}",
        state=command.outcome, requested_by=command.operator, created_at=command.started_at,
        started_at=command.started_at, ended_at=command.ended_at,
        error=clean_output(command.error) if command.error else None,
        steps=[RunStep(at=command.ended_at, step=s.step, outcome=s.outcome,
                       detail=clean_output(s.detail) if s.detail else None) for s in command.steps])
    try:
        audit.record_change(lambda tx: repository.add_reported_run(tx, run), "deploy.budgetctl_run", "deploy_run",
                            run_id, actor_id=reported_by, actor_kind="system", request=request,
                            org_id=license_view.org_id, reason=run.reason,
                            after={"license": command.license_id, "domain": command.domain,
                                   "installation": run.installation_id, "command": command.command,
                                   "version": command.version, "outcome": command.outcome,
                                   "operator": command.operator})
    except TransactWriteError:
        existing = repository.find_run(run_id)  # the same report, stored by a concurrent retry
        if existing is None:
            raise
        return BudgetctlRunAnswer(run=run_view(existing), created=False)
    count("budgetctl_run", command=command.command, outcome=command.outcome)
    return BudgetctlRunAnswer(run=run_view(run), created=True)


def list_runs(state: RunState | None, installation_id: str | None, cursor: str | None, limit: int | None
              ) -> DeployRunPage:
    condition = None
    if state:
        condition = DeployRunRecord.state == state
    if installation_id:
        by_installation = DeployRunRecord.installation_id == installation_id
        condition = by_installation if condition is None else condition & by_installation
    items, next_cursor = repository.page("RUNS", condition=condition, cursor=cursor, limit=limit)
    return DeployRunPage(items=[run_view(r) for r in items], next_cursor=next_cursor)


def get_run(run_id: str) -> DeployRunView:
    record = repository.find_run(run_id)
    if record is None:
        raise NotFound("No such deploy run.", code="not-found")
    return run_view(record)


def _queue(run: DeployRunRecord, actor: Any, request: RequestInfo) -> DeployRunView:
    """The run, the lock and the audit event together (409 while another run holds the lock), then its start
    queued; a send that fails after the SDK's retries ends the run failed (the lock released) and answers 500."""
    lock: list[Any] = []
    try:
        audit.record_change(lambda tx: lock.append(repository.add_new_run(tx, run)), f"deploy.{run.kind}_requested",
                            "deploy_run", run.run_id, actor_id=actor.user_id, actor_kind="staff",
                            actor_display=actor.display or None, actor_roles=sorted(actor.roles), request=request,
                            org_id=run.org_id, reason=run.reason,
                            after={"installation": run.installation_id, "version": run.version,
                                   "previous_version": run.previous_version})
    except TransactWriteError as exc:
        if lock and repository.lock_refused(exc, lock[0]):
            raise Conflict("A deploy of this installation is already running: wait for it to end.",
                           code="deploy-running") from exc
        raise Conflict("Try again.", code="concurrent-change") from exc
    try:
        sqs.send_message(QueueUrl=get_settings(DeploySettings).starts_queue_url,
                         MessageBody=json.dumps({"run_id": run.run_id}), **sqs_trace_header())
    except Exception:
        repository.finish_run(run, RunStep(at=clock.now(), step="queue", outcome="failed",
                                           detail="the start could not be queued"), "failed", clock.now())
        raise
    count("deploy_requested", kind=run.kind)
    return run_view(run)


def _new_run(installation: InstallationRecord, kind: str, version: str, previous: str, reason: str, actor: Any,
             org_id: str, rollback_of: str | None = None) -> DeployRunRecord:
    now = clock.now()
    run_id = new_id("dep")
    return DeployRunRecord(pk=f"RUN#{run_id}", sk="RUN", run_id=run_id, kind=kind,
                           installation_id=installation.installation_id, license_id=installation.license_id,
                           org_id=org_id, version=version, previous_version=previous, reason=reason,
                           rollback_of=rollback_of, state="queued", requested_by=actor.user_id, created_at=now,
                           steps=[])


def start_deploy(installation_id: str, command: DeployRequest, actor: Any, request: RequestInfo) -> DeployRunView:
    """Checked here too (the machine checks again when it runs): a version outside the license or not a
    release is a 422 naming the field, and nothing is queued."""
    installation = _installation(installation_id)
    license_view = licensing.get(installation.license_id)
    found = next((a for a in licensing.activations(installation.license_id).items
                  if a.installation_id == installation_id), None)
    if found is None:
        raise NotFound("No such installation, or its agent has not called yet.", code="installation-unknown")
    problems = license_problems(command.version, license_view, list(found.active_modules))
    if repository.find_release(command.version) is None:
        problems.insert(0, f"version {command.version} is not a registered release")
    if problems:
        raise ValidationFailed("; ".join(problems), code="deploy-not-allowed",
                               errors=[FieldError("body.version", p, "deploy-not-allowed") for p in problems])
    if repository.find_lock(installation_id) is not None:
        raise Conflict("A deploy of this installation is already running: wait for it to end.", code="deploy-running")
    run = _new_run(installation, "deploy", command.version, found.software_version, command.reason, actor,
                   license_view.org_id)
    return _queue(run, actor, request)


def rollback(run_id: str, reason: str, actor: Any, request: RequestInfo) -> DeployRunView:
    """A person's rollback of a deploy that succeeded: a new run back to the version it replaced."""
    earlier = repository.find_run(run_id)
    if earlier is None:
        raise NotFound("No such deploy run.", code="not-found")
    if earlier.state != "succeeded" or earlier.kind != "deploy" or earlier.source == "budgetctl":
        raise Conflict("Only a portal deploy that succeeded can be rolled back.", code="run-not-rollbackable")
    assert earlier.installation_id is not None  # every portal run has its installation
    installation = _installation(earlier.installation_id)
    if repository.find_lock(earlier.installation_id) is not None:
        raise Conflict("A deploy of this installation is already running: wait for it to end.", code="deploy-running")
    run = _new_run(installation, "rollback", earlier.previous_version, earlier.version, reason, actor,
                   earlier.org_id, rollback_of=run_id)
    return _queue(run, actor, request)


# --- the starts queue's worker ---------------------------------------------------------------------

def start_queued(run_id: str) -> bool:
    """Start a queued run if a slot is free (False: the message should come back later). Idempotent: the
    execution is named after the run, so a redelivered start starts nothing new."""
    settings = get_settings(DeploySettings)
    run = repository.find_run(run_id)
    if run is None or run.ended_at is not None:
        logger.warning("a deploy start for a run that is gone or over", extra={"run_id": run_id})
        return True
    if not repository.take_slot(run_id, settings.max_running, clock.now()):
        count("deploy_start_deferred")
        return False
    with contextlib.suppress(states.exceptions.ExecutionAlreadyExists):  # a redelivered start
        states.start_execution(stateMachineArn=settings.machine_arn, name=run_id, input=json.dumps({
            "run_id": run_id, "agent_timeout": settings.agent_timeout_seconds,
            "heartbeat_timeout": settings.heartbeat_timeout_seconds,
            "poll_interval": settings.poll_interval_seconds}))
    return True
