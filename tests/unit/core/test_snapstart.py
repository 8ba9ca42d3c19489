"""SnapStart: after a restore, the hooks each module registered with snapshot-restore-py leave no state
of the snapshot that every restored environment would otherwise share. `restore()` runs the hooks as
Lambda's runtime does. The local cloud's own restores (forked workers) are tested in
tests/integration/localcloud/test_snapstart.py."""

from __future__ import annotations

import ast
import json
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
import snapshot_restore_py
from ulid import ULID

from tessera.core import clock
from tessera.core.ids import new_id
from tessera.core.settings import get_settings
from tessera.identity import sessions
from tessera.licensing import heartbeats, response_keys, state
from tests.aws_calls import recorded
from tests.unit.conftest import ROOT, load_function

real_time = time.time


def restore() -> None:
    for func, args, kwargs in snapshot_restore_py.get_after_restore():
        func(*args, **kwargs)


def before_snapshot() -> None:
    for func, args, kwargs in reversed(snapshot_restore_py.get_before_snapshot()):
        func(*args, **kwargs)


def test_random_is_reseeded(aws: None) -> None:
    snapshot = random.getstate()
    first_environment = random.random()
    random.setstate(snapshot)
    assert random.random() == first_environment  # what every restored environment would draw

    random.setstate(snapshot)
    restore()
    assert random.random() != first_environment


def _ulid_value(identifier: str) -> int:
    return int(ULID.from_str(identifier.split("_", 1)[1]))


def test_ids_do_not_go_on_from_the_snapshots_newest(aws: None) -> None:
    with clock.frozen(datetime(2026, 3, 1, 12, tzinfo=UTC)):  # one millisecond, as for ids minted close together
        newest = new_id("tst")
        assert _ulid_value(new_id("tst")) == _ulid_value(newest) + 1  # monotonic within the millisecond

        restore()
        after_restore = new_id("tst")
    assert _ulid_value(after_restore) not in (_ulid_value(newest) + 1, _ulid_value(newest) + 2)


def test_cached_answers_are_dropped(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_TABLE", "identity")
    authorizer = load_function("authorizer")
    authorizer._cache["console:token"] = (time.time() + 60, None)
    state._status_cache["key-hash"] = (time.time() + 30, None)
    heartbeats._licenses["lic_1"] = (time.time() + 60, None)

    restore()

    assert authorizer._cache == {} and state._status_cache == {} and heartbeats._licenses == {}


def test_keys_are_fetched_before_the_snapshot_and_read_again_after_a_restore_when_due(
        aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = boto3.client("secretsmanager")
    jwt = secrets.create_secret(Name="jwt", SecretString="one" * 11)
    monkeypatch.setenv("JWT_SECRET_ARN", jwt["ARN"])
    receipts = secrets.create_secret(Name="response-keys", SecretString='{"keys": []}')["ARN"]
    monkeypatch.setenv("RESPONSE_KEY_SECRET_ARN", receipts)
    monkeypatch.setenv("IDENTITY_TABLE", "identity")
    get_settings.cache_clear()
    sessions.keys.cache_clear()
    response_keys.forget()
    with recorded() as calls:
        before_snapshot()
    assert calls.count("GetSecretValue") == 2 and sessions.keys().current().kid == jwt["VersionId"]
    rotated = secrets.put_secret_value(SecretId=jwt["ARN"], SecretString="two" * 11)["VersionId"]

    with recorded() as calls:
        restore()  # a young snapshot: still fresh (the empty response keys are asked for again after 30 s)
    assert calls.count("GetSecretValue", "secretsmanager") == 0
    assert sessions.keys().current().kid == jwt["VersionId"]

    monkeypatch.setattr(time, "time", lambda: real_time() + 3600)  # the snapshot waited an hour
    with recorded() as calls:
        restore()
        assert calls.count("GetSecretValue") == 2  # both read again by the hooks, before any request
        assert sessions.keys().current().kid == rotated and response_keys._cached is not None
    assert calls.count("GetSecretValue") == 2


def test_a_failed_refresh_leaves_the_fetch_to_the_first_use(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_SECRET_ARN", "arn:aws:secretsmanager:eu-central-1:123456789012:secret:gone")
    monkeypatch.setenv("IDENTITY_TABLE", "identity")
    get_settings.cache_clear()
    sessions.keys.cache_clear()
    restore()  # does not raise: the environment starts
    with pytest.raises(Exception, match="ResourceNotFound"):
        sessions.keys().current()


def test_oidc_client_secrets_are_read_again(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    from tessera.identity import oidc

    arn = boto3.client("secretsmanager").create_secret(Name="oidc", SecretString='{"google": "one"}')["ARN"]
    monkeypatch.setenv("OIDC_SECRETS_ARN", arn)
    oidc._client_secrets.cache_clear()
    assert oidc._client_secrets() == {"google": "one"}
    boto3.client("secretsmanager").put_secret_value(SecretId=arn, SecretString='{"google": "two"}')
    assert oidc._client_secrets() == {"google": "one"}  # cached for the environment's life

    restore()
    assert oidc._client_secrets() == {"google": "two"}


# Serve requests off the hot paths (spreadsheet and PDF exports, mail templates): imported when used, so
# they stay out of the snapshots of functions that only share a module with them.
LAZY_IMPORTS = {"openpyxl", "fpdf", "fontpkg_pt_sans", "jinja2"}


def test_imports_are_at_module_scope_so_the_snapshot_holds_them() -> None:
    inside: list[str] = []
    for path in sorted((ROOT / "layers" / "tessera" / "tessera").rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or "."]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                inside += [f"{path.relative_to(ROOT)}:{node.lineno} {name}" for name in names
                           if name.split(".")[0] not in LAZY_IMPORTS]
    assert inside == []


def _snapstart_handlers() -> dict[str, str]:
    from localcloud.template import load_template

    template = load_template(ROOT / "template.yaml")
    return {logical: fn.handler for logical, fn in template.functions.items() if fn.snap_start}


# What each function's snapshot must refresh, beyond tessera.core's own (random, ids).
CONTEXT_HOOKS = {
    "AuthorizerFunction": {"OrderedDict.clear", "current_key"},  # its answers; the JWT key
    "AuthFunction": {"current_key", "_lru_cache_wrapper.cache_clear"},  # the JWT key, the OIDC client secrets
    "LicenseStatusFunction": {"dict.clear"},  # status answers
    "LicenseHeartbeatFunction": {"dict.clear", "current"},  # licenses; the response-signing key
}


def test_every_snapstart_function_registers_its_hooks() -> None:
    handlers = _snapstart_handlers()
    assert "AuthorizerFunction" in handlers and "HeartbeatWorkerFunction" not in handlers
    script = ("import json, sys; sys.path[:0] = [sys.argv[1], 'layers/tessera']; import importlib; "
              "importlib.import_module(sys.argv[2]); import snapshot_restore_py; "
              "hooks = [f.__qualname__ for f, _, _ in snapshot_restore_py.get_after_restore()]; "
              "before = [f.__qualname__ for f, _, _ in snapshot_restore_py.get_before_snapshot()]; "
              "print(json.dumps({'hooks': hooks, 'before': before, 'ids': 'tessera.core.ids' in sys.modules}))")

    def registered(handler: str) -> dict[str, Any]:
        module = handler.rpartition(".")[0]
        code_dir = f"functions/{module.split('.')[0]}"
        out = subprocess.run([sys.executable, "-c", script, code_dir, module], cwd=ROOT, capture_output=True,
                             text=True, check=True, env={"PATH": "/usr/bin:/bin"})
        return dict(json.loads(out.stdout))

    with ThreadPoolExecutor(2) as pool:
        found = dict(zip(handlers, pool.map(registered, handlers.values()), strict=True))
    for logical, seen in found.items():
        expected = {"reseed_random", *(["reset"] if seen["ids"] else []), *CONTEXT_HOOKS.get(logical, ())}
        assert expected <= set(seen["hooks"]), logical
        assert seen["before"][0] == "freeze_init_objects", logical  # registered first: run last, after the fetches
        fetched = {hook for hook in CONTEXT_HOOKS.get(logical, ()) if "clear" not in hook}
        assert fetched <= set(seen["before"]), logical  # fetched before the snapshot too
