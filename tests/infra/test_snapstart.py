"""SnapStart (issue 9): every API-facing function (an HttpApi route's or an authorizer's) runs a published
version with SnapStart, within SnapStart's limits, and whatever invokes a published function reaches its
alias, not $LATEST. Data-driven over template.yaml, so functions added later are checked too."""

from __future__ import annotations

import re
from typing import Any

import pytest

from localcloud.template import load_template, load_yaml
from tests.infra.conftest import ROOT

pytestmark = pytest.mark.infra


def test_every_api_function_runs_snapstart() -> None:
    template = load_template(ROOT / "template.yaml")
    facing = {route.function for route in template.routes} | {a.function for a in template.authorizers.values()}
    assert facing and "AuthorizerFunction" in facing
    assert sorted(f for f in facing if not template.functions[f].snap_start) == []


def test_snapstart_limits() -> None:
    document = load_yaml(ROOT / "template.yaml")
    defaults = document["Globals"]["Function"]
    problems = []
    for name, resource in document["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = {**defaults, **resource["Properties"]}
        if {**defaults.get("SnapStart", {}), **resource["Properties"].get("SnapStart", {})}.get("ApplyOn") \
                != "PublishedVersions":
            continue
        if "ProvisionedConcurrencyConfig" in props or "FileSystemConfigs" in props:
            problems.append(f"{name}: SnapStart excludes provisioned concurrency and EFS")
        if int((props.get("EphemeralStorage") or {}).get("Size", 512)) > 512:
            problems.append(f"{name}: SnapStart allows at most 512 MB of ephemeral storage")
        runtime = re.fullmatch(r"python3\.(\d+)", str(props.get("Runtime")))
        if runtime is None or int(runtime.group(1)) < 12:
            problems.append(f"{name}: SnapStart needs python3.12 or newer")
    assert problems == []


def _arn_references(value: Any) -> list[str]:
    """Resources whose ARN a value takes with !GetAtt X.Arn or ${X.Arn} (in a !Sub)."""
    if isinstance(value, str):
        return re.findall(r"\$\{(\w+)\.Arn\}", value)
    if isinstance(value, dict) and (value.get("Fn::GetAtt") or [])[1:] == ["Arn"]:
        return [value["Fn::GetAtt"][0]]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [found for item in items for found in _arn_references(item)]


def test_invokers_reach_the_alias() -> None:
    """SAM points events at the alias; an ARN written by hand (an authorizer, a task, a target) must too."""
    template = load_template(ROOT / "template.yaml")
    published = {name for name, fn in template.functions.items() if fn.alias}
    unqualified = sorted(set(_arn_references(template.document["Resources"])) & published)
    assert unqualified == [], "use !Ref <Function>.Alias: the unqualified ARN invokes $LATEST, without SnapStart"


def test_the_check_sees_an_unqualified_arn() -> None:
    authorizer = {"FunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]}}
    resources = {"Api": {"Properties": {"Auth": {"Authorizers": {"A": authorizer}}}},
                 "Rule": {"Properties": {"Targets": [{"Arn": {"Fn::Sub": "${Other.Arn}"}}]}}}
    assert sorted(_arn_references(resources)) == ["Fn", "Other"]
