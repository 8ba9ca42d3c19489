"""The demo sales plan seed (`make run`) sets this year's plan through the reports service."""

from typing import Any

from tests.integration.reports.test_licensing_reports import staff
from tests.integration.stack import Platform


def test_the_demo_seed_sets_a_plan_for_every_month_of_the_year(stack: Platform, capsys: Any) -> None:
    from localcloud.seeds import reports as seed
    from tessera.catalog import service as catalog
    from tessera.licensing.dashboard import business_day

    catalog.save_product(catalog.demo_product())
    seed.main()
    assert "module licenses a month" in capsys.readouterr().out
    year = business_day().year
    report = staff("auditor").get("/api/console/licensing/reports/sales",
                                  query={"from": f"{year}-01", "to": f"{year}-12"}).body
    assert [t["plan_count"] for t in report["totals"]] == [10] * 12
    core = next(r for r in report["rows"] if r["module"] == "core")
    assert (core["plan_count"], core["plan_amount"]) == (4, 4 * 12_000_000)
