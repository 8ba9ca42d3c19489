import csv
import io

from openpyxl import load_workbook

from tessera.core.spreadsheet import defuse, to_csv, to_xlsx, undefuse
from tessera.licensing.report_files import Table
from tessera.licensing.report_files import to_xlsx as report_xlsx

TYPED = ['=HYPERLINK("https://evil.example","x")', "+7 (495) 123", "ООО «Ромашка»"]


def test_csv_and_xlsx_defuse_every_text_cell() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(["a", "b", "c"], [TYPED]).decode("utf-8-sig"))))
    assert rows == [["a", "b", "c"], [defuse(v) for v in TYPED]] and rows[1][0].startswith("'=")
    sheet = load_workbook(io.BytesIO(to_xlsx("s", ["a", "b", "c"], [TYPED], widths=(10, 10, 10)))).active
    assert [c.value for c in sheet[2]] == [defuse(v) for v in TYPED]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert [undefuse(defuse(v)) for v in TYPED] == TYPED


def test_report_workbooks_never_hold_a_formula_from_a_name() -> None:
    table = Table(title="Renewals", subtitle="", headers=["Customer", "Amount"], rows=[[TYPED[0], 1200.5]],
                  money_columns={1})
    sheet = load_workbook(io.BytesIO(report_xlsx(table))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "'" + TYPED[0] in values and 1200.5 in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
