"""Every function gets only what it needs: no wildcard actions, no wildcard resources except for the
few actions AWS only grants on "*", and no broad managed policies. Data-driven over template.yaml,
so every function added later is checked too."""

from __future__ import annotations

from typing import Any

import pytest

from localcloud.template import load_yaml
from tests.infra.conftest import ROOT

pytestmark = pytest.mark.infra

# Actions AWS only authorizes on Resource "*" (the Step Functions task-token actions name no resource: the
# token itself is the capability, and a state machine ARN as Resource is denied).
STAR_RESOURCE_OK = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData",
                    "ses:SendEmail", "ses:SendRawEmail",
                    "states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"}
BROAD_MANAGED = ("FullAccess", "AdministratorAccess", "PowerUserAccess")


def functions() -> dict[str, dict[str, Any]]:
    resources = load_yaml(ROOT / "template.yaml")["Resources"]
    return {k: v.get("Properties") or {} for k, v in resources.items() if v["Type"] == "AWS::Serverless::Function"}


def statements(policy: Any) -> list[dict[str, Any]]:
    if isinstance(policy, dict) and "Statement" in policy:
        found = policy["Statement"]
        return found if isinstance(found, list) else [found]
    return []


def problems_of(name: str, props: dict[str, Any]) -> list[str]:
    found = []
    if "Role" in props:
        found.append(f"{name}: uses a shared Role; give it its own Policies")
    policies = props.get("Policies") or []
    for policy in policies if isinstance(policies, list) else [policies]:
        if isinstance(policy, str) and any(b in policy for b in BROAD_MANAGED):
            found.append(f"{name}: broad managed policy {policy}")
        for statement in statements(policy):
            if statement.get("Effect") != "Allow":
                continue
            actions = statement.get("Action")
            actions = actions if isinstance(actions, list) else [actions]
            resources = statement.get("Resource")
            resources = resources if isinstance(resources, list) else [resources]
            for action in actions:
                if action == "*" or (isinstance(action, str) and action.endswith(":*")):
                    found.append(f"{name}: wildcard action {action}")
            if "*" in resources:
                loose = [a for a in actions if a not in STAR_RESOURCE_OK]
                if loose:
                    found.append(f"{name}: Resource '*' for {loose}")
    return found


def test_functions_exist():
    assert functions(), "template.yaml has no functions"


def test_every_function_is_least_privilege():
    problems = [p for name, props in functions().items() for p in problems_of(name, props)]
    assert problems == []


def test_the_check_catches_broad_grants():
    bad = {"Policies": ["AmazonDynamoDBFullAccess", {"Statement": [
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:::table/x"},
        {"Effect": "Allow", "Action": ["kms:Sign"], "Resource": "*"}]}]}
    assert len(problems_of("Bad", bad)) == 3
