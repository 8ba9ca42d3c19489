"""Tables as CSV or XLSX files for people to open in Excel or LibreOffice. Every text cell is defused:
a spreadsheet must never run what a user typed (OWASP CSV injection)."""

from __future__ import annotations

import base64
import binascii
import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal

from tessera.core.errors import FieldError, ValidationFailed

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # Excel evaluates a cell starting with these


def defuse(value: str) -> str:
    """A leading apostrophe makes Excel and LibreOffice show the text instead of evaluating it."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def undefuse(value: str) -> str:
    """What `defuse` wrote, read back (an imported file we exported)."""
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_START and value[1:2] != "" else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[str]], delimiter: str = ",") -> bytes:
    """UTF-8 with a BOM (so Excel reads Cyrillic right), RFC 4180 quoting and CRLF; comma-separated unless
    told otherwise (`;` is what Excel in a Russian locale splits into columns on opening)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([defuse(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[str | Decimal]],
            widths: Sequence[int] = (), number_format: str = "#,##0.00") -> bytes:
    """openpyxl write-only mode: rows stream out as they come; a bold, frozen header row; text cells (an
    ИНН keeps its leading zeros), and Decimal cells as numbers in `number_format` (amounts people sum)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.freeze_panes = "A2"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        values: list[object] = []
        for value in row:
            if isinstance(value, Decimal):
                number = WriteOnlyCell(sheet, value=value)
                number.number_format = number_format
                values.append(number)
            else:
                # control characters are not allowed in XLSX cells (openpyxl would refuse the whole file)
                values.append(ILLEGAL_CHARACTERS_RE.sub("", defuse(value)))
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading an uploaded table ----------------------------------------------------------------------

def cell_text(value: Any) -> str:
    """A cell as the text a person typed (a whole number read as a float loses its ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return undefuse(str(value).strip())


def read_csv(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each line, at most `max_rows` + 1 lines read: UTF-8 (with or without a BOM) or
    Windows-1251 (Excel's "CSV" in a Russian Windows), split by `,`, `;` or tab, whichever the first line has
    most of."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")
    delimiter = max((",", ";", "\t"), key=lambda d: text[:4096].split("\n", 1)[0].count(d))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found = []
    for values in reader:
        found.append((reader.line_num, [cell_text(v) for v in values]))
        if len(found) > max_rows:
            break
    return found


def read_xlsx(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    """(row number, cells) of the first sheet's rows, at most `max_rows` + 1 rows read."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        found = []
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            found.append((number, [cell_text(v) for v in values]))
            if len(found) > max_rows:
                break
        return found
    finally:
        workbook.close()


def read_table(data: bytes, format: Literal["csv", "xlsx"], max_rows: int) -> list[tuple[int, list[str]]]:
    """The file's non-empty rows with their numbers; raises whatever the parser raises on a damaged file."""
    rows = read_csv(data, max_rows) if format == "csv" else read_xlsx(data, max_rows)
    return [(number, values) for number, values in rows if any(values)]


def read_upload(content_base64: str, format: Literal["csv", "xlsx"], *, max_bytes: int,
                max_rows: int) -> list[tuple[int, list[str]]]:
    """An uploaded file (base64 in a JSON body, as the imports take it) as its non-empty numbered rows; any
    file that cannot be read, or is too large, is a 422 naming the body field."""
    try:
        data = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed("The file is not valid base64.", code="import-unreadable", format="base64",
                               errors=[FieldError("body.content_base64", "not base64", "invalid")]) from exc
    if len(data) > max_bytes:
        raise ValidationFailed("The file is too large.", code="import-too-large", max_rows=max_rows)
    try:
        lines = read_table(data, format, max_rows + 1)
    except Exception as exc:  # a damaged file: whatever the parser raises, the answer is the same
        raise ValidationFailed("The file cannot be read.", code="import-unreadable", format=format.upper(),
                               errors=[FieldError("body.content_base64", "unreadable", "import-unreadable")]) from exc
    if len(lines) > max_rows + 1:
        raise ValidationFailed("The file is too large.", code="import-too-large", max_rows=max_rows)
    return lines
