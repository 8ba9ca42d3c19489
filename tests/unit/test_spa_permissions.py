"""The SPA hides what a role may not do (buttons, menu items) with a copy of the permission table
(frontend/spa/src/lib/permissions.ts); each copied row must say exactly what the backend's row says, and
every action must be there, so a page never falls back to a hard-coded role list."""

import re
from pathlib import Path

from tessera.identity.roles import PERMISSIONS, CustomerRole, StaffRole

SPA_TABLE = Path(__file__).resolve().parents[2] / "frontend" / "spa" / "src" / "lib" / "permissions.ts"
GROUPS = {"ALL_STAFF": {r.value for r in StaffRole}, "ALL_CUSTOMER": {r.value for r in CustomerRole}}


def spa_permissions() -> dict[str, set[str]]:
    source = SPA_TABLE.read_text(encoding="utf-8")
    body = source.split("export const PERMISSIONS = {", 1)[1].split("} as const", 1)[0]
    rows: dict[str, set[str]] = {}
    for action, roles in re.findall(r"'([a-z_.]+)':\s*(\[[^\]]*\]|[A-Z_]+)", body):
        rows[action] = GROUPS[roles] if roles in GROUPS else set(re.findall(r"'([a-z_]+)'", roles))
    return rows


def test_the_spa_copy_of_the_permission_table_matches_the_backend() -> None:
    rows = spa_permissions()
    assert len(rows) >= 5
    differing = {action: (sorted(roles), sorted(str(r) for r in PERMISSIONS.get(action, ())))
                 for action, roles in rows.items() if roles != {str(r) for r in PERMISSIONS.get(action, ())}}
    assert differing == {}


def test_the_spa_copy_has_every_action() -> None:
    assert sorted(set(PERMISSIONS) - set(spa_permissions())) == []
