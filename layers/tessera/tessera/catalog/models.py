from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from tessera.core.i18n import register_fields

register_fields({
    "overage_ratio_not_soft": {"ru": "Коэффициент превышения задаётся только для мягких лимитов.",
                               "en": "overage_ratio applies to soft limits only."},
})

LimitName = Literal["users", "departments", "integrations", "api_rate"]


class Limit(BaseModel):
    """One limit of a plan or license. `hard` refuses beyond the value, `soft` allows up to
    value × overage_ratio and alerts, `advisory` only alerts."""

    model_config = ConfigDict(extra="forbid")

    value: int = Field(ge=0, le=1_000_000)
    mode: Literal["hard", "soft", "advisory"] = "hard"
    overage_ratio: float = Field(1.0, ge=1.0, le=10.0)
    alert_thresholds: list[int] = Field(default_factory=lambda: [80, 100])  # percent of value

    @model_validator(mode="after")
    def _ratio_only_when_soft(self) -> "Limit":
        if self.mode != "soft" and self.overage_ratio != 1.0:
            raise PydanticCustomError("overage_ratio_not_soft", "overage_ratio applies to soft limits only.")
        return self


class Module(BaseModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str
    name_en: str
    price: int | None = Field(None, ge=0, description="list price per year in kopecks (RUB, VAT included); "
                              "None: not priced separately. Sales reports value modules with it.")


class Plan(BaseModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str
    modules: list[str]  # included by default
    limits: dict[LimitName, Limit]


class Product(BaseModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str
    kind: Literal["on_prem", "saas", "storage"]
    latest_version: str
    modules: list[Module]
    plans: list[Plan]

    def plan(self, code: str) -> Plan | None:
        return next((p for p in self.plans if p.code == code), None)

    def module_codes(self) -> set[str]:
        return {m.code for m in self.modules}
