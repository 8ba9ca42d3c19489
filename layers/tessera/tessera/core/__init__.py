"""Platform primitives every context and function shares; import submodules directly
(`from tessera.core import clock`)."""

from tessera.core import snapstart  # noqa: F401  (every function re-seeds `random` after a SnapStart restore)
