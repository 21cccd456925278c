"""Tagged PDF: the structure tree a screen reader walks, and the marked content it points to.

The story (story.py) builds a tree of ``StructNode``s in reading order as it makes the
flowables, and gives each flowable that draws content the node it belongs to (``Marked``
flowables carry it in ``struct``; split parts keep it).  While the document is drawn, the
``Tagger`` on the canvas wraps each such drawing in a marked-content sequence with an MCID
(``/P <</MCID 3>> BDC … EMC``), wraps everything else that paints (page furniture, box
backgrounds, rules) as ``/Artifact``, and files every annotation under the node being
drawn: a link as a Link element, a form field as a Form element.  At save the tree is
written as PDF objects: the StructTreeRoot with its ParentTree, /StructParents on pages and
/StructParent on annotations (write_structure).

Only standard structure types are used (PDF 1.7, 14.8.4), so no RoleMap is needed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Iterator, Union

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFString,
)

from carepress.typeset.reportlab_compat import operators


@dataclass(frozen=True)
class MarkedContent:
    page: int  # 1-based
    mcid: int


@dataclass(eq=False)
class AnnotationKid:
    page: int
    annotation: PDFDictionary
    reference: PDFObjectReference
    key: int = -1  # its /StructParent, set when the tree is written


@dataclass(eq=False)
class StructNode:
    role: str
    parent: "StructNode | None" = None
    alt: str | None = None
    lang: str | None = None
    actual_text: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # a Figure's, on its first page
    kids: list["Kid"] = field(default_factory=list)
    link_texts: dict[str, str] = field(default_factory=dict)  # a link's address -> its text

    def add(self, role: str, **attributes: Any) -> "StructNode":
        child = StructNode(role, self, **attributes)
        self.kids.append(child)
        return child

    def walk(self) -> Iterator["StructNode"]:
        yield self
        for kid in self.kids:
            if isinstance(kid, StructNode):
                yield from kid.walk()

    def has_content(self) -> bool:
        return any(not isinstance(kid, StructNode) or kid.has_content() for kid in self.kids)


Kid = Union[StructNode, MarkedContent, AnnotationKid]


class Marked:
    """A flowable mixin: its drawing is marked as content of ``struct`` when the canvas
    has a Tagger (parts made by split() keep the node: a paragraph split by a page break is
    one P with content on two pages)."""

    struct: StructNode | None = None

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        tagger: Tagger | None = getattr(canvas, "tagger", None)
        if tagger is None or self.struct is None:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
            return
        with tagger.marked(canvas, self.struct):
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]

    def split(self, available_width: float, available_height: float) -> list[Any]:
        parts = super().split(available_width, available_height)  # type: ignore[misc]
        for part in parts:
            if part is not self and isinstance(part, Marked) and part.struct is None:
                part.struct = self.struct
        return parts


def tag(flowable: Any, node: StructNode) -> Any:
    flowable.struct = node
    return flowable


@contextlib.contextmanager
def tagged_artifact(canvas: Any, kind: str | None = None) -> Iterator[None]:
    """What is drawn inside is an artifact, when the canvas is tagged."""
    tagger: Tagger | None = getattr(canvas, "tagger", None)
    if tagger is None:
        yield
        return
    with tagger.artifact(canvas, kind):
        yield


def artifact_table_drawing(table: Any, event: str, *args: Any) -> None:
    """Table(renderCB=…): a layout table's backgrounds and rules are artifacts (its cells'
    flowables mark their own content)."""
    tagger: Tagger | None = getattr(table.canv, "tagger", None)
    if tagger is None:
        return
    if event in ("startBG", "startLines"):
        operators(table.canv).append("/Artifact BMC")
    elif event in ("endBG", "endLines"):
        operators(table.canv).append("EMC")


class Tagger:
    """Marked content and annotations, page by page, for one document."""

    def __init__(self, root: StructNode) -> None:
        self.root = root
        self.page_nodes: dict[int, list[StructNode]] = {}  # page -> the node of each MCID
        self.annotations: list[AnnotationKid] = []
        self.current: StructNode | None = None

    @contextlib.contextmanager
    def marked(self, canvas: Any, node: StructNode) -> Iterator[None]:
        if self.current is not None:  # (already inside a node's content: it is that node's)
            yield
            return
        page = canvas.getPageNumber()
        nodes = self.page_nodes.setdefault(page, [])
        node.kids.append(MarkedContent(page, len(nodes)))
        operators(canvas).append(f"/{_tag(node.role)} <</MCID {len(nodes)}>> BDC")
        nodes.append(node)
        self.current = node
        try:
            yield
        finally:
            self.current = None
            operators(canvas).append("EMC")

    @contextlib.contextmanager
    def artifact(self, canvas: Any, kind: str | None = None) -> Iterator[None]:
        properties = f" <</Type /{kind}>>" if kind else ""
        operators(canvas).append(f"/Artifact{properties} BDC" if properties else "/Artifact BMC")
        try:
            yield
        finally:
            operators(canvas).append("EMC")

    def annotation(self, canvas: Any, annotation: PDFDictionary, reference: PDFObjectReference) -> None:
        """File an annotation made while ``self.current`` was drawn: a link under a Link
        element (its /Contents the words it is on), a form field under a Form element."""
        owner = self.current or self.root
        entries = annotation.dict
        widget = str(entries.get("Subtype", "")).strip("/") == "Widget" or "FT" in entries
        kid = AnnotationKid(canvas.getPageNumber(), annotation, reference)
        if widget:
            owner.add("Form").kids.append(kid)
        else:
            address = _link_address(annotation)
            text = owner.link_texts.get(address, "") if address else ""
            described = _describe_link(text, address)
            entries.setdefault("Contents", PDFString(described))
            owner.add("Link", alt=described).kids.append(kid)
        self.annotations.append(kid)


def _tag(role: str) -> str:
    """The marked-content tag for a node's content (the structure type names it anyway)."""
    return "Span" if role in ("Link", "Form") else role


def _link_address(annotation: PDFDictionary) -> str | None:
    action = annotation.dict.get("A")
    uri = action.dict.get("URI") if isinstance(action, PDFDictionary) else None
    return getattr(uri, "s", None) if uri is not None else None


def _describe_link(text: str, address: str | None) -> str:
    """What a link does, for /Contents: its words, and where it goes when they do not say."""
    if not address:
        return text or "link"
    target = address.removeprefix("tel:").removeprefix("mailto:")
    if text and target in text.replace("\u00a0", " ").replace(" ", "") or text == address:
        return text
    return f"{text} ({target})" if text else target


# ---- writing the tree ---------------------------------------------------------------------


def write_structure(canvas: Any, tagger: Tagger, pages: int) -> PDFObjectReference:
    """The structure tree as PDF objects in ``canvas``'s document; returns the root's
    reference.  Pages get /StructParents (their number - 1) and /Tabs /S; annotations get
    /StructParent (after the pages' keys)."""
    from carepress.typeset.reportlab_compat import add_page_entry, document_of, page_dictionaries

    document = document_of(canvas)
    root = tagger.root
    _prune(root)
    nodes = list(root.walk())
    # (objects first, filled in after: elements refer to each other both ways)
    elements = {id(node): PDFDictionary({}) for node in nodes}
    references = {id(node): document.Reference(elements[id(node)], f"StructElem{number}")
                  for number, node in enumerate(nodes)}
    tree = PDFDictionary({})
    tree_root = document.Reference(tree, "StructTreeRoot")
    for number, kid in enumerate(tagger.annotations):
        kid.key = pages + number
        kid.annotation.dict["StructParent"] = kid.key
    for node in nodes:
        parent = references[id(node.parent)] if node.parent is not None else tree_root
        elements[id(node)].dict.update(_element(node, parent, references).dict)
    nums: list[Any] = []
    for page in range(1, pages + 1):
        marked = tagger.page_nodes.get(page, [])
        nums += [page - 1, PDFArray([references[id(node)] for node in marked])]
    owner_of = {id(kid): node for node in nodes for kid in node.kids
                if isinstance(kid, AnnotationKid)}
    for kid in tagger.annotations:
        nums += [kid.key, references[id(owner_of[id(kid)])]]
    parent_tree = document.Reference(PDFDictionary({"Nums": PDFArray(nums)}), "ParentTree")
    tree.dict.update({
        "Type": PDFName("StructTreeRoot"), "K": references[id(root)],
        "ParentTree": parent_tree, "ParentTreeNextKey": pages + len(tagger.annotations)})
    for number, page in enumerate(page_dictionaries(document)):
        add_page_entry(page, "StructParents", number)
        add_page_entry(page, "Tabs", PDFName("S"))
    return tree_root


def _prune(node: StructNode) -> None:
    """Drop elements that hold nothing (a block that drew nothing on any page)."""
    node.kids = [kid for kid in node.kids if not isinstance(kid, StructNode) or kid.has_content()]
    for kid in node.kids:
        if isinstance(kid, StructNode):
            _prune(kid)


def _element(node: StructNode, parent: PDFObjectReference,
             references: dict[int, PDFObjectReference]) -> PDFDictionary:
    kids: list[Any] = []
    first_page = _first_page(node)
    for kid in node.kids:
        if isinstance(kid, StructNode):
            kids.append(references[id(kid)])
        elif isinstance(kid, MarkedContent):
            kids.append(kid.mcid if kid.page == first_page else PDFDictionary(
                {"Type": PDFName("MCR"), "Pg": _page(kid.page), "MCID": kid.mcid}))
        else:
            kids.append(PDFDictionary({"Type": PDFName("OBJR"), "Obj": kid.reference,
                                       "Pg": _page(kid.page)}))
    entries: dict[str, Any] = {"Type": PDFName("StructElem"), "S": PDFName(node.role), "P": parent,
                               "K": PDFArray(kids)}
    if first_page is not None:
        entries["Pg"] = _page(first_page)
    if node.alt is not None:
        entries["Alt"] = PDFString(node.alt)
    if node.lang is not None:
        entries["Lang"] = PDFString(node.lang)
    if node.actual_text is not None:
        entries["ActualText"] = PDFString(node.actual_text)
    if node.bbox is not None:
        entries["A"] = PDFDictionary({"O": PDFName("Layout"), "BBox": PDFArray(list(node.bbox))})
    return PDFDictionary(entries)


def _first_page(node: StructNode) -> int | None:
    pages = [kid.page for kid in node.kids if not isinstance(kid, StructNode)]
    return pages[0] if pages else None


def _page(number: int) -> PDFObjectReference:
    """A page of the document by its number (ReportLab names page objects `PageN`)."""
    return PDFObjectReference(f"Page{number}")
