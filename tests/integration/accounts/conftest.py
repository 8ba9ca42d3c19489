from typing import Any

import pytest

from tests.integration.identity.conftest import client, stack  # noqa: F401  (the same stack)
from tests.integration.identity.flows import admin
from tests.integration.stack import Client, Platform


@pytest.fixture
def console(stack: Platform) -> Client:  # noqa: F811
    """The admin, signed in with 2FA: may do everything on a customer."""
    return admin(stack)


@pytest.fixture
def me(console: Client) -> dict[str, Any]:
    return dict(console.get("/api/auth/me").body["user"])
