"""SnapStart: every API function is initialised once, when its version is published, and each new
execution environment resumes from that snapshot. Imports and clients are at module scope, so the
snapshot holds them; whatever init left in memory is then shared by every environment, however much
later it starts. So each module that keeps state unique to an environment or valid for a while (ids,
keys, secrets and answers with a TTL) registers, next to that state, an after-restore hook with
snapshot-restore-py (Lambda's Python runtime runs them; the local cloud too).

What concerns the whole process: Python's `random` (retry jitter, sampling) is re-seeded after a
restore, or every restored environment would repeat the same sequence. Secrets and ids draw on `secrets`
and os.urandom, which read the kernel's entropy after a restore as before it."""

import random

from snapshot_restore_py import register_after_restore


@register_after_restore
def reseed_random() -> None:
    random.seed()  # from os.urandom
