"""The demo organization's Fast Lead for `make run`: a Про trial, a workspace whose widget is published and
may send leads from the demo customer's site (another origin, served by the local cloud), through the
billing and workspaces services with the workspaces function's environment. Prints the snippet that site
embeds."""

from __future__ import annotations

import json
import os
from typing import Any

from tessera.billing import service as billing
from tessera.core.request import RequestInfo
from tessera.identity import repository as identity
from tessera.workspaces import service as workspaces
from tessera.workspaces.models import Publish, WorkspaceCreate

OWNER = "owner@demo.tessera.local"


def main(reports: dict[str, Any]) -> None:
    org_id = reports["identity"]["org_id"]
    owner = identity.find_user_by_email(OWNER)
    assert owner is not None, "the identity seed makes the owner"
    request = RequestInfo(request_id="demo-seed")
    if not any(s.product == "fastlead" for s in billing.list_subscriptions(org_id=org_id).items):
        billing.start_trial(org_id, "fastlead_pro", billing.Actor(owner.user_id, "customer", owner.name,
                                                                   ("owner",), request))
    actor = workspaces.Actor(owner.user_id, owner.name, ("owner",), request)
    site = os.environ["DEMO_SITE_ORIGIN"]
    existing = workspaces.list_workspaces(org_id).items
    workspace = existing[0] if existing else workspaces.create_workspace(
        org_id, WorkspaceCreate(name="Сайт «Демо Бюджет»", domain="demo-budget.example.ru",
                                allowed_origins=["https://demo-budget.example.ru", site]), actor)
    widget = workspaces.get_widget(org_id, workspace.id)
    if widget.published_version != widget.version:
        workspaces.publish(org_id, workspace.id, Publish(version=widget.version), actor)
    snippet = workspaces.snippet(org_id, workspace.id)
    print(json.dumps({"workspace": workspace.name, "workspace_id": workspace.id, "widget_id": snippet.widget_id,
                      "snippet": snippet.html}))


if __name__ == "__main__":
    raise SystemExit("run through `python -m localcloud.seeds identity fastlead`")
