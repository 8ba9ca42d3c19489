"""The plans on sale for `make run` (Fast Lead Старт / Про / Бизнес) and the sandbox provider's credentials
(ЮKassa's and Т-Банк's, sealed like real ones; ЮKassa active: Т-Банк documents no 22 % VAT code yet),
through the billing services with the billing function's environment."""

from __future__ import annotations

import json

from pydantic import SecretStr

from localcloud.payments_sandbox import SECRET_KEY, SHOP_ID, TERMINAL_KEY, TERMINAL_PASSWORD
from tessera.billing import checkout, service


def main() -> None:
    service.seed_plans()
    credentials = checkout.YooKassaCredentialsInput(shop_id=SHOP_ID, secret_key=SecretStr(SECRET_KEY))
    checkout.save_credentials("yookassa", credentials, service.SYSTEM)
    terminal = checkout.TBankCredentialsInput(terminal_key=TERMINAL_KEY, password=SecretStr(TERMINAL_PASSWORD))
    checkout.save_credentials("tbank", terminal, service.SYSTEM)
    checkout.set_active_provider("yookassa", service.SYSTEM)
    plans = service.list_plans()
    print(json.dumps({"plans": ", ".join(f"{p.name_ru} {p.price.formatted}" for p in reversed(plans))}))


if __name__ == "__main__":
    main()
