"""Demo licenses for `make run`: issued by the demo sales manager through the licensing service (signed by
the local KMS key, audited, counted on the dashboard) for the demo customers, with dates around the
platform's today so the dashboard, monitoring and renewal forecast have something in every state: valid,
expiring within 30 days, in grace, expired. The customer that signed up (owner@demo.tessera.local) gets
one it sees in the app. Run again, it changes nothing. Prints one JSON line: what the banner shows."""

from __future__ import annotations

import json
from datetime import timedelta

from tessera.accounts import service as accounts
from tessera.core.request import RequestInfo
from tessera.identity import repository as people
from tessera.identity.principal import Principal
from tessera.licensing import service
from tessera.licensing.dashboard import business_day
from tessera.licensing.models import LicenseRequest

# (a part of the customer's name, plan, first and last day relative to today, installation domain)
LICENSES = [
    ("Демо Бюджет", "enterprise", -120, 245, "budget.demo-budget.ru"),
    ("Альфа Логистик", "enterprise", -300, 65, "budget.alfa-logistic.ru"),
    ("СеверИнвестСтрой", "advanced", -345, 20, "itbm.severinveststroy.ru"),
    ("Казань Ритейл Групп", "basic", -370, -5, "budget.kazan-retail.ru"),
    ("ЦЦР", "advanced", -420, -60, "itbm.ccr.nso.ru"),
]


def sales_manager() -> Principal:
    user = people.find_user_by_email("sales@tessera.local")
    if user is None:
        raise SystemExit("the identity seed must run first (no sales@tessera.local)")
    return Principal(user_id=user.user_id, session_id="seed", audience="console", kind="staff",
                     roles=frozenset(user.staff_roles or {"sales"}), display=f"{user.name} <{user.email}>", mfa=True)


def main() -> None:
    actor, request, today = sales_manager(), RequestInfo(request_id="demo-seed"), business_day()
    issued = 0
    for name, plan, first, last, domain in LICENSES:
        found = accounts.list_customers(q=name).items
        if not found or service.of_org(found[0].id, None, 1).items:
            continue
        service.issue(LicenseRequest(org_id=found[0].id, plan=plan, starts_on=today + timedelta(days=first),
                                     ends_on=today + timedelta(days=last), domain=domain, version_min="4.0"),
                      actor, request)
        issued += 1
    print(json.dumps({"licenses": f"{len(LICENSES)} for the demo customers (valid, expiring, in grace, expired)",
                      "issued": issued}))


if __name__ == "__main__":
    main()
