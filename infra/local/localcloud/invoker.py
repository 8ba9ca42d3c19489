"""Invoke the template's functions as Lambda does: one warm worker pool per function.

A function's first invocation starts a worker (the cold start); it stays warm for the next ones.
Concurrent invocations get more workers, up to a limit, then queue. A timeout kills the worker and
answers Lambda's own timeout error; a crash answers Runtime.ExitError. Nothing here blocks forever.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from localcloud.template import FunctionDef, Template
from localcloud.worker import read_frame, write_frame

INIT_SECONDS = 10.0  # Lambda's init phase (importing the handler) has its own allowance
# Variables a worker inherits from the host; everything else comes from the function's own config.
_HOST_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "VIRTUAL_ENV", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


class FunctionNotFound(Exception):
    pass


@dataclass
class InvokeResult:
    status_code: int
    payload: bytes
    function_error: str | None
    duration_ms: float
    cold_start: bool
    request_id: str

    def json(self) -> Any:
        return json.loads(self.payload) if self.payload else None

    @property
    def error_type(self) -> str | None:
        if not self.function_error:
            return None
        try:
            return str(json.loads(self.payload).get("errorType"))
        except (ValueError, AttributeError):
            return None


@dataclass
class FunctionStats:
    invocations: int = 0
    errors: int = 0
    cold_starts: int = 0
    warm_workers: int = 0
    last_invoked_at: float | None = None
    last_error: str | None = None


class _Worker:
    def __init__(self, fn: FunctionDef, env: dict[str, str], log: Callable[[str], None]) -> None:
        self.fn = fn
        self.process = subprocess.Popen(
            [sys.executable, "-m", "localcloud.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            cwd=str(fn.code_dir),
        )
        self.fresh = True
        threading.Thread(target=self._forward_logs, args=(log,), daemon=True).start()

    def _forward_logs(self, log: Callable[[str], None]) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                log(f"[{self.fn.logical_id}] {line}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


class _Pool:
    def __init__(self, invoker: Invoker, fn: FunctionDef, limit: int) -> None:
        self.invoker = invoker
        self.fn = fn
        self.limit = limit
        self.idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self.lock = threading.Lock()
        self.count = 0
        self.env: dict[str, str] | None = None
        self.stats = FunctionStats()

    def environment(self) -> dict[str, str]:
        if self.env is None:
            own = self.invoker.template.environment(self.fn.logical_id)
            host = {k: os.environ[k] for k in _HOST_VARIABLES if k in os.environ}
            sys_path = os.pathsep.join([str(self.fn.code_dir), *map(str, self.fn.layer_dirs)])
            self.env = {
                **host, **self.invoker.common_env, **own,
                "AWS_LAMBDA_FUNCTION_NAME": self.fn.name,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.fn.memory),
                "AWS_LAMBDA_FUNCTION_TIMEOUT": str(self.fn.timeout),
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.fn.name}",
                "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
                "LAMBDA_TASK_ROOT": str(self.fn.code_dir),
                "LOCALCLOUD_FUNCTION_ARN": self.fn.arn,
                "LOCALCLOUD_SYS_PATH": sys_path,
                "PYTHONPATH": os.pathsep.join([sys_path, _localcloud_path()]),
                "PYTHONUNBUFFERED": "1",
                "_HANDLER": self.fn.handler,
            }
        return self.env

    def acquire(self) -> tuple[_Worker, bool]:
        while True:
            worker, cold = self._try_acquire()
            if worker is not None:
                return worker, cold
            # Every worker is busy: wait for one to come back, or for a slot a killed worker freed.
            try:
                worker = self.idle.get(timeout=0.05)
            except queue.Empty:
                continue
            if worker.alive():
                return worker, False
            self._retire(worker)

    def _try_acquire(self) -> tuple[_Worker | None, bool]:
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                break
            if worker.alive():
                return worker, False
            self._retire(worker)
        with self.lock:
            if self.count < self.limit:
                self.count += 1
                self.stats.cold_starts += 1
                try:
                    return _Worker(self.fn, self.environment(), self.invoker.log), True
                except BaseException:
                    self.count -= 1
                    raise
        return None, False

    def release(self, worker: _Worker) -> None:
        if worker.alive():
            self.idle.put(worker)
        else:
            self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self.lock:
            self.count -= 1

    def discard(self, worker: _Worker) -> None:
        self._retire(worker)

    def close(self) -> None:
        while True:
            try:
                self.idle.get_nowait().kill()
            except queue.Empty:
                break
        self.count = 0


def _localcloud_path() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Invoker:
    def __init__(self, template: Template, common_env: dict[str, str], log: Callable[[str], None] = print,
                 max_workers_per_function: int = 4) -> None:
        self.template = template
        self.common_env = common_env  # shared by reference: the cloud adds the endpoint once it knows it
        self.log = log
        self._pools = {logical: _Pool(self, fn, max_workers_per_function)
                       for logical, fn in template.functions.items()}
        self._by_name = {fn.name: logical for logical, fn in template.functions.items()}
        atexit.register(self.close)

    def resolve(self, function: str) -> str:
        name = function
        if name.startswith("arn:"):
            parts = name.split(":")
            name = parts[6] if len(parts) > 6 else name
        else:
            name = name.split(":", 1)[0]
        if name in self._pools:
            return name
        if name in self._by_name:
            return self._by_name[name]
        raise FunctionNotFound(f"Function not found: {function}")

    def function_environment(self, logical_id: str) -> dict[str, str]:
        """Exactly what the function's processes get (for tools that run as that function, e.g. seeds)."""
        return dict(self._pools[logical_id].environment())

    def invoke(self, function: str, payload: Any = None, *, invocation_type: str = "RequestResponse",
               client_context: Any = None) -> InvokeResult:
        logical = self.resolve(function)
        request_id = str(uuid.uuid4())
        event = _as_event(payload)
        if invocation_type == "DryRun":
            return InvokeResult(204, b"", None, 0.0, False, request_id)
        if invocation_type == "Event":
            threading.Thread(target=self._run, args=(logical, event, request_id, client_context),
                             daemon=True).start()
            return InvokeResult(202, b"", None, 0.0, False, request_id)
        return self._run(logical, event, request_id, client_context)

    def _run(self, logical: str, event: Any, request_id: str, client_context: Any) -> InvokeResult:
        pool = self._pools[logical]
        fn = pool.fn
        started = time.perf_counter()
        worker, cold = pool.acquire()
        pool.stats.invocations += 1
        pool.stats.last_invoked_at = time.time()
        if cold:  # Lambda's init phase has its own 10 s allowance; the function's Timeout starts after it
            ready: dict[str, Any] = {}
            init = threading.Thread(target=lambda: ready.update(frame=read_frame(worker.process.stdout)),  # type: ignore[arg-type]
                                    daemon=True)
            init.start()
            init.join(INIT_SECONDS)
            if init.is_alive() or ready.get("frame") is None:
                code = worker.process.poll()
                pool.discard(worker)
                duration = (time.perf_counter() - started) * 1000
                if init.is_alive():
                    return self._failure(pool, request_id, duration, cold, "Sandbox.Timedout",
                                         f"{request_id} Init timed out after {INIT_SECONDS:.2f} seconds")
                return self._failure(pool, request_id, duration, cold, "Runtime.ExitError",
                                     f"RequestId: {request_id} Error: Runtime exited during init: exit status {code}")
        deadline = time.time() + fn.timeout
        request = json.dumps({"event": event, "request_id": request_id, "deadline_ms": deadline * 1000,
                              "client_context": client_context}, default=str).encode()
        outcome: dict[str, Any] = {}

        def exchange() -> None:
            try:
                assert worker.process.stdin is not None and worker.process.stdout is not None
                write_frame(worker.process.stdin, request)  # type: ignore[arg-type]
                outcome["frame"] = read_frame(worker.process.stdout)  # type: ignore[arg-type]
            except (OSError, ValueError) as exc:
                outcome["exc"] = exc

        thread = threading.Thread(target=exchange, daemon=True)
        thread.start()
        thread.join(fn.timeout)
        duration = (time.perf_counter() - started) * 1000
        if thread.is_alive():
            pool.discard(worker)
            thread.join(5)
            return self._failure(pool, request_id, duration, cold, "Sandbox.Timedout",
                                 f"{request_id} Task timed out after {fn.timeout:.2f} seconds")
        frame = outcome.get("frame")
        if frame is None:
            try:  # stdout closed: the process is exiting; wait so the message names its exit status
                code: int | None = worker.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
            pool.discard(worker)
            return self._failure(pool, request_id, duration, cold, "Runtime.ExitError",
                                 f"RequestId: {request_id} Error: Runtime exited with error: exit status {code}")
        pool.release(worker)
        reply = json.loads(frame)
        if "error" in reply:
            error = reply["error"]
            return self._failure(pool, request_id, duration, cold, error["errorType"], error["errorMessage"],
                                 error.get("stackTrace"))
        payload = json.dumps(reply["result"]).encode()
        return InvokeResult(200, payload, None, duration, cold, request_id)

    def _failure(self, pool: _Pool, request_id: str, duration: float, cold: bool, error_type: str, message: str,
                 trace: list[str] | None = None) -> InvokeResult:
        pool.stats.errors += 1
        pool.stats.last_error = f"{error_type}: {message}"
        self.log(f"localcloud: {pool.fn.logical_id} request {request_id} failed: {error_type}: {message}")
        body = {"errorMessage": message, "errorType": error_type, "stackTrace": trace or []}
        return InvokeResult(200, json.dumps(body).encode(), "Unhandled", duration, cold, request_id)

    def stats(self) -> dict[str, dict[str, Any]]:
        out = {}
        for logical, pool in self._pools.items():
            data = pool.stats.__dict__.copy()
            data["warm_workers"] = pool.idle.qsize()
            out[logical] = data
        return out

    def invalidate(self) -> None:
        for pool in self._pools.values():
            pool.close()
            pool.env = None

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()


def _as_event(payload: Any) -> Any:
    if payload is None or payload == b"" or payload == "":
        return {}
    if isinstance(payload, (bytes, bytearray)):
        return json.loads(payload)
    if isinstance(payload, str):
        return json.loads(payload)
    return payload
