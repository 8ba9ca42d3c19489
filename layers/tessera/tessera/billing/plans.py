"""The plans on sale, as data (seed 004: Fast Lead Старт / Про / Бизнес, monthly, a 14-day trial). Prices
include VAT at 22 % (the standard rate from 2026); a seller on УСН sets vat_rate None. Limits: None is
unlimited."""

from tessera.billing.records import PlanRecord

FAST_LEAD = "fastlead"
STANDARD_VAT_RATE = 22


def default_plans() -> list[PlanRecord]:
    def plan(code: str, name_ru: str, name_en: str, rubles: int, limits: dict[str, int | None]) -> PlanRecord:
        return PlanRecord(code=code, product=FAST_LEAD, name_ru=name_ru, name_en=name_en, price=rubles * 100,
                          currency="RUB", period_months=1, trial_days=14, vat_rate=STANDARD_VAT_RATE,
                          limits=limits, active=True)

    return [
        plan("fastlead_start", "Старт", "Start", 4_990, {"leads_per_month": 500, "workspaces": 1, "team_members": 3}),
        plan("fastlead_pro", "Про", "Pro", 9_990, {"leads_per_month": 2_000, "workspaces": 3, "team_members": 10}),
        plan("fastlead_business", "Бизнес", "Business", 19_990,
             {"leads_per_month": None, "workspaces": None, "team_members": None}),
    ]
