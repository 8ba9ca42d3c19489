"""The whole chain with budgetctl as the agent's runner: a console start → the deploy machine on moto →
tessera_agent.CommandPoller through /api/agent/* → budgetctl's DeployRunner on this host (the recording
docker stand-in as the container runtime) → the heartbeat of the version `current` points at; and a new
version that fails its health check, rolled back on the server by budgetctl and then by the machine."""

from __future__ import annotations

from typing import Any

from tests.integration.budgetctl.test_local import Host, command, host, runner  # noqa: F401  (the fixture)
from tests.integration.deploys.conftest import World


def heartbeating(world: World, host: Host) -> Any:  # noqa: F811
    """budgetctl's runner; after a deploy or rollback the product heartbeats with the version that runs
    (what the started product would do)."""
    run = runner(host)

    def step(cmd: Any) -> Any:
        outcome = run(cmd)
        if cmd.name in ("deploy", "rollback") and outcome.version:
            world.installation.beat(outcome.version)
        return outcome

    return step


def test_a_console_deploy_runs_through_budgetctl_on_the_installation(world: World, host: Host) -> None:  # noqa: F811
    assert runner(host)(command("deploy", "4.2.0")).ok  # what the installation runs before
    started = world.start()
    ended = world.run_agent(started["id"], heartbeating(world, host))
    assert (ended["status"], ended["state"]) == ("SUCCEEDED", "succeeded"), ended
    assert (host.install_dir / "current").resolve().name == "v4.3.0"
    assert len(list((host.install_dir / "backups").iterdir())) == 1  # the machine's backup step
    deploy_step = next(s for s in ended["steps"] if s["step"] == "deploy" and s["outcome"] == "ok")
    assert "version 4.3.0" in deploy_step["detail"] and "v4.3.0" in deploy_step["detail"]


def test_a_failing_new_version_is_rolled_back_by_budgetctl_and_the_machine(world: World, host: Host) -> None:  # noqa: F811
    assert runner(host)(command("deploy", "4.2.0")).ok
    (host.docker / "fail-health").write_text("v4.3.0")
    started = world.start()
    ended = world.run_agent(started["id"], heartbeating(world, host))
    assert (ended["status"], ended["state"]) == ("SUCCEEDED", "rolled_back"), ended
    assert "Rollback" in ended["states"]
    assert (host.install_dir / "current").resolve().name == "v4.2.0"
    failed = next(s for s in ended["steps"] if s["step"] == "deploy" and s["outcome"] == "failed")
    assert "health" in failed["detail"]
