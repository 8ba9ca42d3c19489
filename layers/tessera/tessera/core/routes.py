"""Route declarations shared by every API: kept apart from the resolver, so the authorizer and other
lean functions can use them without importing the web framework."""

from collections.abc import Callable
from typing import Any


def public(route: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a route that needs no signed-in caller (health, sign-in, public ingest). Every other route
    declares its action with `tessera.identity.principal.guard`; a test checks each route has one."""
    route.__tessera_action__ = None  # type: ignore[attr-defined]
    return route
