"""The authorizer lets every console and app request through and tells the function who is calling, or
why nobody: the route's guard answers 401/403/503 as problem+json, never API Gateway's bare 403."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.identity.flows import customer
from tests.integration.stack import Client, Platform, handler_of


def test_who_is_calling_or_why_nobody(stack: Platform) -> None:
    owner, me = customer(stack)
    members = f"/api/app/orgs/{me['current']['org_id']}/members"
    assert owner.get(members).status == 200

    anonymous = Client().get(members)
    assert (anonymous.status, anonymous.code) == (401, "not-signed-in")
    assert anonymous.headers["content-type"] == "application/problem+json"
    forged = Client()
    forged.bearer = "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"
    assert (forged.get(members).status, forged.get(members).code) == (401, "session-expired")
    # a customer's session does not open the console
    assert (owner.get("/api/console/staff").status, owner.get("/api/console/staff").code) == (401, "session-expired")


def test_aws_throttling_in_the_authorizer_is_a_503_with_retry_after(stack: Platform,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError

    owner, me = customer(stack)
    handler_of("AuthorizerFunction")
    import authorizer.handler

    def throttled(*_: Any) -> None:
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                          "GetItem")

    authorizer.handler._cache.clear()
    monkeypatch.setattr(authorizer.handler, "authenticate", throttled)
    answer = owner.get(f"/api/app/orgs/{me['current']['org_id']}/members")
    assert (answer.status, answer.code, answer.headers["retry-after"]) == (503, "throttled", "2")
    assert not authorizer.handler._cache  # nothing remembered: the next request asks again
