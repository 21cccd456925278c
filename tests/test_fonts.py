"""ReportLab's parse of a font, kept in the user cache: the same face as a fresh parse."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFontFace

from carepress.fontfiles import package_font_bytes
from carepress.typeset.reportlab_compat import parsed_face


@pytest.mark.parametrize("module", ["FiraGO_Regular", "FiraGO_Bold"])
def test_a_face_read_from_the_cache_is_the_face_reportlab_parses(module: str, user_cache: Path) -> None:
    data = package_font_bytes(f"pymupdf_fonts.{module}")
    assert data is not None
    fresh = TTFontFace(io.BytesIO(data))
    stored = parsed_face(data)  # (parses, and keeps it)
    assert len(list((user_cache / "faces").iterdir())) == 1
    read = parsed_face(data)
    for face in (stored, read):
        assert type(face) is TTFontFace
        assert {k: v for k, v in vars(face).items() if k != "_pdfScale"} == \
            {k: v for k, v in vars(fresh).items() if k != "_pdfScale"}
        assert [face._pdfScale(v) for v in (0, 1, 777, -2048, 1.5)] == \
            [fresh._pdfScale(v) for v in (0, 1, 777, -2048, 1.5)]
    assert read is not stored and read.makeSubset([0, 65, 66]) == fresh.makeSubset([0, 65, 66])
