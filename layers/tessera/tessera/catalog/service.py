"""The way into the catalog."""

from tessera.catalog import repository
from tessera.catalog.models import Limit, Module, Plan, Product
from tessera.core.errors import NotFound


def list_products() -> list[Product]:
    return [Product.model_validate(r.document) for r in repository.products()]


def get_product(code: str) -> Product:
    record = repository.find_product(code)
    if record is None:
        raise NotFound("No such product.", code="not-found")
    return Product.model_validate(record.document)


def save_product(product: Product) -> None:
    repository.save_product(product.code, product.model_dump(mode="json"))


def demo_product() -> Product:
    """IT Budget Manager, the on-prem product the license portal was written for."""
    users = Limit(value=50, mode="soft", overage_ratio=1.1, alert_thresholds=[80, 100])
    return Product(
        code="itbm", name="IT Budget Manager", kind="on_prem", latest_version="4.2.0",
        modules=[Module(code="core", name="Бюджетирование", name_en="Budgeting", price=12_000_000),
                 Module(code="ai_forecast", name="AI-прогноз", name_en="AI Forecast", price=9_000_000),
                 Module(code="multi_department", name="Мультиотделы", name_en="Multi-Department",
                        price=6_000_000),
                 Module(code="integrations", name="Интеграции (1С, Jira)", name_en="Integrations (1C, Jira)",
                        price=4_800_000),
                 Module(code="audit_pack", name="Расширенный аудит", name_en="Audit pack", price=3_600_000)],
        plans=[
            Plan(code="basic", name="Базовый", modules=["core"],
                 limits={"users": users, "departments": Limit(value=3), "integrations": Limit(value=1),
                         "api_rate": Limit(value=60, mode="advisory")}),
            Plan(code="advanced", name="Advanced", modules=["core", "multi_department", "integrations"],
                 limits={"users": users.model_copy(update={"value": 200}), "departments": Limit(value=20),
                         "integrations": Limit(value=5), "api_rate": Limit(value=300, mode="advisory")}),
            Plan(code="enterprise", name="Enterprise",
                 modules=["core", "ai_forecast", "multi_department", "integrations", "audit_pack"],
                 limits={"users": Limit(value=2000, mode="advisory"), "departments": Limit(value=500),
                         "integrations": Limit(value=50, mode="soft", overage_ratio=1.2),
                         "api_rate": Limit(value=3000, mode="advisory")}),
        ])
