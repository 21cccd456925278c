"""Finish stage, for bundles: every embedded font subset gets a tag of its own.

ReportLab tags a document's subsets `AAAAAA+`, `AAAAAB+` … in the order it makes them, so
every leaflet's first subset of FiraGO-Regular is `AAAAAA+FiraGO-Regular`.  Joined into one
bundle, two different subsets would share that name, which a print processor may take for
one font (and then draw the glyphs of one leaflet with the other's subset).  Here each subset
is named again with a tag derived from its font file, so a name means one subset in the file
and a bundle's bytes depend only on its leaflets."""

from __future__ import annotations

import hashlib
import re
from typing import cast

from pypdf import PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, PdfObject, StreamObject

_SUBSET_NAME = re.compile(r"^/[A-Z]{6}\+(.+)$")
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_TAG_LETTERS = 6


def retag_font_subsets(writer: PdfWriter) -> None:
    """Rename each embedded subset font reached from the writer's pages (their resources, the
    forms in them, the annotations' appearances) `TAG+Name`, TAG six capital letters from a
    hash of the subset's font file and name: the /BaseFont of the font (and of a Type0 font's
    descendant CIDFont), the /FontName of its descriptor, and the name its ToUnicode CMap
    carries.  Two different subsets never share a name (a clash of hashes takes the next
    tag); the same subset embedded twice keeps one name."""
    owners: dict[str, bytes] = {}  # new name -> digest of the font file named so
    seen: set[int] = set()
    for page in writer.pages:
        for resources in _resources(page, seen):
            for font in cast(DictionaryObject, resources.get("/Font", DictionaryObject())).values():
                font = cast(DictionaryObject, font.get_object())
                if id(font) in seen:
                    continue
                seen.add(id(font))
                _retag(font, owners)


def _retag(font: DictionaryObject, owners: dict[str, bytes]) -> None:
    """One font (a simple font, or a Type0 font whose descendant holds the file)."""
    descendants = [cast(DictionaryObject, d.get_object())
                   for d in cast(ArrayObject, font.get("/DescendantFonts", ArrayObject()))]
    for holder in descendants or [font]:
        old = str(holder.get("/BaseFont", ""))
        subset = _SUBSET_NAME.match(old)
        descriptor = holder.get("/FontDescriptor")
        if subset is None or descriptor is None:
            continue  # (not a subset: its name is the font's own)
        descriptor = cast(DictionaryObject, descriptor.get_object())
        file = next((descriptor[key] for key in _FONT_FILES if key in descriptor), None)
        if file is None:
            continue
        digest = hashlib.sha256(cast(StreamObject, file.get_object()).get_data()).digest()
        new = _free_name(subset.group(1), digest, owners)
        holder[NameObject("/BaseFont")] = NameObject(new)
        descriptor[NameObject("/FontName")] = NameObject(new)
        top = str(font.get("/BaseFont", ""))
        if holder is not font and top.startswith(old):  # (a Type0 font: `TAG+Name-Identity-H`)
            font[NameObject("/BaseFont")] = NameObject(new + top[len(old):])
        if "/ToUnicode" in font:
            _rename_cmap(cast(StreamObject, font["/ToUnicode"].get_object()), old[1:], new[1:])


def _free_name(base: str, digest: bytes, owners: dict[str, bytes]) -> str:
    """`/TAG+base`, its tag from ``digest`` (and, after a clash, a counter), not yet
    taken by another font file."""
    attempt = 0
    while True:
        seed = hashlib.sha256(attempt.to_bytes(4, "big") + base.encode() + digest).digest()
        name = "/" + "".join(chr(ord("A") + byte % 26) for byte in seed[:_TAG_LETTERS]) + "+" + base
        if owners.setdefault(name, digest) == digest:
            return name
        attempt += 1


def _rename_cmap(cmap: StreamObject, old: str, new: str) -> None:
    """The subset's name where a ToUnicode CMap says it (its /CMapName and CIDSystemInfo,
    as ReportLab writes them); a CMap in a filter pypdf cannot write again is left as is."""
    pattern = re.compile(rb"(?<=[(/])" + re.escape(old.encode()) + rb"(?=[)\s])")
    data = cmap.get_data()
    renamed = pattern.sub(new.encode(), data)
    if renamed != data:
        try:
            cmap.set_data(renamed)
        except PdfReadError:
            pass


def _resources(page: DictionaryObject, seen: set[int]) -> list[DictionaryObject]:
    """The resource dictionaries a page draws with: its own, its forms' (nested), and its
    annotations' appearance streams'."""
    found: list[DictionaryObject] = []
    streams: list[PdfObject] = [page]
    for annotation in cast(ArrayObject, page.get("/Annots", ArrayObject())):
        appearances = cast(DictionaryObject, annotation.get_object()).get("/AP")
        for state in cast(DictionaryObject, appearances.get_object() if appearances else DictionaryObject()).values():
            state = state.get_object()
            streams.extend(state.values() if not isinstance(state, StreamObject) else [state])
    while streams:
        holder = cast(DictionaryObject, streams.pop().get_object())
        resources = holder.get("/Resources")
        if resources is None or id(resources.get_object()) in seen:
            continue
        resources = cast(DictionaryObject, resources.get_object())
        seen.add(id(resources))
        found.append(resources)
        for xobject in cast(DictionaryObject, resources.get("/XObject", DictionaryObject())).values():
            if cast(DictionaryObject, xobject.get_object()).get("/Subtype") == "/Form":
                streams.append(xobject)
    return found
