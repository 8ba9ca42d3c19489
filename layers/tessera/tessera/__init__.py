"""Tessera's shared layer: `tessera.core` plus one package per bounded context."""

__version__ = "0.1.0"
