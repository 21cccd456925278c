"""Finish stage, for a build's bundles: several finished leaflets joined into one PDF by
pypdf, their structure trees joined into one (a Part per leaflet)."""

from __future__ import annotations

import io
from typing import cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf import __version__ as pypdf_version
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from carepress.finish import catalog_lang, copy_metadata, make_pdfa, print_only_description
from carepress.font_subsets import retag_font_subsets
from carepress.languages import right_to_left
from carepress.pdfa import file_identifier
from carepress.pypdf_compat import add_object


def bundle(leaflets: list[bytes], reading_copy: str | None = None) -> tuple[bytes, int]:
    """One PDF holding several leaflets in order, a bookmark per leaflet titled as the leaflet
    is (pypdf); and its page count.

    Tagged leaflets make a tagged PDF/UA-1 bundle: their structure trees become one, each
    leaflet's a Part of the bundle's Document (see _BundleStructure).  A bundle of print-only
    sheets (imposed booklets: ``reading_copy`` names the bundle of their reading order) is
    declared print-only as each of its leaflets is, and claims no PDF/UA; so is, without the
    claim, a bundle with a leaflet that has no structure tree (one an older carepress made)."""
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(data)) for data in leaflets]
    tagged = reading_copy is None and bool(readers) and all(
        "/StructTreeRoot" in _catalog(reader) for reader in readers)
    structure = _BundleStructure(writer) if tagged else None
    titles = []
    for number, reader in enumerate(readers):
        title = str(reader.metadata.title if reader.metadata and reader.metadata.title
                    else f"Leaflet {number + 1}")
        start = len(writer.pages)
        pages = [writer.add_page(page) for page in reader.pages]
        writer.add_outline_item(title=title, page_number=start)
        if structure is not None:  # (after its pages: the tree's references map onto them)
            structure.merge(reader, pages, title)
        titles.append(title)
        if number == 0:
            copy_metadata(reader, writer)
    if titles:
        writer.add_metadata({"/Title": " · ".join(titles)})
    if reading_copy is not None:
        writer.add_metadata({"/Subject": print_only_description(" · ".join(titles), reading_copy)})
    if structure is not None:
        structure.finish()
    retag_font_subsets(writer)  # (every leaflet's first subset of a font is `AAAAAA+`)
    make_pdfa(writer, file_identifier(*leaflets, pypdf_version.encode()), pdfua=tagged,
               reading_copy=reading_copy)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


class _BundleStructure:
    """The structure tree of a bundle: one Document element whose kids are the leaflets'
    trees, each a Part, in order.

    Each leaflet's elements are cloned by pypdf into the bundle after its pages, from the
    same reader: pypdf maps every object it has cloned once (the pages, and the link and
    form annotations on them) to that one copy, so each element's /Pg, each marked-content
    reference's /Pg and each object reference's /Obj point at the bundle's own page and
    annotation objects, and nothing is copied twice (tests/test_bundle_structure.py checks
    it).  The keys of the parent tree (a page's /StructParents, an annotation's
    /StructParent) are renumbered: each leaflet's are moved past those of the leaflets
    before it, and the leaflets' parent trees are joined with those offsets."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.root = add_object(writer, DictionaryObject())
        self.document = add_object(writer, DictionaryObject())
        self.parts = ArrayObject()
        self.nums: list[tuple[int, PdfObject]] = []
        self.next_key = 0
        self.maps: dict[str, DictionaryObject] = {}  # /RoleMap, /ClassMap (carepress writes none)

    def merge(self, reader: PdfReader, pages: list[PageObject], title: str) -> None:
        tree = cast(DictionaryObject, _catalog(reader)["/StructTreeRoot"])
        offset = self.next_key
        for page, original in zip(pages, reader.pages):
            if "/StructParents" in original:  # (pypdf's add_page leaves it out)
                parents = cast(NumberObject, original["/StructParents"])
                page[NameObject("/StructParents")] = NumberObject(parents + offset)
            page[NameObject("/Tabs")] = NameObject("/S")
            for annotation in page.get("/Annots", ArrayObject()):
                annotation = annotation.get_object()
                if "/StructParent" in annotation:
                    annotation[NameObject("/StructParent")] = NumberObject(annotation["/StructParent"] + offset)
        # The tree first, its top element cloned without its /P ([1, "/P"]: the list's number
        # is how many levels the names after it apply to), so that the leaflet's old tree root
        # is not copied (its descendants' /P point at the top element's copy); then the parent
        # tree, whose elements are all copied by then (cloned first, an element would bring
        # its ancestors and the old root with it).
        kids = tree.raw_get("/K")
        kids = list(kids) if isinstance(kids, ArrayObject) else [kids]
        # (a structure element: a dictionary)
        first = cast(DictionaryObject, kids[0].get_object()) if len(kids) == 1 else None
        part: DictionaryObject
        if first is not None and first.get("/S") == "/Document":
            copied = kids[0].clone(self.writer, ignore_fields=[1, "/P"])
            part = cast(DictionaryObject, copied.get_object())
        else:  # (not a tree carepress writes: its top elements go into a Part of their own)
            part_kids = ArrayObject()
            part = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                     NameObject("/K"): part_kids})
            reference = add_object(self.writer, part)
            for kid in kids:
                copy = kid.clone(self.writer, ignore_fields=[1, "/P"])
                cast(DictionaryObject, copy.get_object())[NameObject("/P")] = reference
                part_kids.append(copy)
        keys = []
        for key, value in _number_tree(tree.get("/ParentTree")):
            keys.append(key)
            self.nums.append((key + offset, value.clone(self.writer)))
        self.next_key = offset + max(int(tree.get("/ParentTreeNextKey", 0)), max(keys, default=-1) + 1)
        for name in ("/RoleMap", "/ClassMap"):
            if name in tree:
                self.maps.setdefault(name, DictionaryObject()).update(
                    cast(DictionaryObject, tree[name].clone(self.writer)))
        part[NameObject("/S")] = NameObject("/Part")
        part[NameObject("/T")] = TextStringObject(title)
        part[NameObject("/P")] = self.document
        self.parts.append(part.indirect_reference)

    def finish(self) -> None:
        """The bundle's tree root and Document element, its parent tree, and what the
        catalog of a tagged PDF/UA document says."""
        writer = self.writer
        cast(DictionaryObject, self.document.get_object()).update({
            NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Document"),
            NameObject("/P"): self.root, NameObject("/K"): self.parts})
        nums = ArrayObject()
        for key, value in sorted(self.nums, key=lambda item: item[0]):
            nums += [NumberObject(key), value]
        root = cast(DictionaryObject, self.root.get_object())
        root.update({
            NameObject("/Type"): NameObject("/StructTreeRoot"), NameObject("/K"): self.document,
            NameObject("/ParentTree"): add_object(writer, DictionaryObject({NameObject("/Nums"): nums})),
            NameObject("/ParentTreeNextKey"): NumberObject(self.next_key)})
        root.update({NameObject(name): value for name, value in self.maps.items()})
        catalog = writer.root_object
        catalog[NameObject("/StructTreeRoot")] = self.root
        catalog[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
        preferences = catalog.get("/ViewerPreferences")
        preferences = DictionaryObject() if preferences is None else preferences.get_object()
        preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
        lang = catalog_lang(writer)
        if lang is not None and right_to_left(lang):
            preferences[NameObject("/Direction")] = NameObject("/R2L")
        catalog[NameObject("/ViewerPreferences")] = preferences


def _catalog(reader: PdfReader) -> DictionaryObject:
    """The reader's catalog (the trailer's getter resolves its reference)."""
    return cast(DictionaryObject, reader.trailer["/Root"])


def _number_tree(node: PdfObject | None) -> list[tuple[int, PdfObject]]:
    """The (key, value) pairs of a number tree (a parent tree), in its order."""
    if node is None:
        return []
    node = cast(DictionaryObject, node.get_object())
    pairs = []
    nums = node.get("/Nums", ArrayObject())
    for index in range(0, len(nums) - 1, 2):
        pairs.append((int(nums[index]), nums[index + 1]))  # (a reference stays one)
    for kid in node.get("/Kids", ArrayObject()):
        pairs.extend(_number_tree(kid))
    return pairs
