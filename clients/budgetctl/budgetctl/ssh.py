"""SSH to a client's server (asyncssh), used synchronously by the commands.

The server is trusted only by the host key pinned in `clients/<client>.yaml` (`server.ssh.host_key`): no
known_hosts file, no ~/.ssh/config, no agent and no prompt, so what budgetctl does depends on the
deployments repository alone. The three ways a connection fails before any command runs each have their
own exception and exit code, and the message names the client and the host."""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

import asyncssh

from budgetctl.messages import message

CONNECT_TIMEOUT_SECONDS = 15.0
COMMAND_TIMEOUT_SECONDS = 600.0


@dataclass(frozen=True)
class Target:
    client: str
    host: str
    port: int
    user: str
    host_key: str  # `ssh-ed25519 AAAA…` as in known_hosts
    private_key: bytes

    @property
    def address(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


class SshError(Exception):
    """The server could not be reached or trusted; no command ran."""

    code = ""
    exit_code = 6

    def __init__(self, target: Target, detail: str) -> None:
        super().__init__(detail)
        self.target = target
        self.detail = detail

    def message(self, language: str) -> str:
        return message(self.code, language, {"client": self.target.client, "address": self.target.address,
                                             "detail": self.detail})


class Unreachable(SshError):
    code, exit_code = "ssh_unreachable", 6


class KeyRefused(SshError):
    code, exit_code = "ssh_key_refused", 7


class HostKeyMismatch(SshError):
    code, exit_code = "ssh_host_key_mismatch", 8


class CommandTimeout(Exception):
    """A command on the server did not end in its time."""


class TransferFailed(Exception):
    """SFTP refused a file (no space, no permission): the step fails, the connection is fine."""


@dataclass(frozen=True)
class Result:
    command: str
    exit_status: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    def tail(self, lines: int = 5) -> str:
        """The last lines of stderr (or stdout): what a failed step tells a person."""
        text = (self.stderr.strip() or self.stdout.strip()).splitlines()
        return "\n".join(text[-lines:])


class Host(Protocol):
    @property
    def client(self) -> str: ...

    @property
    def address(self) -> str: ...


class Server(Protocol):
    """What the commands need of a server: an SSH `Session`, or `local.LocalHost` for the agent."""

    @property
    def target(self) -> Host: ...

    def run(self, command: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> Result: ...

    def put_directory(self, local: Path, remote: str) -> None: ...

    def write_file(self, remote: str, data: bytes, mode: int) -> None: ...


def quote(*words: str) -> str:
    return " ".join(shlex.quote(word) for word in words)


class Session:
    """One SSH connection. `with Session(target) as server: server.run("…")`."""

    def __init__(self, target: Target, connect_timeout: float = CONNECT_TIMEOUT_SECONDS) -> None:
        self.target = target
        self.connect_timeout = connect_timeout
        self._loop = asyncio.Runner()
        self._connection: asyncssh.SSHClientConnection | None = None

    def __enter__(self) -> Self:
        try:
            self._connection = self._loop.run(self._connect())
        except BaseException:
            self._loop.close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._connection is not None:
            self._connection.close()
            self._loop.run(self._connection.wait_closed())
        self._loop.close()

    async def _connect(self) -> asyncssh.SSHClientConnection:
        target = self.target
        try:
            key = asyncssh.import_private_key(target.private_key)
        except (asyncssh.KeyImportError, ValueError) as exc:
            raise KeyRefused(target, f"the private key cannot be read: {exc}") from None
        try:
            pinned = asyncssh.import_public_key(target.host_key)
        except (asyncssh.KeyImportError, ValueError) as exc:
            raise HostKeyMismatch(target, f"server.ssh.host_key cannot be read: {exc}") from None
        try:
            return await asyncssh.connect(
                target.host, target.port, username=target.user, client_keys=[key],
                known_hosts=([pinned], [], []), agent_path=None, config=None, password=None,
                kbdint_auth=False, gss_auth=False, connect_timeout=self.connect_timeout)
        except asyncssh.HostKeyNotVerifiable as exc:
            raise HostKeyMismatch(target, exc.reason) from None
        except asyncssh.PermissionDenied as exc:
            raise KeyRefused(target, exc.reason) from None
        except TimeoutError:
            raise Unreachable(target, f"no answer in {self.connect_timeout:g} s") from None
        except (OSError, asyncssh.Error) as exc:
            raise Unreachable(target, str(exc) or type(exc).__name__) from None

    @property
    def connection(self) -> asyncssh.SSHClientConnection:
        assert self._connection is not None, "use Session as a context manager"
        return self._connection

    def run(self, command: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> Result:
        """Run `command` in the user's shell; a non-zero exit is a Result, not an exception."""
        try:
            done = self._loop.run(self.connection.run(command, check=False, timeout=timeout))
        except asyncssh.TimeoutError:
            raise CommandTimeout(f"{command}: no end in {timeout:g} s") from None
        except (OSError, asyncssh.Error) as exc:
            raise Unreachable(self.target, f"the connection broke: {exc}") from None
        return Result(command, done.exit_status if done.exit_status is not None else -1,
                      str(done.stdout or ""), str(done.stderr or ""))

    def put_directory(self, local: Path, remote: str) -> None:
        """Copy the directory `local` to `remote` (created; must not exist)."""
        async def put() -> None:
            async with self.connection.start_sftp_client() as sftp:
                await sftp.put(str(local), remote, recurse=True)
        self._transfer(put())

    def write_file(self, remote: str, data: bytes, mode: int) -> None:
        """Create `remote` with `mode` before a byte is written (a secret is never readable by others)."""
        async def write() -> None:
            async with (self.connection.start_sftp_client() as sftp,
                        sftp.open(remote, "wb", asyncssh.SFTPAttrs(permissions=mode)) as file):
                await file.write(data)
        self._transfer(write())

    def _transfer(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            self._loop.run(work)
        except asyncssh.SFTPError as exc:
            raise TransferFailed(f"SFTP: {exc.reason}") from None
        except (OSError, asyncssh.Error) as exc:
            raise Unreachable(self.target, f"SFTP: {exc}") from None
