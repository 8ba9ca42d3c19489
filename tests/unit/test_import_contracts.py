"""The import-linter contracts `make lint` runs: every context is covered, and the cycle contract sees a cycle."""

from __future__ import annotations

import tomllib

from grimp import ImportGraph

from tests.import_contracts import ContextCyclesContract
from tests.unit.conftest import ROOT


def test_every_context_keeps_its_repository_and_records_to_itself() -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    protected = {(module, tuple(c["allowed_importers"])) for c in contracts if c["type"] == "protected"
                 for module in c["protected_modules"]}
    contexts = [p.name for p in (ROOT / "layers" / "tessera" / "tessera").iterdir() if (p / "repository.py").exists()]
    assert len(contexts) >= 7
    for context in contexts:
        for module in ("repository", "records"):
            assert (f"tessera.{context}.{module}", (f"tessera.{context}",)) in protected


def graph(*imports: tuple[str, str]) -> ImportGraph:
    built = ImportGraph()
    for module in ("app", "app.core", "app.a", "app.a.service", "app.a.api", "app.b", "app.b.service"):
        built.add_module(module)
    for importer, imported in imports:
        built.add_import(importer=importer, imported=imported)
    return built


def check(built: ImportGraph) -> list[tuple[str, str]]:
    contract = ContextCyclesContract("cycles", {}, {"contexts": ["app.*"], "shared": ["app.core"]})
    return [cycle["import"] for cycle in contract.check(built, verbose=False).metadata["cycles"]]


def test_the_cycle_contract_finds_a_cycle_through_two_contexts_only() -> None:
    assert check(graph(("app.a.service", "app.b.service"), ("app.a.api", "app.core"))) == []
    assert check(graph(("app.a.service", "app.a.api"), ("app.a.api", "app.a.service"))) == []  # inside a
    assert check(graph(("app.a.service", "app.b.service"), ("app.b.service", "app.a.api"))) == []  # no way back
    # a.service → b.service → a.api → a.service: both imports that cross a context boundary are named
    assert check(graph(("app.a.service", "app.b.service"), ("app.b.service", "app.a.api"),
                       ("app.a.api", "app.a.service"))) == [("app.a.service", "app.b.service"),
                                                             ("app.b.service", "app.a.api")]
