"""An import-linter contract type its built-in ones lack (`make lint` runs them all, pyproject.toml
configures them): no import cycle through two bounded contexts, module by module.

import-linter's `acyclic_siblings` works on packages, and the contexts do depend on each other both
ways at that level (identity creates an organization at sign-up; accounts looks up account managers),
which is fine as long as no module ends up importing itself through another context."""

from __future__ import annotations

from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.domain.helpers import module_expressions_to_modules


class ContextCyclesContract(Contract):
    type_name = "context_cycles"

    contexts = fields.ListField(subfield=fields.ModuleExpressionField())  # e.g. "tessera.*"
    shared = fields.ListField(subfield=fields.ModuleField(), required=False)  # not a context: tessera.core

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        shared = {module.name for module in self.shared or []}  # type: ignore[attr-defined]
        contexts = {module.name for module in module_expressions_to_modules(graph, self.contexts)  # type: ignore[arg-type]
                    if module.name not in shared}

        def context_of(module: str) -> str | None:
            return next((c for c in contexts if module == c or module.startswith(f"{c}.")), None)

        cycles: list[dict[str, Any]] = []
        for importer in sorted(graph.modules):
            home = context_of(importer)
            if home is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if context_of(imported) not in (None, home) and graph.chain_exists(imported, importer):
                    cycles.append({"import": (importer, imported),
                                   "back": graph.find_shortest_chain(imported, importer) or ()})
        return ContractCheck(kept=not cycles, warnings=None, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            importer, imported = cycle["import"]
            output.print_error(f"{importer} imports {imported}, which leads back to it:")
            output.print_error(f"    {' -> '.join(cycle['back'])}", bold=False)
            output.new_line()
