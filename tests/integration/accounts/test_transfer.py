"""CSV and XLSX: export with the list's filters, import with row-level errors, a dry run, apply, and a
re-import of the same file that changes nothing."""

import base64
import csv
import io
from typing import Any

from openpyxl import Workbook, load_workbook

from tests.integration.accounts.helpers import create, inn10, inn12
from tests.integration.stack import Client

BASE = "/api/console/customers"
HEADER = ["ИНН", "КПП", "Наименование", "Полное наименование", "Сегмент", "Тип внедрения", "Менеджер (e-mail)"]


def _csv(rows: list[list[str]], delimiter: str = ";") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return base64.b64encode(("\ufeff" + buffer.getvalue()).encode()).decode()


def _xlsx(rows: list[list[Any]]) -> str:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode()


def _import(console: Client, content: str, format: str = "csv", dry_run: bool = True) -> Any:
    answer = console.post(f"{BASE}/import", {"format": format, "content_base64": content, "dry_run": dry_run,
                                             "file_name": f"clients.{format}"})
    assert answer.status == 200, answer.body
    return answer.body


def _names(console: Client) -> list[str]:
    return [c["name"] for c in console.get(BASE).body["items"]]


def test_a_file_with_errors_is_reported_by_line_and_changes_nothing(console: Client) -> None:
    good = inn10("770812345")
    rows = [HEADER,
            [good, "770101001", "ООО «Альфа»", "", "smb", "on_prem", ""],
            [good[:-1] + str((int(good[-1]) + 1) % 10), "770101001", "ООО «Бета»", "", "smb", "saas", ""],
            [inn10("770812346"), "770101001", "ООО «Гамма»", "", "retail", "saas", ""],
            [good, "770101001", "ООО «Альфа-2»", "", "smb", "saas", ""],
            [inn10("770812347"), "770101001", "ООО «Дельта»", "", "smb", "saas", "nobody@tessera.local"],
            [inn10("770812348"), "", "ООО «Эпсилон»", "", "smb", "saas", ""]]
    for dry_run in (True, False):
        report = _import(console, _csv(rows), dry_run=dry_run)
        assert report["applied"] is False and report["rows"] == 6
        problems = [(e["line"], e["field"], e["code"]) for e in report["errors"]]
        assert problems == [(3, "inn", "inn_invalid"), (4, "segment", "literal_error"),
                            (5, "inn", "duplicate-inn"), (6, "manager_email", "manager-unknown"),
                            (7, None, "kpp_required")]
    assert _names(console) == []  # nothing half-applied
    missing = _import(console, _csv([["ИНН", "Наименование"], [good, "ООО «Альфа»"]]))
    assert [(e["line"], e["field"], e["code"]) for e in missing["errors"]] == [
        (1, "segment", "missing-column"), (1, "deployment", "missing-column")]
    broken = console.post(f"{BASE}/import", {"format": "xlsx", "content_base64": _csv(rows), "dry_run": True})
    assert broken.status == 422 and broken.code == "import-unreadable"
    assert console.post(f"{BASE}/import", {"format": "csv", "content_base64": "@@@@", "dry_run": True}).code \
        == "import-unreadable"


def test_dry_run_apply_and_idempotent_reimport(console: Client, me: dict[str, Any]) -> None:
    existing = create(console, inn10("770812345"), name="ООО «Альфа»", segment="smb")
    rows = [HEADER,
            [existing["inn"], "770101001", "ООО «Альфа»", existing["legal_name"], "enterprise", "on_prem", ""],
            [inn10("770812346"), "770101001", "ООО «Бета»", "", "mid_market", "saas", me["email"]],
            [inn12("7708123456"), "", "ИП Петров П. П.", "", "smb", "saas", ""]]
    content = _csv(rows, delimiter=",")
    preview = _import(console, content)
    assert (preview["created"], preview["updated"], preview["unchanged"], preview["errors"]) == (2, 1, 0, [])
    assert preview["preview"][0]["changes"] == {"segment": ["smb", "enterprise"]}
    assert _names(console) == ["ООО «Альфа»"]  # a dry run writes nothing
    applied = _import(console, content, dry_run=False)
    assert applied["applied"] is True and (applied["created"], applied["updated"]) == (2, 1)
    assert _names(console) == ["ООО «Альфа»", "ООО «Бета»", "ИП Петров П. П."]
    beta = console.get(BASE, query={"q": inn10("770812346")}).body["items"][0]
    assert (beta["manager_id"], beta["segment"]) == (me["id"], "mid_market")
    again = _import(console, content, dry_run=False)
    assert (again["created"], again["updated"], again["unchanged"], again["applied"]) == (0, 0, 3, True)
    activity = console.get(f"{BASE}/{existing['id']}/activity").body["items"]
    assert [e["action"] for e in activity] == ["customer.update", "customer.create"]
    assert activity[0]["reason"] == "import clients.csv"


def test_export_csv_and_xlsx_round_trip(console: Client, me: dict[str, Any]) -> None:
    create(console, inn10("020812345"), name="ООО «Уфа-Софт»", segment="public_sector", manager_id=me["id"],
           notes="=HYPERLINK(\"http://evil\")")
    create(console, inn10("770812346"), name="АО «Бета»", segment="enterprise", deployment="saas")
    csv_file = console.get(f"{BASE}/export", query={"format": "csv"})
    assert csv_file.status == 200 and csv_file.headers["content-type"].startswith("text/csv")
    assert 'filename="tessera-customers-' in csv_file.headers["content-disposition"]
    text = csv_file.raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["ИНН", "КПП", "Наименование"]
    assert [r[2] for r in rows[1:]] == ["АО «Бета»", "ООО «Уфа-Софт»"]
    assert rows[2][0].startswith("0") and rows[2][6] == me["email"]
    assert rows[2][7].startswith("'=")  # defused for spreadsheets
    only = console.get(f"{BASE}/export", query={"format": "csv", "segment": "enterprise"}).raw.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(only)))) == 2

    xlsx_file = console.get(f"{BASE}/export", query={"format": "xlsx"})
    assert xlsx_file.status == 200
    sheet = load_workbook(io.BytesIO(xlsx_file.raw)).active
    assert [c.value for c in sheet[3]][:2] == [inn10("020812345"), "770101001"]  # text: the leading 0 stays

    for format, raw in (("csv", csv_file.raw), ("xlsx", xlsx_file.raw)):
        report = _import(console, base64.b64encode(raw).decode(), format=format, dry_run=False)
        assert report["errors"] == [] and (report["unchanged"], report["created"], report["updated"]) == (2, 0, 0)
    card = console.get(BASE, query={"q": inn10("020812345")}).body["items"][0]
    assert console.get(f"{BASE}/{card['id']}").body["notes"] == "=HYPERLINK(\"http://evil\")"


def test_xlsx_import_with_numeric_cells(console: Client) -> None:
    inn = inn10("020812345")  # a spreadsheet keeps it as the number 20812345.., dropping the 0
    content = _xlsx([HEADER[:6], [int(inn), 770101001, "ООО «Уфа»", None, "smb", "on_prem"]])
    report = _import(console, content, format="xlsx", dry_run=False)
    assert report["errors"] == [] and report["created"] == 1
    assert console.get(BASE).body["items"][0]["inn"] == inn
