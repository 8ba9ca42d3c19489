"""SnapStart: every API function is initialised once, when its version is published, and each new
execution environment resumes from that snapshot. Whatever init left in memory is then shared by all of
them, however much later they start. So each module that keeps state unique to an environment or valid
for a while (ids, caches of keys, secrets and answers with a TTL) registers, next to that state, an
after-restore hook with snapshot-restore-py (Lambda's Python runtime runs them; the local cloud too).

Here is what concerns the whole process:
- before the snapshot, the platform's modules that its code imports inside functions (written when
  cold imports were budgeted) are imported, and pydantic models whose build was deferred are built: a
  restored environment's first request would otherwise pay for them. Third-party libraries imported
  that way (the spreadsheet, PDF and mail stacks, boto3 for S3) stay off the snapshot: they serve
  requests off the hot path, and would add them to every function that merely shares a module;
- after a restore, Python's `random` (retry jitter, sampling) is re-seeded, or every restored
  environment would repeat the same sequence. Secrets and ids draw on `secrets` and os.urandom, which
  read the kernel's entropy after a restore as before it."""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import random
import sys
from collections.abc import Iterator
from types import ModuleType

from snapshot_restore_py import register_after_restore, register_before_snapshot

PACKAGE = "tessera"


@register_after_restore
def reseed_random() -> None:
    random.seed()  # from os.urandom


@register_before_snapshot
def import_request_paths() -> None:
    """Import the package's modules that its loaded modules import lazily, until nothing new appears. A
    module this function cannot import (its settings are not in this environment) it does not use either."""
    done: set[str] = set()
    while pending := [module for module in _loaded() if module.__name__ not in done]:
        for module in pending:
            done.add(module.__name__)
            for name in _lazy_imports(module):
                with contextlib.suppress(Exception):
                    importlib.import_module(name)
    for module in _loaded():
        _complete_models(module)


def _loaded() -> list[ModuleType]:
    return [module for name, module in list(sys.modules.items()) if module is not None and _ours(name)]


def _ours(name: str) -> bool:
    return name == PACKAGE or name.startswith(f"{PACKAGE}.")


def _lazy_imports(module: ModuleType) -> Iterator[str]:
    """The package's modules imported inside the module's functions (`from a.b import c` may name a.b.c)."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            yield from (name for name in names if _ours(name))


def _complete_models(module: ModuleType) -> None:
    from pydantic import BaseModel

    for value in list(vars(module).values()):
        if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__ \
                and not value.__pydantic_complete__:
            value.model_rebuild(raise_errors=False)
