"""The invoker: one worker process per function, with only that function's environment."""

from __future__ import annotations

import os
import threading
import time

import pytest

from .conftest import Running


def test_environment_is_isolated_per_function(lc: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_STRAY_PARENT_VARIABLE", "leaked")
    a = lc.cloud.invoker.invoke("EnvAFn", {}).json()["env"]
    b = lc.cloud.invoker.invoke("EnvBFn", {}).json()["env"]

    assert a["A_ONLY"] == "a-secret" and "B_ONLY" not in a
    assert b["B_ONLY"] == "b-secret" and "A_ONLY" not in b
    assert "LC_STRAY_PARENT_VARIABLE" not in a and "LC_STRAY_PARENT_VARIABLE" not in b
    # Globals plus the function's own variables, intrinsics resolved against provisioned names.
    assert a["RECORD_DIR"] == b["RECORD_DIR"] == str(lc.record_dir)
    assert a["QUEUE_NAME"] == lc.cloud.template.queues["WorkQueue"].name  # type: ignore[union-attr]
    assert b["TABLE"] == lc.cloud.template.tables["Items"].name  # type: ignore[union-attr]
    assert a["AWS_LAMBDA_FUNCTION_NAME"] == lc.fn("EnvAFn").name
    assert a["AWS_ENDPOINT_URL"] == lc.aws


def test_cold_then_warm(lc: Running) -> None:
    first = lc.cloud.invoker.invoke("ColdFn", {})
    second = lc.cloud.invoker.invoke("ColdFn", {})
    assert (first.cold_start, second.cold_start) == (True, False)
    assert first.json()["pid"] == second.json()["pid"]  # the same warm worker answered
    stats = lc.cloud.invoker.stats()["ColdFn"]
    assert stats["invocations"] == 2 and stats["cold_starts"] == 1 and stats["warm_workers"] == 1


def test_concurrent_invocations_run_in_parallel(lc: Running) -> None:
    results: list = []

    def call() -> None:
        results.append(lc.cloud.invoker.invoke("ParallelFn", {"sleep": 0.5}))

    started = time.perf_counter()
    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    assert [r.function_error for r in results] == [None] * 4
    assert len({r.json()["pid"] for r in results}) == 4  # four workers, one per concurrent call
    assert elapsed < 1.6, f"4 x 0.5 s in parallel took {elapsed:.2f} s"


def test_import_error_is_reported(lc: Running) -> None:
    result = lc.cloud.invoker.invoke("BrokenFn", {})
    assert result.function_error == "Unhandled"
    assert result.error_type == "Runtime.ImportModuleError"
    assert "lc_fns_module_that_does_not_exist" in result.json()["errorMessage"]


def test_missing_handler_attribute(lc: Running) -> None:
    result = lc.cloud.invoker.invoke("MissingAttrFn", {})
    assert result.error_type == "Runtime.HandlerNotFound"
    assert "no_such_handler" in result.json()["errorMessage"]


def test_custom_exception_type_is_the_error_type(lc: Running) -> None:
    result = lc.cloud.invoker.invoke("ErrorFn", {"action": "raise"})
    body = result.json()
    assert result.function_error == "Unhandled"
    assert body["errorType"] == "QuotaExceeded"
    assert body["errorMessage"] == "plan limit of 3 seats reached"
    assert any("QuotaExceeded" in line for line in body["stackTrace"])
    # The worker survives a handled exception: the next call is warm.
    assert lc.cloud.invoker.invoke("ErrorFn", {"action": "ok"}).cold_start is False


def test_timeout_kills_the_worker_and_the_next_call_works(lc: Running) -> None:
    started = time.perf_counter()
    result = lc.cloud.invoker.invoke("SlowFn", {"sleep": 3})  # Timeout: 1, even on a cold start
    elapsed = time.perf_counter() - started
    assert result.error_type == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in result.json()["errorMessage"]
    assert elapsed < 2.5, f"a 1 s timeout answered after {elapsed:.2f} s"

    again = lc.cloud.invoker.invoke("SlowFn", {"sleep": 0})
    assert again.function_error is None and again.json()["slept"] == 0
    assert again.cold_start is True  # the timed-out worker was killed


def test_sys_exit_is_a_runtime_exit_error(lc: Running) -> None:
    result = lc.cloud.invoker.invoke("ExitFn", {"action": "exit"})
    assert result.error_type == "Runtime.ExitError"
    assert "exit status 3" in result.json()["errorMessage"]
    assert lc.cloud.invoker.invoke("ExitFn", {"action": "ok"}).json() == {"action": "ok"}


def test_handler_output_does_not_corrupt_the_protocol(lc: Running) -> None:
    for _ in range(2):  # cold and warm
        result = lc.cloud.invoker.invoke("ErrorFn", {"action": "print"})
        assert result.function_error is None
        assert result.json() == {"printed": True}
    assert lc.cloud.invoker.invoke("ErrorFn", {"action": "ok"}).json() == {"action": "ok"}

    def logged() -> bool:
        text = "\n".join(lc.logs)
        return all(s in text for s in ("hello from print", "direct stdout write", "raw fd write"))

    deadline = time.monotonic() + 5
    while not logged() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert logged(), "handler output is forwarded to the log"


def test_unknown_function(lc: Running) -> None:
    from localcloud.invoker import FunctionNotFound

    with pytest.raises(FunctionNotFound):
        lc.cloud.invoker.invoke("NoSuchFn", {})
    assert os.environ.get("LC_STRAY_PARENT_VARIABLE") is None


def test_a_queued_call_gets_a_worker_when_busy_workers_time_out(lc: Running) -> None:
    """Five concurrent calls, four workers at most: the fifth waits, and must not wait forever when
    the four busy workers are killed by their timeout instead of coming back."""
    results: list = []

    def call() -> None:
        results.append(lc.cloud.invoker.invoke("SlowFn", {"sleep": 3}))

    threads = [threading.Thread(target=call, daemon=True) for _ in range(5)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(results) == 5, f"only {len(results)} of 5 calls returned within {time.perf_counter() - started:.1f} s"
    assert {r.error_type for r in results} == {"Sandbox.Timedout"}
