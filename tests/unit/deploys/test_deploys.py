"""Deploys' pure rules: a release's shape, the license's version range and modules, what is kept of an
agent's output, and the deploy machine's graph."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from tessera.deploys.agent import clean_output
from tessera.deploys.machine import admits, license_problems
from tessera.deploys.models import MAX_OUTPUT, CommandResult, DeployRequest, ReleaseRequest

ROOT = Path(__file__).resolve().parents[3]
DIGEST = "sha256:" + "0f" * 32
RELEASE = {"version": "4.3.0", "channel": "stable", "git_sha": "0123abc", "changelog": "-",
           "images": {"backend": f"registry.example/backend:v4.3.0@{DIGEST}"}}


def license_view(**changes: object) -> SimpleNamespace:
    return SimpleNamespace(**{"id": "lic_1", "status": "active", "version_min": "4.1", "version_max": "4.2",
                              "modules": ["core", "ai_forecast"], **changes})


@pytest.mark.parametrize(("version", "low", "high", "expected"), [
    ("4.2.7", "4.1", "4.2", True),  # max 4.2 admits 4.2.x
    ("4.3.0", "4.1", "4.2", False),
    ("4.1.0", "4.1", "4.2", True),
    ("4.0.9", "4.1", "4.2", False),
    ("4.2.1", "4.0", "4.2.0", True),  # as activation reads it: major.minor against the bound
    ("9.0.0", "4.0", None, True),
])
def test_the_license_range_as_activation_reads_it(version: str, low: str, high: str | None, expected: bool) -> None:
    assert admits(version, low, high) is expected


def test_license_problems_name_each_thing_that_forbids_the_deploy() -> None:
    assert license_problems("4.2.1", license_view(), ["core"]) == []
    problems = license_problems("4.3.0", license_view(status="suspended"), ["core", "integrations"])
    assert problems == ["the license lic_1 is suspended", "version 4.3.0 is outside the license's range 4.1…4.2",
                        "modules not licensed: integrations"]


def test_a_release_needs_images_pinned_by_digest_and_a_plain_version() -> None:
    assert ReleaseRequest.model_validate(RELEASE).images["backend"].endswith(DIGEST)
    with pytest.raises(ValidationError, match="pinned by digest"):
        ReleaseRequest.model_validate({**RELEASE, "images": {"backend": "registry.example/backend:v4.3.0"}})
    for version in ("v4.3.0", "4.3", "4.3.0-rc1"):
        with pytest.raises(ValidationError):
            ReleaseRequest.model_validate({**RELEASE, "version": version})
    with pytest.raises(ValidationError):
        ReleaseRequest.model_validate({**RELEASE, "channel": "nightly"})
    with pytest.raises(ValidationError):
        DeployRequest.model_validate({"version": "4.3.0", "reason": "x"})  # a reason says something


def test_an_agents_output_is_kept_redacted_and_only_its_tail() -> None:
    text = ("PGPASSWORD=hunter2 pg_dump\nAuthorization: Bearer abc.def\nredis://:s3cret@cache:6379/0\n"
            "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\nowner admin@romashka.ru, +79161234567")
    kept = clean_output(text)
    for secret in ("hunter2", "abc.def", "s3cret", "MHcC", "admin@romashka.ru", "9161234567"):
        assert secret not in kept, secret
    assert "pg_dump" in kept and "[private key removed]" in kept
    long = clean_output("x" * 10 + "y" * (MAX_OUTPUT * 2))
    assert len(long) == MAX_OUTPUT and long.endswith("y") and "x" not in long
    assert CommandResult.model_validate({"ok": False, "output": "z"}).version is None


def test_the_deploy_machine_graph_is_whole() -> None:
    """moto accepts a missing Next target or an unreachable state: checked here."""
    machine = json.loads((ROOT / "statemachines" / "deploy.asl.json").read_text(encoding="utf-8"))
    states = machine["States"]
    targets = {machine["StartAt"]}
    for state in states.values():
        targets.update(t for t in [state.get("Next"), state.get("Default")] if t)
        targets.update(c["Next"] for c in state.get("Choices", []) + state.get("Catch", []))
    assert targets <= set(states), targets - set(states)
    assert set(states) <= targets, set(states) - targets
    for name, state in states.items():
        if state.get("Resource", "").endswith(".waitForTaskToken"):
            assert state["TimeoutSecondsPath"] == "$.agent_timeout", name  # a dead agent must not hang the run
            assert state["Parameters"]["Payload"]["task_token.$"] == "$$.Task.Token"
        if state["Type"] == "Task":
            assert state.get("Catch") or name.startswith("Record"), name
    # after the deploy step, every failure path goes through the agent's rollback
    for name in ("Deploy", "AwaitHeartbeat", "CheckHeartbeat"):
        assert states[name]["Catch"][0]["Next"] == "Rollback"
    assert {c["Next"] for c in states["HeartbeatArrived"]["Choices"]} == {"RecordSucceeded", "Rollback"}
