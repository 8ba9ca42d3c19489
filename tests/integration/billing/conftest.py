from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tessera.core import clock
from tests.integration.identity.conftest import client, stack  # noqa: F401  (the same stack)
from tests.integration.stack import Platform

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def billing(stack: Platform) -> Iterator[Platform]:  # noqa: F811
    """The stack with the default plans, at T0 on a frozen clock."""
    from tessera.billing import checkout, service

    checkout.forget_provider_settings()  # cached per process: the previous test's table is gone
    with clock.frozen(T0):
        service.seed_plans()
        yield stack
