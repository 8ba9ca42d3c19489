"""The demo sales plan for `make run`: this year's plan per module and month, set through the reports
service (audited) with the licensing function's environment, so the plan-vs-fact report has a plan to
measure the licenses people issue against."""

from __future__ import annotations

import json

from tessera.core.request import RequestInfo
from tessera.identity.principal import Principal
from tessera.licensing import reports
from tessera.licensing.dashboard import business_day

# licenses a month, per module; amounts at the catalog's yearly list prices
PLAN = {"core": 4, "multi_department": 2, "integrations": 2, "ai_forecast": 1, "audit_pack": 1}


def main() -> None:
    from tessera.catalog import service as catalog

    prices = {m.code: m.price or 0 for m in catalog.get_product("itbm").modules}
    seeder = Principal(user_id="usr_demo_seed", session_id="seed", audience="console", kind="staff",
                       roles=frozenset({"admin"}), display="demo data")
    year = business_day().year
    for month in range(1, 13):
        reports.set_plan(f"{year}-{month:02d}", reports.SalesPlanRequest(product="itbm", modules={
            code: reports.PlanLine(count=count, amount=count * prices[code]) for code, count in PLAN.items()}),
            seeder, RequestInfo("demo-seed"))
    print(json.dumps({"sales_plan": f"{year}: {sum(PLAN.values())} module licenses a month"}))


if __name__ == "__main__":
    main()
