"""ReportLab's parse of a font, kept in the user cache: the same face as a fresh parse."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import firago_file
from reportlab.pdfbase.ttfonts import TTFontFace

from carepress.typeset.reportlab_compat import parsed_face


@pytest.mark.parametrize("face", ["Regular", "Bold"])
def test_a_face_read_from_the_cache_is_the_face_reportlab_parses(face: str, user_cache: Path) -> None:
    data = firago_file(face)
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
