from tests.integration.identity.conftest import client, stack  # noqa: F401  (the same stack)
