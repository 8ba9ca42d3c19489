"""A graph lint for Step Functions definitions (JSONPath ASL), for what moto's parser accepts but AWS
rejects or never finishes: missing targets, dead ends, unreachable states, and resources the local
cloud cannot execute."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

EXECUTABLE = re.compile(
    r"^(arn:aws:states:::lambda:invoke(\.waitForTaskToken)?"
    r"|arn:aws:states:::sqs:sendMessage(\.waitForTaskToken)?"
    r"|arn:aws:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)"
    r"|arn:aws:states:::aws-sdk:[a-z0-9]+:[A-Za-z0-9]+"
    r"|arn:aws:states:::(sns:publish|events:putEvents)"
    r"|arn:aws:lambda:[^:]+:[^:]+:function:.+"
    r"|\$\{[A-Za-z0-9_]+\})$"
)
TERMINAL = {"Succeed", "Fail"}
WAIT_FIELDS = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")


def lint(definition: dict[str, Any], substitutions: Iterable[str] | None = None, where: str = "") -> list[str]:
    errors: list[str] = []
    if definition.get("QueryLanguage", "JSONPath") != "JSONPath":
        errors.append(f"{where}: QueryLanguage {definition['QueryLanguage']} — use JSONPath (moto runs only JSONPath)")
    _lint_machine(definition, errors, where or "definition")
    if substitutions is not None:
        used = set(re.findall(r"\$\{([A-Za-z0-9_]+)\}", _text(definition)))
        for missing in sorted(used - set(substitutions)):
            errors.append(f"{where}: ${{{missing}}} has no DefinitionSubstitution")
    return errors


def _text(value: Any) -> str:
    import json

    return json.dumps(value)


def _lint_machine(machine: dict[str, Any], errors: list[str], where: str) -> None:
    states: dict[str, Any] = machine.get("States") or {}
    start = machine.get("StartAt")
    if not states:
        errors.append(f"{where}: no States")
        return
    if start not in states:
        errors.append(f"{where}: StartAt {start!r} is not a state")
    for name, state in states.items():
        path = f"{where}.{name}"
        kind = state.get("Type")
        if state.get("QueryLanguage", "JSONPath") != "JSONPath":
            errors.append(f"{path}: QueryLanguage must be JSONPath")
        for target in _targets(state):
            if target not in states:
                errors.append(f"{path}: next state {target!r} does not exist")
        if kind not in TERMINAL and kind != "Choice" and not state.get("End") and "Next" not in state:
            errors.append(f"{path}: needs Next or End")
        if kind == "Choice" and not state.get("Choices"):
            errors.append(f"{path}: a Choice needs Choices")
        if kind == "Wait" and not any(f in state for f in WAIT_FIELDS):
            errors.append(f"{path}: a Wait needs one of {', '.join(WAIT_FIELDS)}")
        if kind == "Task":
            resource = str(state.get("Resource", ""))
            if not EXECUTABLE.match(resource):
                errors.append(f"{path}: resource {resource!r} cannot run in the local cloud (moto)")
        for key in ("Retry", "Catch"):
            for index, rule in enumerate(state.get(key) or []):
                equals = rule.get("ErrorEquals") or []
                if not equals:
                    errors.append(f"{path}.{key}[{index}]: ErrorEquals is empty")
                if "States.ALL" in equals and (len(equals) > 1 or index != len(state[key]) - 1):
                    errors.append(f"{path}.{key}[{index}]: States.ALL must be alone and last")
        if kind == "Parallel":
            for index, branch in enumerate(state.get("Branches") or []):
                _lint_machine(branch, errors, f"{path}.Branches[{index}]")
        if kind == "Map":
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if processor:
                _lint_machine(processor, errors, f"{path}.ItemProcessor")
    reachable = _reachable(states, start)
    for name in states:
        if name not in reachable:
            errors.append(f"{where}.{name}: unreachable from StartAt")


def _targets(state: dict[str, Any]) -> list[str]:
    targets = [state["Next"]] if "Next" in state else []
    if "Default" in state:
        targets.append(state["Default"])
    targets += [choice["Next"] for choice in state.get("Choices") or [] if "Next" in choice]
    targets += [catch["Next"] for catch in state.get("Catch") or [] if "Next" in catch]
    return targets


def _reachable(states: dict[str, Any], start: str | None) -> set[str]:
    seen: set[str] = set()
    stack = [start] if start in states else []
    while stack:
        name = stack.pop()
        if name in seen or name not in states:
            continue
        seen.add(name)
        stack.extend(_targets(states[name]))
    return seen
