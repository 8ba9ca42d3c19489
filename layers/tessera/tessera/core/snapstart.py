"""SnapStart: every API function is initialised once, when its version is published, and each new
execution environment resumes from that snapshot. Imports and clients are at module scope, so the
snapshot holds them; whatever init left in memory is then shared by every environment, however much
later it starts. So each module that keeps state unique to an environment or valid for a while (ids,
keys, secrets and answers with a TTL) registers, next to that state, an after-restore hook with
snapshot-restore-py (Lambda's Python runtime runs them; the local cloud too), and what requests need
from AWS for a while is fetched before the snapshot and refreshed after a restore (`fetched_ahead`).

What concerns the whole process: Python's `random` (retry jitter, sampling) is re-seeded after a
restore, or every restored environment would repeat the same sequence (secrets and ids draw on the
kernel's entropy, which is new after a restore); and init's objects are frozen out of the garbage
collector's sight, or a restored environment's first full collection walks (and pages in) all of them."""

import contextlib
import functools
import gc
import random
from collections.abc import Callable

from snapshot_restore_py import register_after_restore, register_before_snapshot


@register_after_restore
def reseed_random() -> None:
    random.seed()  # from os.urandom


@register_before_snapshot  # the first registered, so the last to run
def freeze_init_objects() -> None:
    gc.collect()
    gc.freeze()


def fetched_ahead(ensure: Callable[[], object]) -> None:
    """What requests need from AWS and keep for a while (a key, a secret): `ensure`, which fetches only what
    is missing or expired by the wall clock, runs before the snapshot, so restored environments start with
    it, and again after each restore, so the first request finds it fresh. If it fails, the first use
    fetches (and fails) as it would have: a function without that setting, AWS unreachable for a moment."""

    @functools.wraps(ensure)
    def attempt() -> None:
        with contextlib.suppress(Exception):
            ensure()

    register_before_snapshot(attempt)
    register_after_restore(attempt)
