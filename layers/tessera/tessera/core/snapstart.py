"""SnapStart: an API function is initialised once, when its version is published, and each new execution
environment resumes from that snapshot, sharing whatever init left in memory, however much later it starts.
Imports and clients are at module scope so that the snapshot holds them. Each module whose state must be
unique to an environment or is valid only for a while registers an after-restore hook next to it
(snapshot-restore-py; Lambda's runtime runs them, the local cloud too), or `fetched_ahead` for what
requests need from AWS. For the whole process: `random` is re-seeded after a restore, and init's objects
are frozen out of the garbage collector, whose first full pass would otherwise walk (and page in) them all."""

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
