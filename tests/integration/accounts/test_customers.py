"""The customer card: create with ИНН/КПП checks, change, status with a reason, the list with filters,
search and cursor pagination; a customer that signed up is the same organization."""

from typing import Any

from tests.integration.accounts.helpers import card, create, inn10, inn12
from tests.integration.identity.flows import customer
from tests.integration.stack import Client, Platform

BASE = "/api/console/customers"


def test_create_and_read_the_card(console: Client, me: dict[str, Any]) -> None:
    inn = inn10("770812345")
    created = create(console, inn, segment="enterprise", deployment="saas", manager_id=me["id"], notes="VIP")
    assert (created["inn"], created["kpp"], created["segment"], created["status"]) == (inn, "770101001",
                                                                                       "enterprise", "active")
    assert created["manager"] == {"id": me["id"], "name": me["name"], "email": me["email"]}
    assert created["complete"] is True and created["source"] == "staff"
    again = console.get(f"{BASE}/{created['id']}")
    assert again.status == 200 and again.body == created
    events = console.get(f"{BASE}/{created['id']}/activity").body["items"]
    assert [e["action"] for e in events] == ["customer.create"]


def test_invalid_identifiers_are_refused_with_field_errors(console: Client) -> None:
    bad_checksum = inn10("770812345")[:-1] + str((int(inn10("770812345")[-1]) + 1) % 10)
    answer = console.post(BASE, card(bad_checksum))
    assert answer.status == 422 and answer.code == "validation-failed"
    assert [e["loc"] for e in answer.body["errors"]] == ["body.inn"]
    assert console.post(BASE, card(inn10("770812345"), kpp="77AB")).body["errors"][0]["loc"] == "body.kpp"
    no_kpp = console.post(BASE, card(inn10("770812345"), kpp=None))
    assert no_kpp.status == 422 and "КПП" in no_kpp.body["errors"][0]["msg"]
    sole_trader = console.post(BASE, card(inn12("7708123456"), name="ИП Иванов И. И.", kpp="770101001"))
    assert sole_trader.status == 422
    assert console.post(BASE, card(inn12("7708123456"), name="ИП Иванов И. И.")).status == 201
    assert console.get(BASE).body["items"][0]["name"] == "ИП Иванов И. И."


def test_an_inn_belongs_to_one_customer(console: Client) -> None:
    inn = inn10("500100732")
    first = create(console, inn)
    taken = console.post(BASE, card(inn, name="ООО «Другое»"))
    assert taken.status == 409 and taken.code == "inn-taken" and taken.body["org_id"] == first["id"]
    other = create(console, inn10("500100733"), name="ООО «Другое»")
    moved = console.patch(f"{BASE}/{other['id']}", {"inn": inn})
    assert moved.status == 409 and moved.code == "inn-taken"
    # the first customer gives its ИНН up: now the other may take it
    freed = console.patch(f"{BASE}/{first['id']}", {"inn": inn10("500100734")})
    assert freed.status == 200, freed.body
    assert console.patch(f"{BASE}/{other['id']}", {"inn": inn}).body["inn"] == inn
    assert console.get(BASE, query={"q": inn}).body["items"][0]["id"] == other["id"]


def test_the_manager_must_be_active_staff(stack: Platform, console: Client) -> None:
    unknown = console.post(BASE, card(inn10("770812345"), manager_id="usr_01JAAAAAAAAAAAAAAAAAAAAAAA"))
    assert unknown.status == 422 and unknown.code == "manager-unknown"
    _, owner = customer(stack, "owner@romashka.ru")
    not_staff = console.post(BASE, card(inn10("770812345"), manager_id=owner["user"]["id"]))
    assert not_staff.status == 422 and not_staff.code == "manager-unknown"


def test_update_and_status_changes_are_audited_with_a_reason(console: Client, me: dict[str, Any]) -> None:
    created = create(console, inn10("770812345"))
    path = f"{BASE}/{created['id']}"
    changed = console.patch(path, {"name": "ООО «Ромашка Плюс»", "manager_id": me["id"], "notes": None})
    assert changed.status == 200 and changed.body["name"] == "ООО «Ромашка Плюс»"
    assert console.patch(path, {"segment": None}).code == "card-field-required"
    assert console.patch(path, {"kpp": None}).code == "kpp-required"
    assert console.post(f"{path}/status", {"status": "blocked"}).status == 422  # the reason is required
    blocked = console.post(f"{path}/status", {"status": "blocked", "reason": "TCK-42 долг по оплате"})
    assert blocked.body["status"] == "blocked" and blocked.body["status_reason"] == "TCK-42 долг по оплате"
    events = console.get(f"{path}/activity").body["items"]
    assert [e["action"] for e in events] == ["customer.status", "customer.update", "customer.create"]
    assert events[0]["reason"] == "TCK-42 долг по оплате"
    assert events[0]["diff"] == {"status": ["active", "blocked"]}
    assert events[1]["diff"]["name"] == ["ООО «Ромашка»", "ООО «Ромашка Плюс»"]
    assert console.post(f"{BASE}/org_01JAAAAAAAAAAAAAAAAAAAAAAA/status",
                        {"status": "active", "reason": "проверка"}).code == "customer-unknown"


def test_list_filters_search_and_pages(console: Client, me: dict[str, Any]) -> None:
    names = ["ООО «Альфа»", "АО «Бета Системс»", "ООО «Гамма»", "ПАО «Дельта Банк»", "ООО «Ёлка»"]
    made = []
    for i, name in enumerate(names):
        segment = "enterprise" if i % 2 else "smb"
        made.append(create(console, inn10(f"77081234{i}"), name=name, segment=segment,
                           manager_id=me["id"] if i < 2 else None))
    console.post(f"{BASE}/{made[4]['id']}/status", {"status": "archived", "reason": "закрыт"})

    def ids(**query: str) -> list[str]:
        return [c["name"] for c in console.get(BASE, query=query).body["items"]]

    assert ids() == names  # by name
    assert ids(segment="enterprise") == ["АО «Бета Системс»", "ПАО «Дельта Банк»"]
    assert ids(manager_id=me["id"]) == ["ООО «Альфа»", "АО «Бета Системс»"]
    assert ids(manager_id=me["id"], segment="smb") == ["ООО «Альфа»"]
    assert ids(status="archived") == ["ООО «Ёлка»"]
    assert ids(q="банк") == ["ПАО «Дельта Банк»"]
    assert ids(q="елка") == ["ООО «Ёлка»"]  # ё and е are one letter to the search
    assert ids(q=made[2]["inn"]) == ["ООО «Гамма»"]
    assert ids(q="нет такого") == []
    assert console.get(BASE, query={"segment": "retail"}).status == 422
    seen, cursor = [], None
    while True:
        page = console.get(BASE, query={"limit": "2", **({"cursor": cursor} if cursor else {})}).body
        assert len(page["items"]) <= 2
        seen += [c["name"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == names
    assert console.get(BASE, query={"cursor": "!!"}).code == "invalid-cursor"


def test_a_signed_up_customer_is_an_organization_staff_complete(stack: Platform, console: Client) -> None:
    _, me = customer(stack, "owner@romashka.ru", company="ООО «Ромашка»")
    org_id = me["current"]["org_id"]
    listed = console.get(BASE).body["items"]
    assert [(c["id"], c["inn"]) for c in listed] == [(org_id, None)]
    assert console.get(f"{BASE}/{org_id}").body["complete"] is False
    completed = console.patch(f"{BASE}/{org_id}", {"inn": inn10("770812345"), "kpp": "770101001",
                                                   "segment": "smb", "deployment": "saas"})
    assert completed.status == 200 and completed.body["complete"] is True
    assert completed.body["source"] == "signup"


def test_developers_see_personal_data_masked(console: Client) -> None:
    sole = create(console, inn12("7708123456"), name="ИП Иванов Иван Иванович")
    console.post(f"{BASE}/{sole['id']}/contacts", {"name": "Иван Иванов", "email": "ivan@example.ru",
                                                   "phone": "+79161234567", "purposes": ["billing"]})
    console.post(f"{BASE}/{sole['id']}/notes", {"text": "Звонить после 18:00 на личный"})
    developer = Client()
    developer.as_principal = {"user_id": "usr_01JDEVELOPER00000000000000", "session_id": "ses_d",
                              "audience": "console", "kind": "staff", "roles": '["developer"]', "org_id": "",
                              "mfa": True, "display": "Dev"}
    seen = developer.get(f"{BASE}/{sole['id']}").body
    assert seen["name"] == "И*** И*** И*** И***" and seen["inn"].endswith("********")
    contact = developer.get(f"{BASE}/{sole['id']}/contacts").body["items"][0]
    assert (contact["name"], contact["email"], contact["phone"]) == ("И*** И***", "i***@example.ru", "+7***67")
    assert developer.get(f"{BASE}/{sole['id']}/notes").body["items"][0]["text"] == "***"
    assert all(e["diff"] is None for e in developer.get(f"{BASE}/{sole['id']}/activity").body["items"])
    assert developer.post(f"{BASE}/{sole['id']}/notes", {"text": "x"}).code == "forbidden-action"
    plain = console.get(f"{BASE}/{sole['id']}/contacts").body["items"][0]
    assert plain["email"] == "ivan@example.ru"


def test_a_sales_managers_new_customer_is_theirs_unless_another_manager_is_named(
        stack: Platform, console: Client, me: dict[str, Any]) -> None:
    sales_id = console.post("/api/console/staff", {"email": "marina@tessera.local", "name": "Марина",
                                                   "roles": ["sales"]}).body["id"]
    token = stack.link_in_last_mail("marina@tessera.local", "/invite/").rsplit("/", 1)[1]
    sales = Client()
    assert sales.post(f"/api/auth/invites/{token}/accept", {"password": "staff-secret-12"}).status == 200

    own = create(sales, inn10("770812345"), name="ООО «Своя»")
    assert own["manager"] == {"id": sales_id, "name": "Марина", "email": "marina@tessera.local"}
    named = create(sales, inn10("770812346"), name="ООО «Коллеги»", manager_id=me["id"])
    assert named["manager_id"] == me["id"]
    by_admin = create(console, inn10("770812347"), name="ООО «Без менеджера»")
    assert by_admin["manager"] is None  # an admin's new customer has no manager until one is named
    mine = sales.get(BASE, query={"manager_id": sales_id}).body["items"]
    assert [c["name"] for c in mine] == ["ООО «Своя»"]
    events = sales.get(f"{BASE}/{own['id']}/activity").body["items"]
    assert events[0]["action"] == "customer.create" and events[0]["diff"]["manager_id"] == [None, sales_id]
