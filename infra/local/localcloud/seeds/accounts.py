"""Demo customers for `make run`: cards with ИНН/КПП, contacts and contracts, created through the accounts
service with the accounts function's environment (names and identifiers are invented; the checksums are
valid). The sales manager of the identity seed manages them; the demo customer that signed up gets its
card completed. Run again, it changes nothing. Prints one JSON line: what the banner shows."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from tessera.accounts import repository, service
from tessera.accounts.models import ContactCreate, ContractCreate, CustomerCreate, CustomerUpdate
from tessera.core.request import RequestInfo
from tessera.identity import repository as people
from tessera.identity.principal import Principal

CUSTOMERS: list[dict[str, Any]] = [
    {"card": {"name": "ООО «Альфа Логистик»", "legal_name": "Общество с ограниченной ответственностью «Альфа Логистик»",
              "inn": "7701452135", "kpp": "770101001", "segment": "mid_market", "deployment": "on_prem",
              "notes": "Склады в Москве и Подольске; бюджетирование по 14 подразделениям."},
     "contacts": [{"name": "Ирина Соколова", "position": "Финансовый директор", "email": "i.sokolova@alfa-logistic.ru",
                   "phone": "+74952317788", "purposes": ["billing"]},
                  {"name": "Денис Куликов", "position": "Руководитель ИТ", "email": "it@alfa-logistic.ru",
                   "phone": "+74952317790", "purposes": ["technical", "license_delivery"]}],
     "contracts": [{"number": "ЛИЦ-2026/014", "signed_on": date(2026, 1, 20), "amount": {"kopecks": 184_000_000},
                    "sla": "standard", "valid_from": date(2026, 2, 1), "valid_to": date(2027, 1, 31)}]},
    {"card": {"name": "АО «СеверИнвестСтрой»", "legal_name": "Акционерное общество «СеверИнвестСтрой»",
              "inn": "7810345670", "kpp": "781001001", "segment": "enterprise", "deployment": "on_prem"},
     "contacts": [{"name": "Павел Громов", "position": "Заместитель генерального директора по ИТ",
                   "email": "p.gromov@sevinvest.ru", "phone": "+78123094411",
                   "purposes": ["technical", "license_delivery"]},
                  {"name": "Елена Морозова", "position": "Главный бухгалтер", "email": "buh@sevinvest.ru",
                   "purposes": ["billing", "legal"]}],
     "contracts": [{"number": "СИС-0117", "signed_on": date(2025, 11, 10), "amount": {"kopecks": 960_000_000},
                    "sla": "premium", "valid_from": date(2025, 12, 1), "valid_to": date(2028, 11, 30)},
                   {"number": "СИС-0117/ДС-1", "signed_on": date(2026, 3, 2), "amount": {"kopecks": 120_000_000},
                    "sla": "premium", "valid_from": date(2026, 3, 2), "valid_to": date(2028, 11, 30)}]},
    {"card": {"name": "ПАО «Уралмаштех»", "legal_name": "Публичное акционерное общество «Уралмаштех»",
              "inn": "6658120932", "kpp": "665801001", "segment": "enterprise", "deployment": "on_prem"},
     "contacts": [{"name": "Сергей Белов", "position": "Директор по цифровизации", "email": "belov@uralmashtech.ru",
                   "phone": "+73432706501", "purposes": ["technical", "license_delivery"]}],
     "contracts": [{"number": "УМТ-44/2026", "signed_on": date(2026, 2, 14), "amount": {"kopecks": 540_000_000},
                    "sla": "premium", "valid_from": date(2026, 3, 1), "valid_to": date(2027, 2, 28)}]},
    {"card": {"name": "ГБУ НСО «ЦЦР»",
              "legal_name": "Государственное бюджетное учреждение Новосибирской области «Центр цифрового развития»",
              "inn": "5406134780", "kpp": "540601001", "segment": "public_sector", "deployment": "on_prem",
              "notes": "Закупка по 44-ФЗ; документы только через ЭДО."},
     "contacts": [{"name": "Ольга Терентьева", "position": "Начальник отдела закупок", "email": "zakupki@cdr-nso.ru",
                   "phone": "+73832190022", "purposes": ["legal", "billing"]},
                  {"name": "Артём Лебедев", "position": "Системный администратор", "email": "admin@cdr-nso.ru",
                   "purposes": ["technical", "license_delivery"]}],
     "contracts": [{"number": "0351200000126000017", "signed_on": date(2026, 4, 1), "amount": {"kopecks": 298_500_000},
                    "sla": "standard", "valid_from": date(2026, 4, 1), "valid_to": date(2026, 12, 31)}]},
    {"card": {"name": "ООО «Казань Ритейл Групп»", "inn": "1655209870", "kpp": "165501001", "segment": "mid_market",
              "deployment": "saas"},
     "contacts": [{"name": "Рустам Гарипов", "position": "Коммерческий директор", "email": "garipov@kzn-retail.ru",
                   "phone": "+78432023344", "purposes": ["general", "billing"]}],
     "contracts": [{"number": "КРГ-2026-03", "signed_on": date(2026, 3, 12), "amount": {"kopecks": 36_000_000},
                    "sla": "basic", "valid_from": date(2026, 3, 12), "valid_to": None}]},
    {"card": {"name": "ИП Сафина А. Р.", "legal_name": "Индивидуальный предприниматель Сафина Алина Рустемовна",
              "inn": "027812345646", "segment": "smb", "deployment": "saas"},
     "contacts": [{"name": "Алина Сафина", "email": "alina@safina-consult.ru", "phone": "+79177001122",
                   "purposes": ["billing", "license_delivery"]}],
     "contracts": []},
]
DEMO_SIGNUP = {"inn": "7703981230", "kpp": "770301001", "segment": "smb", "deployment": "saas",
               "legal_name": "Общество с ограниченной ответственностью «Демо Бюджет»"}


def _actor() -> tuple[Principal, str | None]:
    """The sales manager of the identity seed (else the admin): creates and manages the customers."""
    for email in ("sales@tessera.local", "admin@tessera.local"):
        user = people.find_user_by_email(email)
        if user is not None:
            return Principal(user_id=user.user_id, session_id="seed", audience="console", kind="staff",
                             roles=frozenset(user.staff_roles or {"sales"}), display=f"{user.name} <{user.email}>",
                             mfa=True), user.user_id
    return Principal(user_id="system", session_id="seed", audience="console", kind="staff",
                     roles=frozenset({"admin"}), display="demo seed"), None


def main() -> None:
    actor, manager_id = _actor()
    request = RequestInfo(request_id="demo-seed")
    created = 0
    for customer in CUSTOMERS:
        if repository.find_inn(customer["card"]["inn"]) is not None:
            continue
        card = service.create_customer(CustomerCreate.model_validate({**customer["card"], "manager_id": manager_id}),
                                       actor, request)
        for contact in customer["contacts"]:
            service.add_contact(card.id, ContactCreate.model_validate(contact), actor, request)
        for contract in customer["contracts"]:
            service.add_contract(card.id, ContractCreate.model_validate(contract), actor, request)
        created += 1
    signed_up = service.list_customers(q="демо бюджет").items
    if signed_up and signed_up[0].inn is None and repository.find_inn(DEMO_SIGNUP["inn"]) is None:
        service.update_customer(signed_up[0].id, CustomerUpdate.model_validate({**DEMO_SIGNUP,
                                                                                "manager_id": manager_id}),
                                actor, request, reason="demo: the card of a customer that signed up")
    total = len(service.list_customers(limit=100).items)
    print(json.dumps({"customers": str(total), "created": str(created)}))


if __name__ == "__main__":
    main()
