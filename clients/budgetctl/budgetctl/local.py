"""The installation's own host, for `budgetctl agent` and `modules sync` running beside the product.

`LocalHost` answers what `ssh.Session` answers (`run`, `put_directory`, `write_file`, `target.address`), so
`Installation`, `deploy`, `rollback`, `status` and `prepare` work on this machine unchanged: the commands go
to `/bin/sh -c` here instead of a remote login shell."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Self

from budgetctl.ssh import COMMAND_TIMEOUT_SECONDS, CommandTimeout, Result, TransferFailed


class LocalTarget:
    def __init__(self, client: str) -> None:
        self.client = client
        self.address = "localhost"


class LocalHost:
    """`with LocalHost(client) as server: server.run("…")`: the same calls as an SSH session, run here."""

    def __init__(self, client: str, env: dict[str, str] | None = None) -> None:
        self.target = LocalTarget(client)
        self.env = env  # None: this process's environment

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        return None

    def run(self, command: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> Result:
        try:
            done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, timeout=timeout,  # noqa: S603
                                  env=self.env, check=False)
        except subprocess.TimeoutExpired:
            raise CommandTimeout(f"{command}: no end in {timeout:g} s") from None
        return Result(command, done.returncode, done.stdout, done.stderr)

    def put_directory(self, local: Path, remote: str) -> None:
        try:
            shutil.copytree(local, remote)
        except OSError as exc:
            raise TransferFailed(f"copy: {exc}") from None

    def write_file(self, remote: str, data: bytes, mode: int) -> None:
        """Created with `mode` (O_EXCL: never through an existing file or link) before a byte is written."""
        try:
            descriptor = os.open(remote, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
        except OSError as exc:
            raise TransferFailed(f"write {remote}: {exc}") from None
