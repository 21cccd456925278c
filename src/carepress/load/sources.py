"""Source documents: plain text split into numbered paragraphs, plus a metadata file.

A source is two files in ``handouts/sources/``: ``ID.txt`` (the text exactly as received)
and ``ID.yaml`` (title, publisher, date received, which paragraphs are page furniture).
Paragraphs are blocks separated by blank lines; every block gets a number, furniture
included, so nothing in the document is dropped without an author seeing it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

from carepress.errors import CarepressError, Diagnostic, Diagnostics, Origin
from carepress.load.inside import outside, outside_message, project_root_of
from carepress.load.schema import Date, Field, Integer, ListOf, Record, Text, load_folder, read_document
from carepress.model import Paragraph, Source

PIN_LENGTH = 8


def normalise(text: str) -> str:
    """The form passages are compared and pinned in: NFC, whitespace runs as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@functools.lru_cache(maxsize=1 << 16)
def pin_of(text: str) -> str:
    """A short, stable hash of a passage's normalised text.  Kept per text: the English of
    every unit is hashed again for each leaflet of each language that translates it."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:PIN_LENGTH]


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Blocks separated by blank lines, numbered from 1, each with its first line number."""
    paragraphs: list[Paragraph] = []
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line.strip())
        elif block:
            paragraphs.append(Paragraph(len(paragraphs) + 1, normalise(" ".join(block)), start))
            block = []
    if block:
        paragraphs.append(Paragraph(len(paragraphs) + 1, normalise(" ".join(block)), start))
    return tuple(paragraphs)


def source_schema(meta_path: Path) -> Record[dict[str, Any]]:
    return Record(
        {
            "title": Field(Text(), doc="the document's title, or a description if it has none"),
            "publisher": Field(Text(), doc="as named in the text, otherwise `not stated`"),
            "received": Field(Date(), doc="the date the clinic received the document"),
            "published": Field(Date(), required=False,
                               doc="the document's own date (publication or last review), if it gives one"),
            "file": Field(Text(), required=False, default=f"{meta_path.stem}.txt"),
            "furniture": Field(ListOf(Integer(minimum=1)), required=False, default=(),
                               doc="paragraph numbers that are page furniture, never quoted"),
            "notes": Field(Text(), required=False, default=""),
        },
        lambda values, origin: {**values, "origin": origin},
    )


def load_source(meta_path: Path, diagnostics: Diagnostics) -> Source | None:
    loaded = read_document(meta_path, source_schema(meta_path), diagnostics)
    if loaded is None:
        return None
    data, values = loaded
    text_path = meta_path.parent / values["file"]
    real = outside(text_path, project_root_of(meta_path, 3))
    if real is not None:
        diagnostics.error(data.origin_of("file") if "file" in data else values["origin"],
                          outside_message("source text", values["file"], real))
        return None
    try:
        text = text_path.read_text(encoding="utf-8-sig")  # (a byte-order mark is no text)
    except (OSError, UnicodeDecodeError) as exc:
        diagnostics.error(data.origin_of("file") if "file" in data else values["origin"],
                          f"cannot read source text `{text_path.name}`: {exc}")
        return None
    paragraphs = split_paragraphs(text)
    for index, number in enumerate(values["furniture"]):
        if number > len(paragraphs):
            diagnostics.error(data["furniture"].origin_of(index),
                              f"furniture paragraph {number} does not exist "
                              f"({text_path.name} has {len(paragraphs)} paragraphs)")
    return Source(
        id=meta_path.stem, title=values["title"], publisher=values["publisher"],
        received=values["received"], path=text_path, paragraphs=paragraphs,
        published=values["published"],
        furniture=frozenset(values["furniture"]), notes=values["notes"], origin=values["origin"],
    )


def load_sources(folder: Path, diagnostics: Diagnostics) -> dict[str, Source]:
    if not folder.is_dir():
        raise CarepressError([Diagnostic(Origin(folder), "sources folder not found")])
    return load_folder(folder, load_source, diagnostics)
