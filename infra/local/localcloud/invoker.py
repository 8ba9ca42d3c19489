"""Invoke the template's functions as Lambda does: one warm worker pool per function.

A function's first invocation starts a worker (the cold start); it stays warm for the next ones.
Concurrent invocations get more workers, up to a limit, then queue. A timeout kills the worker and
answers Lambda's own timeout error; a crash answers Runtime.ExitError. Nothing here blocks forever.

A SnapStart function is initialised once, in a snapshot process (localcloud.worker.Snapshot); each of
its workers is forked from it and runs the after-restore hooks before its first invocation, so state
the snapshot holds (ids, random state, caches) is shared by every worker exactly as on Lambda.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from localcloud.template import FunctionDef, Template
from localcloud.worker import read_frame, write_frame

INIT_SECONDS = 10.0  # Lambda's init phase (importing the handler) has its own allowance
SNAPSHOT_INIT_SECONDS = 130.0  # SnapStart's init at publishing: 130 s, or the function's timeout if longer
RESTORE_SECONDS = 10.0  # restoring a SnapStart environment, after-restore hooks included
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
    cold_starts: int = 0  # new workers: started, or restored from the snapshot
    warm_workers: int = 0
    last_invoked_at: float | None = None
    last_error: str | None = None
    snap_start: bool = False
    init_ms: float | None = None  # the last init: importing the handler (and before-snapshot hooks)
    restores: int = 0
    restore_ms: float | None = None  # the last restore: after-restore hooks


class _InitFailed(Exception):
    """A new environment did not come up: `timed_out` after `seconds`, or exited with `code`."""

    def __init__(self, timed_out: bool, seconds: float, code: int | None) -> None:
        super().__init__("timed out" if timed_out else f"exit status {code}")
        self.timed_out, self.seconds, self.code = timed_out, seconds, code


def _start(fn: FunctionDef, env: dict[str, str], log: Callable[[str], None], *args: str,
           **streams: Any) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-m", "localcloud.worker", *args], stderr=subprocess.PIPE,
                               env=env, cwd=str(fn.code_dir), **streams)

    def forward_logs() -> None:  # a snapshot's restored workers write to the same stream
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                log(f"[{fn.logical_id}] {line}")

    threading.Thread(target=forward_logs, daemon=True).start()
    return process


def _read_ready(reader: IO[bytes], seconds: float) -> tuple[bool, bytes | None]:
    """(timed out, the ready frame or None when the worker exited)."""
    ready: dict[str, bytes | None] = {}
    thread = threading.Thread(target=lambda: ready.update(frame=read_frame(reader)), daemon=True)  # type: ignore[arg-type]
    thread.start()
    thread.join(seconds)
    return thread.is_alive(), ready.get("frame")


class _Worker:
    """A worker process of its own (functions without SnapStart)."""

    boot_seconds = INIT_SECONDS

    def __init__(self, fn: FunctionDef, env: dict[str, str], log: Callable[[str], None]) -> None:
        self.process = _start(fn, env, log, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.writer: IO[bytes] = self.process.stdin
        self.reader: IO[bytes] = self.process.stdout

    def alive(self) -> bool:
        return self.process.poll() is None

    def exit_code(self, timeout: float) -> int | None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self.process.wait(timeout=timeout)
        return None

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.exit_code(5)


class _RestoredWorker:
    """A worker forked from its function's snapshot; it talks over its own socket."""

    boot_seconds = RESTORE_SECONDS

    def __init__(self, snapshot: _Snapshot, pid: int, channel: socket.socket) -> None:
        self.snapshot, self.pid, self.channel = snapshot, pid, channel
        self.writer: IO[bytes] = channel.makefile("wb")
        self.reader: IO[bytes] = channel.makefile("rb")

    def alive(self) -> bool:
        return self.snapshot.running(self.pid)

    def exit_code(self, timeout: float) -> int | None:
        return self.snapshot.wait(self.pid, timeout)

    def kill(self) -> None:
        if self.alive():
            self.snapshot.kill(self.pid)
        self.exit_code(5)
        for stream in (self.writer, self.reader, self.channel):
            with contextlib.suppress(OSError):
                stream.close()


class _Snapshot:
    """A SnapStart function's initialised process (localcloud.worker.Snapshot) and its control socket."""

    def __init__(self, fn: FunctionDef, env: dict[str, str], log: Callable[[str], None]) -> None:
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = _start(fn, env, log, "--snapshot", stdin=theirs, stdout=subprocess.DEVNULL)
        theirs.close()
        self.lock = threading.Lock()  # one fork request at a time
        self.replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.exits: dict[int, int | None] = {}  # pid -> exit status (None: the snapshot itself is gone)
        self.forked: set[int] = set()
        self.changed = threading.Condition()
        self.gone = False
        self.initialised = False
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        while True:
            try:
                message = self.control.recv(4096)
            except OSError:
                message = b""
            if not message:
                with self.changed:
                    self.gone = True
                    self.exits.update({pid: None for pid in self.forked if pid not in self.exits})
                    self.changed.notify_all()
                self.replies.put(None)
                return
            reply = json.loads(message)
            if "exited" in reply:
                with self.changed:
                    self.exits[reply["exited"]] = reply["status"]
                    self.changed.notify_all()
            else:
                self.replies.put(reply)

    def wait_ready(self, seconds: float) -> dict[str, Any]:
        try:
            ready = self.replies.get(timeout=seconds)
        except queue.Empty:
            raise _InitFailed(True, seconds, None) from None
        if ready is None:
            raise _InitFailed(False, seconds, self.process.wait(timeout=5))
        self.initialised = True
        return ready

    def restore(self) -> _RestoredWorker:
        ours, theirs = socket.socketpair()
        with self.lock:
            try:
                socket.send_fds(self.control, [b'{"fork": true}'], [theirs.fileno()])
                reply = self.replies.get(timeout=RESTORE_SECONDS)
            except (OSError, queue.Empty):
                reply = None
            finally:
                theirs.close()
        if reply is None:
            ours.close()
            raise _InitFailed(False, RESTORE_SECONDS, self.process.poll())
        with self.changed:
            self.forked.add(reply["forked"])
        return _RestoredWorker(self, reply["forked"], ours)

    def running(self, pid: int) -> bool:
        with self.changed:
            return pid not in self.exits

    def wait(self, pid: int, timeout: float) -> int | None:
        with self.changed:
            self.changed.wait_for(lambda: pid in self.exits, timeout)
            return self.exits.get(pid)

    def kill(self, pid: int) -> None:
        with contextlib.suppress(OSError):
            self.control.send(json.dumps({"kill": pid}).encode())

    def close(self) -> None:
        """The snapshot goes, and with it every worker restored from it (the process kills them)."""
        with contextlib.suppress(OSError):
            self.control.shutdown(socket.SHUT_RDWR)
        self.control.close()
        if self.initialised:  # it kills its restored workers, then ends; one still initialising has none
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)


type Worker = _Worker | _RestoredWorker


class _Pool:
    def __init__(self, invoker: Invoker, fn: FunctionDef, limit: int) -> None:
        self.invoker = invoker
        self.fn = fn
        self.limit = limit
        self.idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self.lock = threading.Lock()
        self.count = 0
        self.env: dict[str, str] | None = None
        self.stats = FunctionStats(snap_start=fn.snap_start)
        self.snapshot: _Snapshot | None = None
        self.snapshot_lock = threading.Lock()

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
                "AWS_LAMBDA_FUNCTION_VERSION": "1" if self.fn.alias else "$LATEST",
                "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start" if self.fn.snap_start else "on-demand",
                "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
                "LAMBDA_TASK_ROOT": str(self.fn.code_dir),
                "LOCALCLOUD_FUNCTION_ARN": self.fn.invoked_arn,
                "LOCALCLOUD_SYS_PATH": sys_path,
                "PYTHONPATH": os.pathsep.join([sys_path, _localcloud_path()]),
                "PYTHONUNBUFFERED": "1",
                "_HANDLER": self.fn.handler,
            }
            if not self.fn.snap_start:  # Lambda does not set it for SnapStart functions
                self.env["AWS_LAMBDA_LOG_GROUP_NAME"] = f"/aws/lambda/{self.fn.name}"
        return self.env

    def acquire(self) -> tuple[Worker, bool]:
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

    def _try_acquire(self) -> tuple[Worker | None, bool]:
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                break
            if worker.alive():
                return worker, False
            self._retire(worker)
        with self.lock:
            if self.count >= self.limit:
                return None, False
            self.count += 1
            self.stats.cold_starts += 1
        try:
            return self._new_worker(), True
        except BaseException:
            with self.lock:
                self.count -= 1
            raise

    def _new_worker(self) -> Worker:
        if not self.fn.snap_start:
            return _Worker(self.fn, self.environment(), self.invoker.log)
        snapshot = self.ready_snapshot()
        self.stats.restores += 1
        return snapshot.restore()

    def ready_snapshot(self) -> _Snapshot:
        """The function's snapshot, initialised now if it is not yet (a caller meanwhile waits for it)."""
        with self.snapshot_lock:
            if self.snapshot is None or self.snapshot.gone:
                if self.snapshot is not None:
                    self.snapshot.close()
                self.snapshot = _Snapshot(self.fn, self.environment(), self.invoker.log)
                try:
                    ready = self.snapshot.wait_ready(max(SNAPSHOT_INIT_SECONDS, self.fn.timeout))
                except _InitFailed:
                    self.snapshot.close()
                    self.snapshot = None
                    raise
                self.stats.init_ms = ready["init_ms"]
            return self.snapshot

    def release(self, worker: Worker) -> None:
        if worker.alive():
            self.idle.put(worker)
        else:
            self._retire(worker)

    def _retire(self, worker: Worker) -> None:
        worker.kill()
        with self.lock:
            self.count -= 1

    def discard(self, worker: Worker) -> None:
        self._retire(worker)

    def close(self) -> None:
        while True:
            try:
                self.idle.get_nowait().kill()
            except queue.Empty:
                break
        initialising = self.snapshot
        if initialising is not None and not initialising.initialised:
            initialising.process.kill()  # its init ends now, and with it the wait that holds the lock
        with self.snapshot_lock:
            if self.snapshot is not None:
                self.snapshot.close()
                self.snapshot = None
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
        self._closing = threading.Event()
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
        pool.stats.invocations += 1
        pool.stats.last_invoked_at = time.time()
        try:
            worker, cold = pool.acquire()
            if cold:  # the init (or restore) phase has its own allowance; the function's Timeout starts after it
                timed_out, frame = _read_ready(worker.reader, worker.boot_seconds)
                if timed_out or frame is None:
                    code = worker.exit_code(0)
                    pool.discard(worker)
                    raise _InitFailed(timed_out, worker.boot_seconds, code)
                if isinstance(worker, _RestoredWorker):
                    pool.stats.restore_ms = json.loads(frame).get("restore_ms")
        except _InitFailed as failed:
            duration = (time.perf_counter() - started) * 1000
            if failed.timed_out:
                return self._failure(pool, request_id, duration, True, "Sandbox.Timedout",
                                     f"{request_id} Init timed out after {failed.seconds:.2f} seconds")
            return self._failure(pool, request_id, duration, True, "Runtime.ExitError", f"RequestId: {request_id} "
                                 f"Error: Runtime exited during init: exit status {failed.code}")
        deadline = time.time() + fn.timeout
        request = json.dumps({"event": event, "request_id": request_id, "deadline_ms": deadline * 1000,
                              "client_context": client_context}, default=str).encode()
        outcome: dict[str, Any] = {}

        def exchange() -> None:
            try:
                write_frame(worker.writer, request)  # type: ignore[arg-type]
                outcome["frame"] = read_frame(worker.reader)  # type: ignore[arg-type]
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
            code = worker.exit_code(2)  # the channel closed: the process is exiting; name its exit status
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

    def publish_snapshots(self) -> None:
        """As Lambda initialises a SnapStart function when its version is published: each snapshot is made
        in the background, one at a time, so that a first invocation restores instead of waiting for init
        (one that comes sooner makes the snapshot itself)."""

        def initialise() -> None:
            for pool in self._pools.values():
                if self._closing.is_set():
                    return
                if pool.fn.snap_start:
                    with contextlib.suppress(_InitFailed):  # its first invocation answers the failure
                        pool.ready_snapshot()

        threading.Thread(target=initialise, daemon=True).start()

    def recycle(self, function: str) -> None:
        """Retire the function's idle workers (a SnapStart function keeps its snapshot): its next
        invocation starts, or restores, a new environment."""
        pool = self._pools[self.resolve(function)]
        while True:
            try:
                pool.discard(pool.idle.get_nowait())
            except queue.Empty:
                return

    def invalidate(self) -> None:
        for pool in self._pools.values():
            pool.close()
            pool.env = None

    def close(self) -> None:
        self._closing.set()  # the snapshots still to publish are not
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
