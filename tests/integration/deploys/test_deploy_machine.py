"""The deploy machine end to end: a console start → the starts queue → the real ASL on moto → the agent
(tessera_agent.CommandPoller through /api/agent/*) → a heartbeat with the new version, or the rollback."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from tessera.core import clock
from tests.integration.deploys.conftest import World
from tests.integration.notify.conftest import as_staff


def agent(world: World, *, fail: str | None = None, output: str = "", heartbeat: bool = True) -> Any:
    """A runner: each command succeeds (a deploy or rollback heartbeats with its version, as the product
    would after starting), except `fail`, which reports `output`."""
    from tessera_agent.commands import Command, Outcome

    seen: list[Command] = []

    def run(command: Command) -> Outcome:
        seen.append(command)
        if command.name == fail:
            return Outcome(ok=False, output=output)
        if command.name == "rollback" or (command.name == "deploy" and heartbeat):
            world.installation.beat(command.args["version"])
        return Outcome(ok=True, output=f"{command.name}: ok", version=command.args.get("version"))

    run.seen = seen  # type: ignore[attr-defined]
    return run


def test_a_deploy_that_heartbeats_its_new_version_succeeds(world: World) -> None:
    run = world.start()
    assert (run["state"], run["version"], run["previous_version"]) == ("queued", "4.3.0", "4.2.0")
    runner = agent(world)
    ended = world.run_agent(run["id"], runner)
    assert ended["status"] == "SUCCEEDED" and ended["state"] == "succeeded", ended
    assert ended["states"][-2:] == ["RecordSucceeded", "Done"]
    assert [c.name for c in runner.seen] == ["preflight", "backup", "deploy"]
    assert runner.seen[2].args == {"version": "4.3.0", "from": "4.2.0", "run_id": run["id"]}
    steps = [(s["step"], s["outcome"]) for s in ended["steps"]]
    assert steps[0] == ("validate", "ok") and ("deploy", "ok") in steps and ("heartbeat", "ok") in steps
    assert steps[-1] == ("done", "succeeded")
    installation = as_staff("auditor").get(f"/api/console/installations/{world.installation.id}").body
    assert (installation["current_version"], installation["target_version"], installation["running_run_id"]) == (
        "4.3.0", "4.3.0", None)
    assert installation["org_id"] == world.org_id and installation["license_id"] == world.license_id


def test_a_new_version_that_never_heartbeats_is_rolled_back(world: World) -> None:
    run = world.start()
    runner = agent(world, heartbeat=False)
    waited: list[bool] = []

    def twenty_minutes_pass_while_waiting(seen: dict[str, Any]) -> None:  # the deadline is 15 minutes
        if not waited and ("heartbeat", "waiting") in [(s["step"], s["outcome"]) for s in seen["steps"]]:
            clock.advance(timedelta(minutes=20))
            waited.append(True)

    ended = world.run_agent(run["id"], runner, during=twenty_minutes_pass_while_waiting)
    assert ended["state"] == "rolled_back" and "Rollback" in ended["states"], ended
    assert [c.name for c in runner.seen] == ["preflight", "backup", "deploy", "rollback"]
    assert runner.seen[3].args["version"] == "4.2.0"
    assert ("heartbeat", "expired") in [(s["step"], s["outcome"]) for s in ended["steps"]]
    assert as_staff("auditor").get(f"/api/console/installations/{world.installation.id}").body[
        "current_version"] == "4.2.0"


def test_a_failed_migration_is_rolled_back_with_its_output_redacted(world: World) -> None:
    run = world.start()
    output = ("Applying 0042_budget_lines… FAILED\npsql: password=hunter2 rejected for postgres://itbm:s3cret@db/itbm\n"
              "-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\nmail admin@romashka.ru")
    runner = agent(world, fail="deploy", output=output)
    ended = world.run_agent(run["id"], runner)
    assert ended["state"] == "rolled_back", ended
    assert [c.name for c in runner.seen] == ["preflight", "backup", "deploy", "rollback"]
    failed = next(s for s in ended["steps"] if (s["step"], s["outcome"]) == ("deploy", "failed"))
    assert "0042_budget_lines" in failed["detail"]
    for secret in ("hunter2", "s3cret", "MIIEv", "admin@romashka.ru"):
        assert secret not in str(ended), secret
    assert "Agent.CommandFailed" in ended["steps"][-1]["detail"]


def test_a_failed_preflight_changes_nothing_and_ends_failed(world: World) -> None:
    run = world.start()
    runner = agent(world, fail="preflight", output="port 443 is taken")
    ended = world.run_agent(run["id"], runner)
    assert (ended["status"], ended["state"]) == ("FAILED", "failed"), ended
    assert [c.name for c in runner.seen] == ["preflight"]
    failed = [s for s in ended["steps"] if s["step"] == "preflight"]
    assert (failed[-1]["outcome"], failed[-1]["detail"]) == ("failed", "port 443 is taken")
    assert ended["steps"][-1]["step"] == "done" and "Agent.CommandFailed" in ended["steps"][-1]["detail"]


def test_a_second_deploy_while_one_runs_is_refused_then_allowed_after(world: World) -> None:
    first = world.start()
    again = as_staff("implementation").post(f"/api/console/installations/{world.installation.id}/deploys",
                                            {"version": "4.3.0", "reason": "ещё раз"})
    assert (again.status, again.code) == (409, "deploy-running")
    world.run_agent(first["id"], agent(world))
    assert world.start(version="4.3.0")["state"] == "queued"


def test_a_version_outside_the_license_is_refused_naming_the_field(world: World) -> None:
    from tessera.core.request import RequestInfo
    from tessera.deploys import service
    from tessera.deploys.models import ReleaseRequest
    from tests.integration.deploys.conftest import RELEASE

    service.register_release(ReleaseRequest.model_validate({**RELEASE, "version": "4.4.0"}), "int_ci", RequestInfo())
    answer = as_staff("implementation").post(f"/api/console/installations/{world.installation.id}/deploys",
                                             {"version": "4.4.0", "reason": "попробовать"})
    assert (answer.status, answer.code) == (422, "deploy-not-allowed")
    assert answer.body["errors"][0]["loc"] == "body.version" and "4.4.0" in answer.body["errors"][0]["msg"]
    unknown = as_staff("implementation").post(f"/api/console/installations/{world.installation.id}/deploys",
                                              {"version": "4.2.9", "reason": "попробовать"})
    assert unknown.status == 422 and "not a registered release" in unknown.body["errors"][0]["msg"]
    assert as_staff("auditor").get("/api/console/deploys/runs").body["items"] == []


def test_a_person_rolls_back_a_deploy_that_succeeded(world: World) -> None:
    first = world.start()
    world.run_agent(first["id"], agent(world))
    implementation = as_staff("implementation")
    back = implementation.post(f"/api/console/deploy-runs/{first['id']}/rollback", {"reason": "жалобы на отчёты"})
    assert back.status == 202, back.body
    assert (back.body["kind"], back.body["version"], back.body["rollback_of"]) == ("rollback", "4.2.0", first["id"])
    runner = agent(world)
    ended = world.run_agent(back.body["id"], runner)
    assert ended["state"] == "succeeded", ended
    assert [c.name for c in runner.seen] == ["preflight", "backup", "rollback"]
    again = implementation.post(f"/api/console/deploy-runs/{back.body['id']}/rollback", {"reason": "назад"})
    assert (again.status, again.code) == (409, "run-not-rollbackable")


class _AgentDied(BaseException):
    """The installation's agent process ends mid-command (killed, the server rebooted): it never reports."""


def test_an_agent_that_dies_mid_deploy_ends_the_run_in_a_recorded_state(world: World) -> None:
    """No report within agent_timeout (30 s here): the machine's task times out, rolls back, and with the agent
    still gone the rollback times out too — the run ends `rollback_failed`, recorded, never left running."""
    import time

    import boto3

    run = world.start()
    world.drain_starts()
    fetched: list[str] = []

    def dies_on_deploy(command: Any) -> Any:
        fetched.append(command.name)
        if command.name == "deploy":
            raise _AgentDied
        return agent(world)(command)

    poller = world.poller(dies_on_deploy)
    sfn = boto3.client("stepfunctions")
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline and sfn.describe_execution(
            executionArn=world.execution(run["id"]))["status"] == "RUNNING":
        if "deploy" not in fetched:
            with contextlib.suppress(_AgentDied):
                poller.run_once()
        time.sleep(0.2)
    ended = as_staff("auditor").get(f"/api/console/deploys/runs/{run['id']}").body
    assert fetched[:3] == ["preflight", "backup", "deploy"], fetched
    assert ended["state"] == "rollback_failed", ended
    steps = [(s["step"], s["outcome"]) for s in ended["steps"]]
    assert steps.index(("deploy", "sent")) < steps.index(("rollback", "sent")), steps  # the rollback was tried
    assert steps[-1] == ("done", "rollback_failed"), steps
    assert as_staff("auditor").get(f"/api/console/installations/{world.installation.id}").body[
        "running_run_id"] is None  # the lock is given back: a person can act
