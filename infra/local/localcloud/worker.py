"""The process one function runs in, as a Lambda execution environment would.

Started by the invoker with only the function's own environment. It imports the handler once (the
cold start), then answers invocations framed on stdin/stdout: a 4-byte big-endian length and a
JSON document each way. The handler's own prints go to stderr, which the invoker forwards to the log.

A SnapStart function's process (`--snapshot`) is the snapshot instead: it imports the handler and runs
the before-snapshot hooks once, then only forks. Each child is a restored environment: it runs the
after-restore hooks and answers invocations on the socket the invoker passed with the fork request.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import select
import signal
import socket
import stat
import struct
import sys
import time
import traceback
from typing import Any, BinaryIO


class LambdaContext:
    def __init__(self, request_id: str, deadline_ms: float, client_context: Any = None) -> None:
        name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
        self.function_name = name
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = os.environ.get("LOCALCLOUD_FUNCTION_ARN", name)
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "local"
        self.client_context = client_context
        self.identity = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_ms - time.time() * 1000))


def read_frame(stream: BinaryIO) -> bytes | None:
    header = stream.read(4)
    if len(header) < 4:
        return None
    (size,) = struct.unpack(">I", header)
    return stream.read(size)


def write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(struct.pack(">I", len(payload)) + payload)
    stream.flush()


def error_payload(error_type: str, message: str, trace: list[str] | None = None) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "stackTrace": trace or []}


def load_handler(spec: str) -> tuple[Any, dict[str, Any] | None]:
    module_name, _, attr = spec.rpartition(".")
    if not module_name:
        return None, error_payload("Runtime.MalformedHandlerName", f"Bad handler '{spec}': not enough values")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        return None, error_payload(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}",
            traceback.format_exception(exc)[-5:],
        )
    handler = getattr(module, attr, None)
    if handler is None:
        return None, error_payload("Runtime.HandlerNotFound", f"Handler '{attr}' missing on module '{module_name}'")
    return handler, None


def serve(handler: Any, init_error: dict[str, Any] | None, channel_in: BinaryIO, channel_out: BinaryIO) -> None:
    """Answer invocations until the invoker closes the channel."""
    while True:
        frame = read_frame(channel_in)
        if frame is None:
            return
        request = json.loads(frame)
        if init_error is not None:
            write_frame(channel_out, json.dumps({"error": init_error}).encode())
            continue
        context = LambdaContext(request["request_id"], request["deadline_ms"], request.get("client_context"))
        try:
            result = handler(request["event"], context)
            body = json.dumps({"result": result}, default=str).encode()
        except Exception as exc:
            trace = traceback.format_exception(exc)
            print(f"[ERROR] {type(exc).__name__}: {exc}\n{''.join(trace[-6:])}", file=sys.stderr, flush=True)
            body = json.dumps({"error": error_payload(type(exc).__name__, str(exc), trace[-10:])}).encode()
        write_frame(channel_out, body)


def main() -> None:
    # Ctrl-C in a terminal reaches the whole process group: stopping workers is the cloud's job (it closes them
    # in order), and a traceback from each one would bury its "stopped".
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The protocol owns the real stdout; anything the handler prints goes to stderr.
    channel_in = sys.stdin.buffer
    channel_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    sys.path[:0] = [p for p in os.environ.get("LOCALCLOUD_SYS_PATH", "").split(os.pathsep) if p]
    if "--snapshot" in sys.argv:
        Snapshot(socket.socket(fileno=0)).run()
        return
    handler, init_error = load_handler(os.environ["_HANDLER"])
    write_frame(channel_out, b'{"ready": true}')  # init is over: the invoker times invocations from here
    serve(handler, init_error, channel_in, channel_out)


# --- SnapStart ----------------------------------------------------------------------------------------


def run_hooks(phase: str) -> dict[str, Any] | None:
    """snapshot-restore-py's hooks as Lambda runs them: before the snapshot in reverse order of
    registration, after a restore in order. A failing hook is the environment's error."""
    try:
        import snapshot_restore_py
    except ImportError:  # a function that registers no hooks need not have the library
        return None
    if phase == "before snapshot":
        hooks = list(reversed(snapshot_restore_py.get_before_snapshot()))
    else:
        hooks = list(snapshot_restore_py.get_after_restore())
    for func, args, kwargs in hooks:
        try:
            func(*args, **kwargs)
        except Exception as exc:
            trace = traceback.format_exception(exc)
            name = getattr(func, "__qualname__", repr(func))
            print(f"[ERROR] {phase} hook {name}: {exc}\n{''.join(trace[-6:])}", file=sys.stderr,
                  flush=True)
            return error_payload("SnapStartException", f"The {phase} hook {name} failed: {exc}",
                                 trace[-10:])
    return None


class Snapshot:
    """The initialised environment of a SnapStart function. The invoker sends `fork` with a socket
    (SCM_RIGHTS) for each new worker and `kill <pid>`; this process answers `forked` and, when a
    child ends, `exited` with its status. It never runs the handler itself."""

    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.children: dict[int, int] = {}  # pidfd -> pid

    def run(self) -> None:
        started = time.perf_counter()
        handler, init_error = load_handler(os.environ["_HANDLER"])
        if init_error is None:
            init_error = run_hooks("before snapshot")
        self.send({"ready": True, "init_ms": round((time.perf_counter() - started) * 1000, 1)})
        while True:
            readable, _, _ = select.select([self.control.fileno(), *self.children], [], [])
            for ready in readable:
                if ready != self.control.fileno():
                    pid = self.children.pop(ready)
                    os.close(ready)
                    _, status = os.waitpid(pid, 0)
                    self.send({"exited": pid, "status": os.waitstatus_to_exitcode(status)})
                    continue
                message, fds, _, _ = socket.recv_fds(self.control, 1024, 1)
                if not message:  # the invoker is gone: so are the environments restored from here
                    for pidfd in self.children:
                        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
                    return
                command = json.loads(message)
                if command.get("kill") is not None:
                    for pidfd in [fd for fd, pid in self.children.items() if pid == command["kill"]]:
                        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
                elif fds:
                    self.fork(socket.socket(fileno=fds[0]), handler, init_error)

    def send(self, message: dict[str, Any]) -> None:
        self.control.send(json.dumps(message).encode())

    def fork(self, channel: socket.socket, handler: Any, init_error: dict[str, Any] | None) -> None:
        # CPython re-seeds `random` in a forked child; a restored snapshot has the snapshot's state.
        snapshot_random = random.getstate()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = self.restored(channel, snapshot_random, handler, init_error)
            except SystemExit as exc:  # sys.exit() in a handler ends the environment with its status
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
                if exc.code is not None and not isinstance(exc.code, int):
                    print(exc.code, file=sys.stderr)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        channel.close()
        self.children[os.pidfd_open(pid)] = pid
        self.send({"forked": pid})

    def restored(self, channel: socket.socket, snapshot_random: Any, handler: Any,
                 init_error: dict[str, Any] | None) -> int:
        """A new environment, as Lambda resumes one from the snapshot."""
        for pidfd in self.children:
            os.close(pidfd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)  # the control socket stays the snapshot's alone
        os.close(null)
        random.setstate(snapshot_random)
        sever_connections(keep=channel.fileno())
        started = time.perf_counter()
        error = init_error or run_hooks("after restore")
        channel_in, channel_out = channel.makefile("rb"), channel.makefile("wb")
        write_frame(channel_out, json.dumps({"ready": True,
                                             "restore_ms": round((time.perf_counter() - started) * 1000, 1)}).encode())
        serve(handler, error, channel_in, channel_out)
        return 0


def sever_connections(keep: int) -> None:
    """TCP connections opened during init are stale after a real restore; here they would be shared with
    the snapshot and every sibling. Each becomes a closed one (reads end, writes fail with EPIPE), so
    clients reconnect as they must on Lambda. UDP sockets (the X-Ray daemon's) work on after a restore."""
    closed, peer = socket.socketpair()
    peer.close()
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd <= 2 or fd in (keep, closed.fileno()):
            continue
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            probe = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            connected = probe.family in (socket.AF_INET, socket.AF_INET6) and probe.type == socket.SOCK_STREAM \
                and probe.getpeername() is not None
        except OSError:
            connected = False
        finally:
            probe.detach()
        if connected:
            os.dup2(closed.fileno(), fd)
    closed.close()


if __name__ == "__main__":
    main()
