"""Platform primitives every context and function shares. Import submodules directly
(`from tessera.core import clock`), so a function pays only for what it uses at cold start."""

from tessera.core import snapstart  # noqa: F401  (every function re-seeds `random` after a SnapStart restore)
