"""Tagged PDF (PDF/UA-1) for ReportLab, which writes no structure tree of its own.

Two halves. While the renderer turns blocks into flowables it records the
structure elements (H1, P, L/LI/Lbl/LBody, Table/TR/TH/TD, Figure, ...) in the
document model's order, in a `StructureRecorder`; each flowable remembers its
element. While ReportLab draws, every flowable's ink is wrapped in a
marked-content sequence (`BDC`/`EMC` with an MCID) of its element, and page
furniture, box backgrounds and grid lines are wrapped as `/Artifact`. After the
layout, `finish` writes with pikepdf what ReportLab cannot: the structure tree
and its ParentTree, /StructParents and /Tabs on pages, Link elements for link
annotations, /MarkInfo, XMP metadata with the PDF/UA identifier, and ToUnicode
maps without U+0000 entries. Structure order is the recorder's order, so what
a screen reader reads does not depend on where the layout put things.

The layout is done once, and a flowable drawn twice (a table's header row
repeated on the next page) is drawn as an artifact the second time, so every
element is read once.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
    position: int  # index in the page's /Annots
    url: str
    element: int


class StructureRecorder:
    """The structure elements of one document, and the marked content drawn for them."""

    def __init__(self) -> None:
        self.elements: list[Element] = [Element("Document", None)]
        self.links: list[Link] = []
        self._parents: list[int] = [0]
        self._next_mcid: dict[int, int] = {}
        self._annotations: dict[int, int] = {}  # page -> link annotations drawn on it
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

    def link(self, canvas: Canvas, url: str) -> None:
        """A link annotation was just added to the page: a Link element in the element being drawn."""
        page = canvas.getPageNumber() - 1
        position = self._annotations.get(page, 0)
        self._annotations[page] = position + 1
        if not self._open:
            return
        parent = self._open[-1]
        self.links.append(Link(page, position, url, parent))
        index = len(self.elements)
        self.elements.append(Element("Link", parent, kids=[("link", len(self.links) - 1)]))
        self.elements[parent].kids.append(index)


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
        result = super().linkURL(url, rect, *args, **kwargs)  # type: ignore[misc]
        if self.tags is not None:
            self.tags.link(self, url)  # type: ignore[arg-type]
        return result


# --- after the layout: what ReportLab cannot write ---------------------------------------


def finish(data: bytes, tags: StructureRecorder, info: DocumentInfo) -> bytes:
    """The PDF with its structure tree, metadata and clean fonts; the same bytes for the same input."""
    import pikepdf  # noqa: PLC0415 - with the renderer, never for --help
    from pikepdf import Array, Dictionary, Name, String  # noqa: PLC0415

    pdf = pikepdf.open(io.BytesIO(data))
    pages = [page.obj for page in pdf.pages]
    keep = _kept(tags)
    tree_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    objects: dict[int, Any] = {index: pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + e.tag)))
                               for index, e in enumerate(tags.elements) if index in keep}
    by_page: dict[int, dict[int, Any]] = {}
    link_keys: list[tuple[int, Any]] = []
    for index, element in enumerate(tags.elements):
        if index not in keep:
            continue
        node = objects[index]
        node.P = tree_root if element.parent is None else objects[element.parent]
        if element.alt is not None:
            node.Alt = String(element.alt)
        if element.actual_text is not None:
            node.ActualText = String(element.actual_text)
        if element.attributes:
            node.A = Dictionary({"/O": Name("/" + element.attributes.get("O", "Layout")),
                                 **{f"/{k}": Name("/" + v) for k, v in element.attributes.items() if k != "O"}})
        first_page = next((kid[0] for kid in element.kids if isinstance(kid, tuple) and kid[0] != "link"), None)
        if first_page is not None:
            node.Pg = pages[first_page]
        kids = Array()
        for kid in element.kids:
            if isinstance(kid, int):
                if kid in keep:
                    kids.append(objects[kid])
            elif kid[0] == "link":
                link = tags.links[kid[1]]
                annotation = pdf.pages[link.page].obj.Annots[link.position]
                annotation.Contents = String(link.url)
                key = len(pages) + len(link_keys)
                annotation.StructParent = key
                link_keys.append((key, node))
                kids.append(Dictionary(Type=Name.OBJR, Obj=annotation, Pg=pages[link.page]))
            else:
                page, mcid = kid
                by_page.setdefault(page, {})[mcid] = node
                kids.append(mcid if page == first_page else Dictionary(Type=Name.MCR, Pg=pages[page], MCID=mcid))
        node.K = kids
    tree_root.K = Array([objects[0]])
    numbers: list[Any] = []
    for number, page in enumerate(pages):
        page.StructParents = number
        page.Tabs = Name.S
        marked = by_page.get(number, {})
        numbers.extend([number, pdf.make_indirect(Array([marked[mcid] for mcid in sorted(marked)]))])
    for key, node in link_keys:
        numbers.extend([key, node])
    tree_root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(numbers)))
    tree_root.ParentTreeNextKey = len(pages) + len(link_keys)
    root = pdf.Root
    root.StructTreeRoot = tree_root
    root.MarkInfo = Dictionary(Marked=True)
    root.Lang = String(info.language)
    root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    metadata = pdf.make_stream(_xmp(info).encode("utf-8"))
    metadata.Type, metadata.Subtype = Name.Metadata, Name.XML
    root.Metadata = metadata
    for font in _fonts_with_unicode_maps(pdf):
        font.ToUnicode.write(_without_null_entries(font.ToUnicode.read_bytes()))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


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


def _fonts_with_unicode_maps(pdf: Any) -> list[Any]:
    import pikepdf  # noqa: PLC0415

    found: list[Any] = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/ToUnicode" in obj:
            found.append(obj)
    return found


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
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_xml(info.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{_xml(info.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_xml(info.subject)}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
<pdf:Producer>handouts {__version__}</pdf:Producer>
<xmp:CreatorTool>handouts {__version__}</xmp:CreatorTool>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
