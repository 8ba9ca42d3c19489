"""A4 PDF documents in Russian with fpdf2 (pure Python) and PT Sans (ParaType, SIL Open Font License; from
the `fontpkg-pt-sans` package), made for Russian: Cyrillic text renders as text, not as boxes, and stays
searchable. Only the glyphs used are embedded (fpdf2 subsets), so a document is tens of kilobytes.

fpdf2 and the font are in the ReportsLayer, which only the functions that render carry: they are
imported when a document is made, never at module scope."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "PTSans"


@cache
def _font_dir() -> Path:
    import fontpkg_pt_sans

    return Path(fontpkg_pt_sans.ROOT) / "files"


def new_document(title: str, orientation: Literal["portrait", "landscape"] = "portrait",
                 bottom_margin: float = 12) -> FPDF:
    """An empty A4 document with PT Sans regular ("") and bold ("B") and automatic page breaks."""
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, format="A4")
    pdf.set_title(title)
    pdf.set_creator("Tessera")
    pdf.add_font(FONT, "", str(_font_dir() / "PT_Sans-Web-Regular.ttf"))
    pdf.add_font(FONT, "B", str(_font_dir() / "PT_Sans-Web-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=bottom_margin)
    return pdf
