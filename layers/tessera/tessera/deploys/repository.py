"""The only code that touches DeploysTable (tessera.deploys.records describes the items)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action

from tessera.core.dynamo import refused, transaction
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor
from tessera.deploys.records import (
    CommandRecord,
    DeployRunRecord,
    InstallationRecord,
    LockRecord,
    ReleaseRecord,
    RunStep,
    SlotsRecord,
    SupportBundleRecord,
)

Kind = Literal["RELEASES", "INSTALLATIONS", "RUNS"]
MODELS: dict[str, Any] = {"RELEASES": ReleaseRecord, "INSTALLATIONS": InstallationRecord, "RUNS": DeployRunRecord}
SLOTS = ("SLOTS", "RUNNING")


def _failed_condition(exc: PutError | UpdateError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


def page(kind: Kind, *, condition: Any = None, cursor: str | None = None, limit: int | None = None
         ) -> tuple[Sequence[Any], str | None]:
    """One page of every release, installation or run, newest first; `condition` filters the page."""
    scope = f"deploys:{kind}"
    result = MODELS[kind].by_kind.query(kind, filter_condition=condition, scan_index_forward=False,
                                        limit=clamp_limit(limit), last_evaluated_key=decode_cursor(cursor, scope))
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, scope)


# --- releases --------------------------------------------------------------------------------------

def find_release(version: str) -> ReleaseRecord | None:
    try:
        return ReleaseRecord.get(f"REL#{version}", "RELEASE", consistent_read=True)
    except DoesNotExist:
        return None


def add_new_release(tx: Any, record: ReleaseRecord) -> None:
    record.list_key, record.created_key = "RELEASES", f"{record.registered_at.isoformat()}#{record.version}"
    tx.save(record, condition=ReleaseRecord.pk.does_not_exist())


# --- installations ---------------------------------------------------------------------------------

def find_installation(installation_id: str) -> InstallationRecord | None:
    try:
        return InstallationRecord.get(f"INS#{installation_id}", "INSTALLATION", consistent_read=True)
    except DoesNotExist:
        return None


def agent_seen(installation_id: str, license_id: str, at: datetime) -> None:
    """The installation as its agent presented itself (a verified certificate): created on its first call."""
    record = InstallationRecord(pk=f"INS#{installation_id}", sk="INSTALLATION")
    try:
        record.update(actions=[InstallationRecord.agent_seen_at.set(at)],
                      condition=InstallationRecord.pk.exists() & (InstallationRecord.license_id == license_id))
    except UpdateError as exc:
        if not _failed_condition(exc):
            raise
        InstallationRecord(pk=record.pk, sk=record.sk, installation_id=installation_id, license_id=license_id,
                           agent_seen_at=at, first_seen_at=at, list_key="INSTALLATIONS",
                           created_key=f"{at.isoformat()}#{installation_id}").save()


def find_lock(installation_id: str) -> LockRecord | None:
    try:
        return LockRecord.get(f"INS#{installation_id}", "LOCK", consistent_read=True)
    except DoesNotExist:
        return None


# --- runs ------------------------------------------------------------------------------------------

def find_run(run_id: str) -> DeployRunRecord | None:
    try:
        return DeployRunRecord.get(f"RUN#{run_id}", "RUN", consistent_read=True)
    except DoesNotExist:
        return None


def add_new_run(tx: Any, run: DeployRunRecord) -> LockRecord:
    """The run, the installation's lock (refused while another run holds it) and its target version."""
    run.list_key, run.created_key = "RUNS", f"{run.created_at.isoformat()}#{run.run_id}"
    lock = LockRecord(pk=f"INS#{run.installation_id}", sk="LOCK", run_id=run.run_id, locked_at=run.created_at)
    tx.save(run, condition=DeployRunRecord.pk.does_not_exist())
    tx.save(lock, condition=LockRecord.pk.does_not_exist(), return_values="ALL_OLD")
    tx.update(InstallationRecord(pk=f"INS#{run.installation_id}", sk="INSTALLATION"),
              actions=[InstallationRecord.target_version.set(run.version)],
              condition=InstallationRecord.pk.exists())
    return lock


def add_reported_run(tx: Any, run: DeployRunRecord) -> None:
    """A run budgetctl reported: over already, so no lock, slot or target version; once per run_id."""
    run.list_key, run.created_key = "RUNS", f"{run.created_at.isoformat()}#{run.run_id}"
    tx.save(run, condition=DeployRunRecord.pk.does_not_exist())


def lock_refused(exc: TransactWriteError, lock: LockRecord) -> bool:
    return refused(exc, lock)


def take_slot(run_id: str, max_running: int, at: datetime) -> bool:
    """The queued run takes one of `max_running` slots and becomes running, in one transaction; False when
    every slot is taken (the start waits in the queue). A run no longer queued (a redelivered start) takes
    nothing and answers True."""
    try:
        with transaction() as tx:
            tx.update(SlotsRecord(pk=SLOTS[0], sk=SLOTS[1]), actions=[SlotsRecord.running.add(1)],
                      condition=SlotsRecord.running.does_not_exist() | (SlotsRecord.running < max_running))
            tx.update(DeployRunRecord(pk=f"RUN#{run_id}", sk="RUN"),
                      actions=[DeployRunRecord.state.set("running"), DeployRunRecord.slot.set(True),
                               DeployRunRecord.started_at.set(at)],
                      condition=DeployRunRecord.state == "queued")
    except TransactWriteError:
        run = find_run(run_id)
        if run is None or run.state == "queued":
            return False
    return True


def running_slots() -> int:
    try:
        return int(SlotsRecord.get(*SLOTS, consistent_read=True).running)
    except DoesNotExist:
        return 0


def add_step(run_id: str, step: RunStep, **changes: Any) -> None:
    """The step appended to the run (and `changes` set) in one UpdateItem, with no read."""
    actions: list[Action] = [DeployRunRecord.steps.set(DeployRunRecord.steps.append([step]))]
    actions += [getattr(DeployRunRecord, name).set(value) for name, value in changes.items()]
    DeployRunRecord(pk=f"RUN#{run_id}", sk="RUN").update(actions=actions, condition=DeployRunRecord.pk.exists())


def finish_run(run: DeployRunRecord, step: RunStep, state: str, at: datetime) -> bool:
    """The run's last step and state, its lock released and its slot given back, in one transaction;
    False when it had ended already (a retried task)."""
    try:
        with transaction() as tx:
            tx.update(DeployRunRecord(pk=run.pk, sk=run.sk),
                      actions=[DeployRunRecord.steps.set(DeployRunRecord.steps.append([step])),
                               DeployRunRecord.state.set(state), DeployRunRecord.ended_at.set(at),
                               DeployRunRecord.slot.set(False)],
                      condition=DeployRunRecord.ended_at.does_not_exist())
            tx.delete(LockRecord(pk=f"INS#{run.installation_id}", sk="LOCK"),
                      condition=LockRecord.run_id == run.run_id)
            if run.slot:
                tx.update(SlotsRecord(pk=SLOTS[0], sk=SLOTS[1]), actions=[SlotsRecord.running.add(-1)],
                          condition=SlotsRecord.running > 0)
    except TransactWriteError as exc:
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in exc.cancellation_reasons):
            return False
        raise
    return True


# --- agent commands --------------------------------------------------------------------------------

def save_command(record: CommandRecord) -> bool:
    """Once per (run, step): a retried task finds the command it queued (False) and queues nothing."""
    try:
        record.save(condition=CommandRecord.pk.does_not_exist())
    except PutError as exc:
        if _failed_condition(exc):
            return False
        raise
    return True


def find_command(installation_id: str, command_id: str) -> CommandRecord | None:
    try:
        return CommandRecord.get(f"INS#{installation_id}", f"CMD#{command_id}", consistent_read=True)
    except DoesNotExist:
        return None


def next_command(installation_id: str) -> CommandRecord | None:
    """The oldest command not reported yet (pending or sent: a sent one the agent lost is sent again)."""
    found = CommandRecord.query(f"INS#{installation_id}", CommandRecord.sk.startswith("CMD#"),
                                filter_condition=CommandRecord.status.is_in("pending", "sent"), consistent_read=True)
    return next(iter(found), None)


def mark_sent(record: CommandRecord, at: datetime) -> None:
    record.update(actions=[CommandRecord.status.set("sent"), CommandRecord.sent_at.set(at)])


def finish_command(record: CommandRecord, ok: bool, output: str, at: datetime) -> bool:
    """The agent's report, once: False when the command was reported before."""
    try:
        record.update(actions=[CommandRecord.status.set("ok" if ok else "failed"), CommandRecord.output.set(output),
                               CommandRecord.finished_at.set(at)],
                      condition=CommandRecord.status.is_in("pending", "sent"))
    except UpdateError as exc:
        if _failed_condition(exc):
            return False
        raise
    return True


def retoken(record: CommandRecord) -> None:
    """A retried task's new token on the command it queued before, while the agent has not reported."""
    try:
        record.update(actions=[CommandRecord.task_token.set(record.task_token)],
                      condition=CommandRecord.status.is_in("pending", "sent"))
    except UpdateError as exc:
        if not _failed_condition(exc):
            raise


# --- support bundles -------------------------------------------------------------------------------

def save_bundle(record: SupportBundleRecord) -> None:
    record.save(condition=SupportBundleRecord.pk.does_not_exist())


def find_bundle(installation_id: str, bundle_id: str) -> SupportBundleRecord | None:
    try:
        return SupportBundleRecord.get(f"INS#{installation_id}", f"BUNDLE#{bundle_id}", consistent_read=True)
    except DoesNotExist:
        return None


def bundles(installation_id: str, cursor: str | None, limit: int | None
            ) -> tuple[list[SupportBundleRecord], str | None]:
    """The installation's bundles, newest first."""
    scope = f"deploys:bundles:{installation_id}"
    result = SupportBundleRecord.query(f"INS#{installation_id}", SupportBundleRecord.sk.startswith("BUNDLE#"),
                                       scan_index_forward=False, limit=clamp_limit(limit),
                                       last_evaluated_key=decode_cursor(cursor, scope))
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, scope)
