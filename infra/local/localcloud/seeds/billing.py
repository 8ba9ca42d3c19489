"""The plans on sale for `make run` (Fast Lead Старт / Про / Бизнес), through the billing service with the
billing function's environment."""

from __future__ import annotations

import json

from tessera.billing import service


def main() -> None:
    service.seed_plans()
    plans = service.list_plans()
    print(json.dumps({"plans": ", ".join(f"{p.name_ru} {p.price.formatted}" for p in reversed(plans))}))


if __name__ == "__main__":
    main()
