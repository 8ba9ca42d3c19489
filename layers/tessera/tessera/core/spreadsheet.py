"""Tables as CSV or XLSX files for people to open in Excel or LibreOffice. Every text cell is defused:
a spreadsheet must never run what a user typed (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # Excel evaluates a cell starting with these


def defuse(value: str) -> str:
    """A leading apostrophe makes Excel and LibreOffice show the text instead of evaluating it."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def undefuse(value: str) -> str:
    """What `defuse` wrote, read back (an imported file we exported)."""
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_START and value[1:2] != "" else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with a BOM (so Excel reads Cyrillic right), comma-separated, RFC 4180 quoting and CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([defuse(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[str]],
            widths: Sequence[int] = ()) -> bytes:
    """openpyxl write-only mode: rows stream out as they come; a bold, frozen header row; text cells (an
    ИНН keeps its leading zeros)."""
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
        # control characters are not allowed in XLSX cells (openpyxl would refuse the whole file)
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", defuse(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
