"""Tagged PDF (PDF/UA-1) for ReportLab, which writes no structure tree of its own.

Two halves. While the renderer turns blocks into flowables it records the
structure elements (H1, P, L/LI/Lbl/LBody, Table/TR/TH/TD, Figure, ...) in the
document model's order, in a `StructureRecorder`; each flowable remembers its
element. While ReportLab draws, every flowable's ink is wrapped in a
marked-content sequence (`BDC`/`EMC` with an MCID) of its element, page
furniture, box backgrounds and grid lines are wrapped as `/Artifact`, and each
link annotation gets a Link element, /Contents and a /StructParent. When the
canvas saves, `write_structure` adds to ReportLab's own document objects what
ReportLab does not write: the structure tree and its ParentTree, /StructParents
and /Tabs on pages, /MarkInfo and XMP metadata with the PDF/UA identifier; the
fonts (`UnicodeTTFont`) write ToUnicode maps without U+0000 entries. No second
PDF library reads the file back, so tagging costs little time. Structure order is the recorder's order, so what
a screen reader reads does not depend on where the layout put things.

The layout is done once, and a flowable drawn twice (a table's header row
repeated on the next page) is drawn as an artifact the second time, so every
element is read once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportlab.pdfbase.pdfdoc import PDFObject
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Table as RLTable

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from ..model import DocumentInfo

ARTIFACT = "/Artifact BMC"
PAGINATION = "/Artifact <</Type /Pagination>> BDC"


@dataclass
class Element:
    tag: str
    parent: int | None
    kids: list[Any] = field(default_factory=list)  # element index, (page, mcid) or ("link", n), in order
    alt: str | None = None
    actual_text: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    once: bool = False  # a repeated table header: only its first drawing is content
    drawn: bool = False


@dataclass
class Link:
    page: int
    name: str  # ReportLab's name of the annotation
    url: str
    element: int


class StructureRecorder:
    """The structure elements of one document, and the marked content drawn for them."""

    def __init__(self) -> None:
        self.elements: list[Element] = [Element("Document", None)]
        self.links: list[Link] = []
        self._parents: list[int] = [0]
        self._next_mcid: dict[int, int] = {}
        self._open: list[int] = []  # elements whose marked content is being drawn

    # --- while the renderer makes flowables

    def add(self, tag: str, *, alt: str | None = None, actual_text: str | None = None,
            attributes: dict[str, str] | None = None, once: bool = False) -> int:
        """A new element, the last child of the current parent."""
        parent = self._parents[-1]
        index = len(self.elements)
        self.elements.append(Element(tag, parent, alt=alt, actual_text=actual_text,
                                     attributes=attributes or {}, once=once))
        self.elements[parent].kids.append(index)
        return index

    @contextmanager
    def within(self, element: int) -> Iterator[int]:
        """Elements added inside the block are children of `element`."""
        self._parents.append(element)
        try:
            yield element
        finally:
            self._parents.pop()

    @property
    def parent(self) -> int:
        return self._parents[-1]

    def open(self, tag: str, **kwargs: Any) -> Any:
        return self.within(self.add(tag, **kwargs))

    # --- while ReportLab draws

    @contextmanager
    def marked(self, canvas: Canvas, element: int | None) -> Iterator[None]:
        """Draw the block's ink as marked content of `element` (an artifact if it was drawn before
        and may be read only once; nothing is marked inside marked content already open)."""
        if element is None or self._open:
            yield
            return
        record = self.elements[element]
        if record.once and record.drawn:
            with artifact(canvas):
                yield
            return
        record.drawn = True
        page = canvas.getPageNumber() - 1
        mcid = self._next_mcid.get(page, 0)
        self._next_mcid[page] = mcid + 1
        record.kids.append((page, mcid))
        canvas.addLiteral(f"/{record.tag} <</MCID {mcid}>> BDC")
        self._open.append(element)
        try:
            yield
        finally:
            self._open.pop()
            canvas.addLiteral("EMC")

    def link(self, page: int, url: str, name: str) -> int:
        """A link annotation on `page`: a Link element in the element being drawn; returns the
        annotation's key in the ParentTree."""
        parent = self._open[-1] if self._open else 0
        self.links.append(Link(page, name, url, parent))
        index = len(self.elements)
        self.elements.append(Element("Link", parent, kids=[("link", len(self.links) - 1)]))
        self.elements[parent].kids.append(index)
        return len(self.links) - 1


@contextmanager
def artifact(canvas: Canvas, pagination: bool = False) -> Iterator[None]:
    """Decoration or page furniture: drawn, but not read out."""
    canvas.addLiteral(PAGINATION if pagination else ARTIFACT)
    try:
        yield
    finally:
        canvas.addLiteral("EMC")


def recorder_of(canvas: Any) -> StructureRecorder | None:
    return getattr(canvas, "tags", None)


class Marked:
    """Mixin for a flowable: its ink is marked content of `tag_element`; parts it splits into
    belong to the same element."""

    tag_element: int | None = None

    def _drawOn(self, canvas: Canvas) -> None:  # Flowable.drawOn calls this around draw()
        tags = recorder_of(canvas)
        if tags is None:
            super()._drawOn(canvas)  # type: ignore[misc]
            return
        with tags.marked(canvas, self.tag_element):
            super()._drawOn(canvas)  # type: ignore[misc]

    def split(self, available_width: float, available_height: float) -> list:
        parts = super().split(available_width, available_height)  # type: ignore[misc]
        for part in parts:
            if isinstance(part, Marked) and part.tag_element is None:
                part.tag_element = self.tag_element
        return parts


def tag(flowable: Any, element: int) -> Any:
    object.__setattr__(flowable, "tag_element", element)  # ReportLab drawings vet their attributes
    return flowable


class ArtifactTable(RLTable):
    """A table whose backgrounds and grid lines are artifacts; its cells' flowables are tagged."""

    def _drawBkgrnd(self) -> None:
        with artifact(self.canv):
            super()._drawBkgrnd()

    def _drawLines(self) -> None:
        with artifact(self.canv):
            super()._drawLines()


class TaggingCanvas:
    """Canvas mixin: holds the recorder, and records each link annotation as a Link element."""

    tags: StructureRecorder | None = None

    def linkURL(self, url, rect, *args, **kwargs):
        if self.tags is None:
            return super().linkURL(url, rect, *args, **kwargs)  # type: ignore[misc]
        from reportlab.pdfbase.pdfdoc import PDFString  # noqa: PLC0415

        kwargs["Contents"] = PDFString(url)  # what the link does, for a listener
        kwargs["StructParent"] = len(self.tags.links)
        result = super().linkURL(url, rect, *args, **kwargs)  # type: ignore[misc]
        self.tags.link(self.getPageNumber() - 1, url, f"NUMBER{self._annotationCount}")  # type: ignore[attr-defined]
        return result


# --- at save time: what ReportLab does not write itself ---------------------------------


def write_structure(canvas: Any, tags: StructureRecorder, info: DocumentInfo) -> None:
    """Add the structure tree, its ParentTree, /StructParents and /Tabs on pages, /MarkInfo and
    XMP metadata to ReportLab's document, just before it is written (the same bytes for the same input).

    Structure elements are written as compact raw objects rather than ReportLab dictionaries:
    there are hundreds, and ReportLab formats each dictionary entry by entry."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFPage, PDFStream, PDFString, PDFtrue  # noqa: PLC0415

    doc = canvas._doc
    pages = doc.Pages.pages
    page_refs = [doc.Reference(page) for page in pages]
    keep = _kept(tags)
    nodes = {index: _Raw() for index in range(len(tags.elements)) if index in keep}
    refs = {index: doc.Reference(node) for index, node in nodes.items()}
    tree_root = _Raw()
    root_ref = doc.Reference(tree_root)
    by_page: dict[int, dict[int, Any]] = {}
    link_parents: list[Any] = [None] * len(tags.links)
    for index, node in nodes.items():
        element = tags.elements[index]
        parts = node.parts
        parts += [b"<</S/", element.tag.encode("ascii"), b"/P ",
                  root_ref if element.parent is None else refs[element.parent]]
        if element.alt is not None:
            parts += [b"/Alt", PDFString(element.alt)]
        if element.actual_text is not None:
            parts += [b"/ActualText", PDFString(element.actual_text)]
        if element.attributes:
            parts += [b"/A<<", *(f"/{key}/{value}".encode("ascii") for key, value in element.attributes.items()),
                      b">>"]
        first_page = next((kid[0] for kid in element.kids if isinstance(kid, tuple) and kid[0] != "link"), None)
        if first_page is not None:
            parts += [b"/Pg ", page_refs[first_page]]
        parts.append(b"/K[")
        for kid in element.kids:
            if isinstance(kid, int):
                if kid in keep:
                    parts += [refs[kid], b" "]
            elif kid[0] == "link":
                link = tags.links[kid[1]]
                link_parents[kid[1]] = refs[index]
                parts += [b"<</Type/OBJR/Obj ", doc.refAnnotation(link.name), b"/Pg ", page_refs[link.page], b">>"]
            else:
                page, mcid = kid
                by_page.setdefault(page, {})[mcid] = refs[index]
                if page == first_page:
                    parts.append(b"%d " % mcid)
                else:
                    parts += [b"<</Type/MCR/Pg ", page_refs[page], b"/MCID %d>>" % mcid]
        parts.append(b"]>>")
    numbers: list[Any] = []
    for key, parent in enumerate(link_parents):  # link annotations take keys 0.., pages the keys after
        numbers += [b"%d " % key, parent, b" "]
    for number, page in enumerate(pages):
        key = len(link_parents) + number
        page.__NoDefault__ = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]
        page.StructParents, page.Tabs = key, PDFName("S")
        marked = by_page.get(number, {})
        numbers += [b"%d[" % key, *(part for mcid in sorted(marked) for part in (marked[mcid], b" ")), b"]"]
    tree_root.parts += [b"<</Type/StructTreeRoot/K ", refs[0], b"/ParentTree<</Nums[", *numbers,
                        b"]>>/ParentTreeNextKey %d>>" % (len(link_parents) + len(pages))]
    catalog = doc.Catalog
    catalog.StructTreeRoot = root_ref
    catalog.MarkInfo = PDFDictionary({"Marked": PDFtrue})
    catalog.Metadata = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                                 _xmp(info).encode("utf-8"))


class _Raw(PDFObject):
    """A PDF object written as the bytes of its parts; references and strings are formatted when
    ReportLab writes the file and object numbers are known."""

    def __init__(self) -> None:
        self.parts: list[Any] = []

    def format(self, document: Any) -> bytes:
        return b"".join(part if isinstance(part, bytes) else part.format(document) for part in self.parts)


class UnicodeTTFont(TTFont):
    """A TrueType font whose ToUnicode maps leave out the codes a subset does not use: ReportLab
    maps them to U+0000, which PDF/UA forbids (every glyph must map to its character)."""

    def addObjects(self, doc):
        super().addObjects(doc)
        for name, obj in list(doc.idToObject.items()):
            if name.startswith("toUnicodeCMap:") and not getattr(obj, "_handouts_clean", False):
                obj.content = _without_null_entries(obj.content.encode("latin-1")).decode("latin-1")
                obj._handouts_clean = True


def _kept(tags: StructureRecorder) -> set[int]:
    """Elements with something to read (table cells are kept even when blank, so rows stay whole)."""
    keep: set[int] = set()

    def visit(index: int) -> bool:
        element = tags.elements[index]
        has = element.tag in ("TD", "TH") or index == 0
        for kid in element.kids:
            if isinstance(kid, int):
                has = visit(kid) or has
            else:
                has = True
        if has:
            keep.add(index)
        return has

    visit(0)
    return keep


_NULL_ENTRY = re.compile(rb"^<[0-9A-Fa-f]+>\s*<0000>\s*$", re.M)
_BFCHAR = re.compile(rb"\d+ beginbfchar\n(.*?)endbfchar\n?", re.S)


def _without_null_entries(cmap: bytes) -> bytes:
    """ReportLab maps unused codes of a font subset to U+0000, which PDF/UA forbids: drop them."""

    def block(match: re.Match) -> bytes:
        lines = [line for line in match.group(1).splitlines(keepends=True)
                 if line.strip() and not _NULL_ENTRY.match(line.strip())]
        return b"%d beginbfchar\n%bendbfchar\n" % (len(lines), b"".join(lines)) if lines else b""

    return _BFCHAR.sub(block, cmap)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xmp(info: DocumentInfo) -> str:
    """XMP with the title, language and PDF/UA identifier; no dates or random ids, so builds repeat
    (the document information's dates are ReportLab's, fixed or from SOURCE_DATE_EPOCH)."""
    from .. import __version__  # noqa: PLC0415

    language = _xml(info.language)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_xml(info.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{_xml(info.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
<pdf:Producer>handouts {__version__}</pdf:Producer>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
