"""What an installation remembers between runs: the newest license version it has seen (anti-rollback),
the latest trusted time (a clock moved backwards is detected), the last good answer from the portal
(for the offline grace window), its installation key and certificate."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class State:
    highest_version: int = 0
    latest_time: int = 0  # the newest trusted time seen: the portal's signed server time or the local clock
    last_contact: int = 0  # when the portal last answered (portal time)
    last_status: dict[str, Any] = field(default_factory=dict)
    installation_id: str | None = None
    private_key_pem: str | None = None
    certificate: str | None = None
    token: str | None = None
    seq: int = 0

    @classmethod
    def load(cls, path: Path) -> State:
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return cls()

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle)
        os.chmod(tmp, 0o600)  # the installation's private key is in here
        os.replace(tmp, path)
