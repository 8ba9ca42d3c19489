"""The plans on sale for `make run` (Fast Lead Старт / Про / Бизнес), the sandbox provider's credentials
(ЮKassa's and Т-Банк's, sealed like real ones; ЮKassa active: Т-Банк documents no 22 % VAT code yet) and the
seller's requisites printed on the счета and акты (demo values with valid checksums; a VAT payer, as the
plans bear 22 %), through the billing services with the billing function's environment."""

from __future__ import annotations

import json

from pydantic import SecretStr

from localcloud.payments_sandbox import SECRET_KEY, SHOP_ID, TERMINAL_KEY, TERMINAL_PASSWORD
from tessera.billing import checkout, documents_service, service
from tessera.billing.documents.model import Requisites

DEMO_SELLER = {
    "name": "ООО «Тессера»", "inn": "7736207543", "kpp": "770401001", "ogrn": "1027700229193",
    "address": "119021, г. Москва, ул. Льва Толстого, д. 16", "phone": "+7 495 000-00-00",
    "bank": {"bank_name": "ПАО Сбербанк, г. Москва", "bik": "044525225", "account": "40702810438000034726",
             "corr_account": "30101810400000000225"},
    "head": {"position": "Генеральный директор", "name": "Иванов И. И."},
    "accountant": {"position": "Главный бухгалтер", "name": "Петрова А. С."}, "tax_regime": "osn"}


def main() -> None:
    service.seed_plans()
    credentials = checkout.YooKassaCredentialsInput(shop_id=SHOP_ID, secret_key=SecretStr(SECRET_KEY))
    checkout.save_credentials("yookassa", credentials, service.SYSTEM)
    terminal = checkout.TBankCredentialsInput(terminal_key=TERMINAL_KEY, password=SecretStr(TERMINAL_PASSWORD))
    checkout.save_credentials("tbank", terminal, service.SYSTEM)
    checkout.set_active_provider("yookassa", service.SYSTEM)
    documents_service.save_requisites(Requisites.model_validate(DEMO_SELLER), service.SYSTEM)
    plans = service.list_plans()
    print(json.dumps({"plans": ", ".join(f"{p.name_ru} {p.price.formatted}" for p in reversed(plans))}))


if __name__ == "__main__":
    main()
