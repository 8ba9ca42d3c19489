from __future__ import annotations

import json
from pathlib import Path

import pytest

from localcloud.template import load_yaml
from tests.infra.asl_lint import lint
from tests.infra.conftest import ROOT

pytestmark = pytest.mark.infra
FIXTURES = Path(__file__).parent / "fixtures" / "asl"

EXPECTED = {
    "bad_missing_next": "next state 'Missing' does not exist",
    "bad_dead_end": "needs Next or End",
    "bad_unreachable": "B: unreachable from StartAt",
    "bad_start": "StartAt 'Nope' is not a state",
    "bad_resource": "cannot run in the local cloud",
    "bad_jsonata": "use JSONPath",
    "bad_wait": "a Wait needs one of",
    "bad_catch_order": "States.ALL must be alone and last",
    "bad_substitution": "${Unknown} has no DefinitionSubstitution",
}


def test_a_sound_definition_passes():
    definition = json.loads((FIXTURES / "good.asl.json").read_text())
    assert lint(definition, substitutions=["ChargeFunction"]) == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_broken_definition_is_caught(name):
    definition = json.loads((FIXTURES / f"{name}.asl.json").read_text())
    errors = lint(definition, substitutions=[], where=name)
    assert any(EXPECTED[name] in error for error in errors), errors


def product_state_machines():
    resources = load_yaml(ROOT / "template.yaml")["Resources"]
    for logical_id, resource in resources.items():
        if resource["Type"] in ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"):
            props = resource.get("Properties") or {}
            yield logical_id, props.get("DefinitionUri"), (props.get("DefinitionSubstitutions") or {}).keys()


def test_every_product_state_machine_is_sound():
    files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "statemachines").glob("*.asl.json")}
    used = set()
    errors = []
    for logical_id, uri, substitutions in product_state_machines():
        assert uri, f"{logical_id}: use DefinitionUri with a file under statemachines/"
        used.add(uri)
        errors += lint(json.loads((ROOT / uri).read_text()), substitutions, where=logical_id)
    assert errors == []
    assert files <= used, f"definitions no state machine uses: {sorted(files - used)}"
