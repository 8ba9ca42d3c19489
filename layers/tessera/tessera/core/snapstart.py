"""SnapStart: every API function is initialised once, when its version is published, and each new
execution environment resumes from that snapshot. Whatever init left in memory is then shared by all of
them, however much later they start. So each module that keeps state unique to an environment or valid
for a while (ids, caches of keys, secrets and answers with a TTL) registers, next to that state, an
after-restore hook with snapshot-restore-py (Lambda's Python runtime runs them; the local cloud too).

What the whole process shares is refreshed here: Python's `random` (retry jitter, sampling), which would
otherwise repeat the same sequence in every restored environment. Secrets and ids use `secrets` and
os.urandom, which draw from the kernel after a restore as before it."""

from __future__ import annotations

import random

from snapshot_restore_py import register_after_restore


@register_after_restore
def reseed_random() -> None:
    random.seed()  # from os.urandom
