"""SnapStart in the local cloud: a function is initialised once (the snapshot) and every new worker is
forked from it and runs the after-restore hooks, so state init leaves behind is shared as on Lambda:
without the hooks two restored workers mint the same id and draw the same random numbers."""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import httpx

from localcloud.invoker import Invoker, _InitFailed

from .conftest import Running, wait_until


def together(lc: Running, function: str, count: int = 2, **event: Any) -> list[Any]:
    """`count` invocations in flight at once: each needs a worker of its own."""
    results: list[Any] = [None] * count

    def call(index: int) -> None:
        results[index] = lc.cloud.invoker.invoke(function, {"hold": 0.8, **event})

    threads = [threading.Thread(target=call, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_snapshots_are_made_at_start_as_at_publishing(lc: Running) -> None:
    stats = wait_until(lambda: (s := lc.cloud.invoker.stats()["SnapNoHooksFn"])["init_ms"] is not None and s,
                       timeout=60, what="the snapshot made in the background")
    assert stats["invocations"] == 0 and stats["restores"] == 0


def inits(lc: Running, function: str) -> int:
    return sum(1 for r in lc.records("snap-init") if r["function"] == lc.fn(function).name)


def test_restored_workers_share_one_init_and_mint_their_own_ids(lc: Running) -> None:
    first, second = together(lc, "SnapFn")
    assert (first.function_error, second.function_error) == (None, None)
    a, b = first.json(), second.json()
    assert a["pid"] != b["pid"] and first.cold_start and second.cold_start
    assert inits(lc, "SnapFn") == 1  # initialised once
    assert [r for r in lc.records("snap-before-snapshot") if r["function"] == lc.fn("SnapFn").name] == [
        {"function": lc.fn("SnapFn").name}]  # before-snapshot hooks ran once, in the snapshot
    assert a["restored"] == [a["pid"]] and b["restored"] == [b["pid"]]  # each ran the after-restore hooks

    assert a["id"] != b["id"]
    assert a["jitter"] != b["jitter"]

    again = lc.cloud.invoker.invoke("SnapFn", {})
    assert not again.cold_start and again.json()["pid"] in (a["pid"], b["pid"])  # a warm worker answered
    assert again.json()["restored"] == [again.json()["pid"]]  # hooks run once per restore, not per call
    stats = lc.cloud.invoker.stats()["SnapFn"]
    assert stats["snap_start"] and stats["restores"] == 2 and stats["cold_starts"] == 2
    assert stats["init_ms"] > 0 and stats["restore_ms"] is not None
    page = httpx.get(f"{lc.url}/_local/resources", timeout=10).text
    assert f"init {stats['init_ms']:.0f} ms, 2 restored" in page


def test_without_hooks_restored_workers_repeat_the_snapshot(lc: Running) -> None:
    first, second = together(lc, "SnapNoHooksFn")
    a, b = first.json(), second.json()
    assert a["pid"] != b["pid"]
    assert a["id"] == b["id"]  # both went on from the snapshot's newest id
    assert a["jitter"] == b["jitter"]  # and from its random state


def test_a_restored_worker_sees_the_published_version(lc: Running) -> None:
    answer = lc.cloud.invoker.invoke("SnapFn", {}).json()
    assert answer["version"] == "1" and answer["arn"] == f"{lc.fn('SnapFn').arn}:live"
    assert answer["initialization_type"] == "snap-start"
    assert answer["log_group_variable"] is None  # Lambda does not set it for SnapStart functions
    plain = lc.cloud.invoker.invoke("ColdFn", {}).json()["env"]
    assert plain["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST" and plain["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"


def test_connections_opened_during_init_are_closed_after_a_restore(lc: Running) -> None:
    """As after a real restore; and two workers must never share the snapshot's connection."""
    assert lc.cloud.invoker.invoke("SnapFn", {"action": "connection"}).json()["stale_connection"] is True


def test_a_timeout_kills_only_the_restored_worker(lc: Running) -> None:
    started = time.perf_counter()
    result = lc.cloud.invoker.invoke("SnapFn", {"hold": 3})  # Timeout: 2
    assert result.error_type == "Sandbox.Timedout"
    assert "Task timed out after 2.00 seconds" in result.json()["errorMessage"]
    assert time.perf_counter() - started < 3.5

    busy = [lc.cloud.invoker.invoke("SnapFn", {"hold": 0}) for _ in range(3)]
    assert [r.function_error for r in busy] == [None] * 3
    assert inits(lc, "SnapFn") == 1  # still the one snapshot


def test_an_exit_is_a_runtime_exit_error_with_its_status(lc: Running) -> None:
    result = lc.cloud.invoker.invoke("SnapFn", {"action": "exit"})
    assert result.error_type == "Runtime.ExitError"
    assert "exit status 3" in result.json()["errorMessage"]
    assert lc.cloud.invoker.invoke("SnapFn", {}).function_error is None


def test_restored_workers_logs_are_forwarded(lc: Running) -> None:
    assert lc.cloud.invoker.invoke("SnapFn", {"action": "print"}).function_error is None
    wait_until(lambda: any("[SnapFn] restored worker speaking" in line for line in lc.logs), timeout=5,
               what="the restored worker's print in the log")


def test_a_failing_after_restore_hook_is_answered(lc: Running) -> None:
    result = lc.cloud.invoker.invoke("SnapFailingHookFn", {})
    assert result.error_type == "SnapStartException"
    assert "refresh_settings failed: the settings store is unreachable" in result.json()["errorMessage"]


def test_an_import_error_in_the_snapshot_is_answered(lc: Running) -> None:
    for _ in range(2):
        result = lc.cloud.invoker.invoke("SnapBrokenFn", {})
        assert result.error_type == "Runtime.ImportModuleError"


def test_the_gateway_reaches_a_snapstart_function(lc: Running) -> None:
    response = httpx.get(f"{lc.url}/snap", timeout=10)
    assert response.status_code == 200 and response.json()["id"].startswith("snap_")


def test_closing_while_a_snapshot_initialises_is_prompt(lc: Running) -> None:
    """Ctrl-C right after start: the snapshots still initialising are stopped, not awaited."""
    invoker = Invoker(lc.cloud.template, dict(lc.cloud.invoker.common_env), log=lambda _line: None)
    pool = invoker._pools["SnapFn"]
    pool.env = {**pool.environment(), "INIT_SECONDS": "30"}

    def publish() -> None:
        with contextlib.suppress(_InitFailed):  # what a snapshot killed in its init answers
            pool.ready_snapshot()

    publishing = threading.Thread(target=publish)
    publishing.start()
    snapshot = wait_until(lambda: pool.snapshot, timeout=10, what="the snapshot process")
    started = time.perf_counter()
    invoker.close()
    assert time.perf_counter() - started < 3
    assert snapshot.process.poll() is not None
    publishing.join(timeout=5)
    assert not publishing.is_alive() and pool.snapshot is None
