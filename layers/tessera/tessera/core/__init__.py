"""Platform primitives every context and function shares. Import submodules directly
(`from tessera.core import clock`), so a function pays only for what it uses at cold start."""
