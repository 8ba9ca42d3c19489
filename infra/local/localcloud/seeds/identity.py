"""Demo people for `make run`, created through the identity services with the auth function's
environment. Prints one JSON line: what the banner shows."""

from __future__ import annotations

import functools
import json

from tessera.identity import bootstrap, passwords, staff

PASSWORD = "tessera-demo-2026"  # noqa: S105  (demo accounts of the local cloud only)
ADMIN_TOTP_SECRET = "TESSERADEMOADMINTOTPSECRET234567"  # noqa: S105  (demo only, for an authenticator app)


def main() -> None:
    # The five demo people share one password: bcrypt it once (a quarter second each) and start sooner.
    passwords.hash_password = functools.cache(passwords.hash_password)
    admin_id, created = staff.bootstrap_admin("admin@tessera.local", "Алексей Админов", PASSWORD)
    if created:
        bootstrap.enrol_totp(admin_id, ADMIN_TOTP_SECRET)
    staff.bootstrap_admin("support@tessera.local", "Светлана Поддержкина", PASSWORD, roles=("support",))
    staff.bootstrap_admin("sales@tessera.local", "Марина Продажина", PASSWORD, roles=("sales",))
    staff.bootstrap_admin("auditor@tessera.local", "Аркадий Аудиторов", PASSWORD, roles=("auditor",))
    _, org_id, _ = bootstrap.customer("owner@demo.tessera.local", "Ольга Владелец", "ООО «Демо Бюджет»", PASSWORD)
    print(json.dumps({"password": PASSWORD, "admin_totp_secret": ADMIN_TOTP_SECRET, "org_id": org_id}))


if __name__ == "__main__":
    main()
