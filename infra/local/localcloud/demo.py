"""Demo data for `make run`. Each context adds its own loader here through its service API, so the
demo is built by the same code paths a person uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from localcloud.cloud import LocalCloud


def load(cloud: LocalCloud) -> list[str]:
    return ["  demo data   none yet: the platform foundation has no users (sign-up arrives with identity)"]
