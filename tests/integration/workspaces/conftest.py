"""The stack with the workspaces table and the CDN bucket, the default plans, and a customer on the Fast
Lead Старт trial (one workspace, 500 leads a month), at T0 on a frozen clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from tessera.core import clock
from tests.integration.identity.conftest import client, stack  # noqa: F401  (the same stack)
from tests.integration.identity.flows import customer
from tests.integration.notify.conftest import as_customer
from tests.integration.stack import Client, Platform

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BUCKET = "tessera-widget-configs"
SITE = "https://okna.example.ru"


@pytest.fixture
def fastlead(stack: Platform) -> Iterator[Platform]:  # noqa: F811
    from tessera.billing import service as billing
    from tessera.core.dynamo import rebind_from_env
    from tessera.core.settings import get_settings
    from tessera.workspaces import service

    os.environ.update({"WORKSPACES_TABLE": stack.ids["WorkspacesTable"], "WIDGET_CONFIG_BUCKET": BUCKET})
    boto3.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    rebind_from_env()
    get_settings.cache_clear()
    service.forget_plans()
    with clock.frozen(T0):
        billing.seed_plans()
        yield stack
    service.forget_plans()


def org_with_plan(platform: Platform, email: str, plan: str | None = "fastlead_start") -> tuple[Client, str]:
    """A signed-in owner of a new organization, on `plan`'s trial (None: no subscription)."""
    from tessera.billing import service as billing

    owner, me = customer(platform, email)
    org_id = str(me["current"]["org_id"])
    if plan is not None:
        billing.start_trial(org_id, plan, billing.SYSTEM)
    return owner, org_id


@pytest.fixture
def world(fastlead: Platform) -> dict[str, Any]:
    owner, org_id = org_with_plan(fastlead, "owner@okna.example.ru")
    base = f"/api/app/orgs/{org_id}/workspaces"
    created = owner.post(base, {"name": "Окна Москва", "domain": "okna.example.ru"})
    assert created.status == 201, created.body
    workspace = created.body
    return {"owner": owner, "org_id": org_id, "base": base, "workspace": workspace,
            "path": f"{base}/{workspace['id']}", "stack": fastlead,
            "as_role": lambda role: as_customer(org_id, role)}
