from collections.abc import Iterator

import pytest
from moto import mock_aws

from tests.integration.stack import Client, Platform, handler_of, platform


@pytest.fixture
def stack() -> Iterator[Platform]:
    with mock_aws():
        built = platform()
        handler_of("AuthorizerFunction")  # import, so the cache below can be cleared
        import authorizer.handler

        authorizer.handler._cache.clear()
        yield built
        authorizer.handler._cache.clear()


@pytest.fixture
def client() -> Client:
    return Client()
