"""The demo catalog for `make run` (IT Budget Manager, its modules and plans), through the catalog
service with the licensing function's environment."""

from __future__ import annotations

import json

from tessera.catalog import service


def main() -> None:
    product = service.demo_product()
    service.save_product(product)
    print(json.dumps({"product": product.name, "plans": ", ".join(p.name for p in product.plans)}))


if __name__ == "__main__":
    main()
