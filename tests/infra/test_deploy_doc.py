"""docs/deploy.md lists every resource the stack creates and every parameter it asks for."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # CloudFormation intrinsics


def test_every_resource_and_parameter_is_documented() -> None:
    template = yaml.load((ROOT / "template.yaml").read_text(encoding="utf-8"), Loader=_Loader)
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([A-Za-z0-9]+)`", doc))
    families = tuple(re.findall(r"`…([A-Za-z0-9]+)`", doc))  # `…FunctionLogs` names every function's log group
    missing = [name for name in [*template["Resources"], *template["Parameters"]]
               if name not in named and not name.endswith(families)]
    assert missing == [], f"docs/deploy.md does not mention: {', '.join(missing)}"
