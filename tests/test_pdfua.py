"""Tagged PDF (PDF/UA-1): the structure tree read back with pikepdf, and page-validation's verdict."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

import page
import pikepdf
import pytest
from pikepdf import Dictionary, Name

from handouts.build import BuildRequest, compose_all, plan
from handouts.citation_style import format_reference
from handouts.compose import compose, compose_catalogue
from handouts.html import render_html
from handouts.library import load_library
from handouts.model import Audience, Clinic, Job, PageSize, ReferenceList, RenderOptions
from handouts.quality import check_library, worst_case_clinic
from handouts.rendered import renderer

from .conftest import FIXTURE_TODAY

URL = "https://example.org/bath-guide"
EXTRA = f"""
## More to read

Read [the bath guide]({URL}) before your visit.

| Week | Baths | Notes |
|---|---|---|
""" + "".join(f"| {n} | daily | skin calm in week {n} |\n" for n in range(1, 41)) + """
::: know Long box
""" + "".join(f"- Point {n} about baths and moisturiser that takes a line or two to say.\n" for n in range(1, 16)) + """:::
"""


@pytest.fixture
def library(content: Path):
    """The fixture library; the mini topic also has a link, a table over two pages and a long box."""
    mini = content / "mini" / "en.md"
    mini.write_text(mini.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    return load_library([content], shipped_content=False)


def render(library, document, page_size=PageSize.A4, large_print=False) -> bytes:
    return renderer("pdf")(document, library.theme, RenderOptions(page_size, large_print)).data


def topic(library, audience=Audience.PARENTS, clinic: Clinic | None = None, topic_id="mini"):
    return compose(library, Job((topic_id,), audience, "en"), clinic)


# --- reading the tree back ----------------------------------------------------------------


def elements(pdf: pikepdf.Pdf) -> list[Dictionary]:
    """Every structure element, depth first, in structure (reading) order."""
    found: list[Dictionary] = []

    def visit(node):
        found.append(node)
        for kid in kids(node):
            if isinstance(kid, Dictionary) and "/S" in kid:
                visit(kid)

    visit(kids(pdf.Root.StructTreeRoot)[0])
    return found


def kids(node) -> list:
    k = node.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def tag(node) -> str:
    return str(node.S)[1:]


def unicode_maps(pdf: pikepdf.Pdf) -> dict[int, dict[int, str]]:
    maps = {}
    for obj in pdf.objects:
        if isinstance(obj, Dictionary) and obj.get("/Type") == "/Font" and "/ToUnicode" in obj:
            cmap = obj.ToUnicode.read_bytes().decode("latin-1")
            maps[obj.objgen[0]] = {int(code, 16): chr(int(char, 16))
                                   for code, char in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4})>", cmap)}
    return maps


def marked_text(pdf: pikepdf.Pdf) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page index, MCID); artifacts are left out."""
    maps = unicode_maps(pdf)
    texts: dict[tuple[int, int], str] = {}
    for number, pdf_page in enumerate(pdf.pages):
        fonts = {str(name): maps.get(font.objgen[0], {}) for name, font in pdf_page.Resources.Font.items()}
        stack: list[int | None] = []
        cmap: dict[int, str] = {}

        def add(text: str, number=number, stack=stack) -> None:
            if stack and stack[-1] is not None:
                key = (number, stack[-1])
                texts[key] = texts.get(key, "") + text

        for operands, operator in pikepdf.parse_content_stream(pdf_page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                properties = operands[1] if op == "BDC" else None
                is_content = isinstance(properties, Dictionary) and "/MCID" in properties
                stack.append(int(properties.MCID) if is_content else None)
            elif op == "EMC":
                stack.pop()
            elif op == "Tf":
                cmap = fonts[str(operands[0])]
            elif op in ("BT", "T*") or (op in ("Td", "TD") and float(operands[1]) != 0):
                add(" ")
            elif op == "Tj":
                add("".join(cmap.get(b, "?") for b in bytes(operands[0])))
            elif op == "TJ":
                add("".join(cmap.get(b, "?") for item in operands[0] if isinstance(item, pikepdf.String)
                            for b in bytes(item)))
    return texts


def structure_text(pdf: pikepdf.Pdf, skip=("Lbl",)) -> str:
    """The text a screen reader reads, in structure order (list markers left out, as on the web page)."""
    return structure_text_of(pdf, kids(pdf.Root.StructTreeRoot)[0], skip)


def structure_text_of(pdf: pikepdf.Pdf, top, skip=("Lbl",)) -> str:
    texts = marked_text(pdf)
    out: list[str] = []

    def visit(node):
        if tag(node) in skip:
            return
        page_index = pdf.pages.index(pikepdf.Page(node.Pg)) if "/Pg" in node else None
        for kid in kids(node):
            if isinstance(kid, int):
                out.append(texts.get((page_index, kid), ""))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                out.append(texts.get((pdf.pages.index(pikepdf.Page(kid.Pg)), int(kid.MCID)), ""))
            elif isinstance(kid, Dictionary) and "/S" in kid:
                visit(kid)

    visit(top)
    return flat(" ".join(out))


def flat(text: str) -> str:
    return " ".join(text.split())


class WebText(HTMLParser):
    """The words of the web page's <main>, with the numbers a browser gives a numbered reference list."""

    def __init__(self, html: str):
        super().__init__()
        self.inside, self.words, self.references = False, [], 0
        self.in_references = False
        self.feed(html)

    def handle_starttag(self, name, attrs):
        if name == "main":
            self.inside = True
        elif name == "ol" and ("class", "references") in attrs:
            self.in_references = True
        elif name == "li" and self.in_references:
            self.references += 1
            self.words.append(f" {self.references}. ")
        elif name in ("p", "li", "h1", "h2", "h3", "h4", "td", "th", "br"):
            self.words.append(" ")

    def handle_endtag(self, name):
        if name == "main":
            self.inside = False
        elif name == "ol":
            self.in_references = False

    def handle_data(self, data):
        if self.inside:
            self.words.append(data)

    @property
    def text(self) -> str:
        return flat("".join(self.words))


def web_text(library, document) -> str:
    """The web page's text; the print edition may shorten references a PMID or DOI finds (and says so
    in its ReferenceList block), so those are compared in their printed form."""
    text = WebText(render_html(document, library.theme)).text
    # a write-in blank is a drawn line with words for a screen reader on the web page, a run of
    # underscores in print
    text = re.sub(rf"(?<= ){re.escape(document.info.blank_label)}(?= |$)", "__________", text)
    short = any(isinstance(block, ReferenceList) and block.short for block in document.blocks)
    for reference in document.references if short else ():
        text = text.replace(flat(format_reference(reference)), flat(format_reference(reference, True)))
    return text


def open_pdf(data: bytes) -> pikepdf.Pdf:
    import io

    return pikepdf.open(io.BytesIO(data))


# --- the tests ---------------------------------------------------------------------------


def test_headings_are_in_document_order_and_skip_no_level(library):
    document = topic(library)
    pdf = open_pdf(render(library, document))
    texts = marked_text(pdf)
    headings = []
    for node in elements(pdf):
        if re.fullmatch(r"H[1-6]", tag(node)):
            page_index = pdf.pages.index(pikepdf.Page(node.Pg))
            headings.append((tag(node), flat("".join(texts[(page_index, int(k))] for k in kids(node)))))
    assert headings[:2] == [("H1", "Bathing and eczema"), ("H2", "What to do")]
    levels = [int(name[1]) for name, _ in headings]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels)), headings
    # a box's title is its heading, one level below the section it is in
    assert ("H3", "Long box") in headings
    assert [text for _, text in headings if text in ("What to do", "More to read")] == ["What to do", "More to read"]


def test_lists_are_l_li_lbl_lbody(library):
    pdf = open_pdf(render(library, topic(library)))
    lists = [node for node in elements(pdf) if tag(node) == "L"]
    assert len(lists) >= 4  # numbered steps, checklist, boxes' lists, references
    for node in lists:
        items = kids(node)
        assert items and all(tag(item) == "LI" for item in items)
        for item in items:
            assert [tag(part) for part in kids(item)] in (["Lbl", "LBody"], ["LBody"])
    steps = lists[0]
    assert len(kids(steps)) == 2
    texts = marked_text(pdf)
    label = kids(kids(steps)[1])[0]
    assert texts[(pdf.pages.index(pikepdf.Page(label.Pg)), int(kids(label)[0]))].strip() == "2."
    tick_box = next(node for node in elements(pdf) if tag(node) == "Lbl" and "/ActualText" in node)
    assert str(tick_box.ActualText) == "\u2610"


def test_table_headers_are_th_with_scope_and_read_once_when_the_table_goes_over_a_page(library):
    pdf = open_pdf(render(library, topic(library)))
    tables = [node for node in elements(pdf) if tag(node) == "Table"]
    week_table = tables[-1]
    rows = kids(week_table)
    assert len(rows) == 41
    header = kids(rows[0])
    assert [tag(cell) for cell in header] == ["TH", "TH", "TH"]
    assert all(cell.A.Scope == Name.Column and Name.Table == cell.A.O for cell in header)
    assert all(tag(cell) == "TD" for row in rows[1:] for cell in kids(row))
    pages = {pdf.pages.index(pikepdf.Page(cell.Pg)) for row in rows[1:] for cell in kids(row)}
    assert len(pages) >= 2, "the table should go over a page for this test"
    assert all(len(kids(cell)) == 1 for cell in header)  # the header repeated on the next page is an artifact
    assert structure_text(pdf).count("Week Baths Notes") == 1


def test_a_box_over_two_pages_is_one_section(library):
    pdf = open_pdf(render(library, topic(library)))
    boxes = [node for node in elements(pdf) if tag(node) == "Sect"]
    box = max(boxes, key=lambda node: len(structure_text_of(pdf, node)))
    assert structure_text_of(pdf, kids(box)[0]) == "Long box"
    points = [item for item in elements(pdf) if tag(item) == "LI" and item.P.P.objgen == box.objgen]
    assert len(points) == 15
    pages = {pdf.pages.index(pikepdf.Page(kids(item)[-1].Pg)) for item in points}  # each LBody
    assert len(pages) >= 2, "the box should go over a page for this test"


def test_every_link_annotation_is_in_a_link_element_with_contents(library):
    pdf = open_pdf(render(library, topic(library)))
    annotations = [(number, a) for number, p in enumerate(pdf.pages) for a in p.get("/Annots", [])
                   if a.Subtype == Name.Link]
    assert annotations
    parent_tree = dict(zip(list(pdf.Root.StructTreeRoot.ParentTree.Nums)[::2],
                           list(pdf.Root.StructTreeRoot.ParentTree.Nums)[1::2]))
    for _, annotation in annotations:
        assert str(annotation.Contents) == URL
        link = parent_tree[int(annotation.StructParent)]
        assert tag(link) == "Link" and tag(link.P) == "P"
        assert kids(link)[0].Type == Name.OBJR and kids(link)[0].Obj.objgen == annotation.objgen


@pytest.mark.parametrize("audience", [Audience.PARENTS, Audience.CLINICIANS])
def test_text_in_structure_order_is_the_web_edition_text(library, audience):
    document = topic(library, audience)
    assert structure_text(open_pdf(render(library, document))) == web_text(library, document)


def test_packet_text_in_structure_order_is_the_web_edition_text(library):
    (job,) = [job for job in plan(library, BuildRequest(packet="starter", audiences=(Audience.ADULTS,)))]
    (document,) = compose_all(library, [job])
    pdf = open_pdf(render(library, document))
    assert [tag(node) for node in elements(pdf) if tag(node) in ("TOC", "TOCI")] == ["TOC", *["TOCI"] * 3]
    assert structure_text(pdf) == web_text(library, document)


def test_logo_and_qr_code_are_figures_with_alt_text(library):
    clinic = worst_case_clinic()
    document = topic(library, clinic=clinic)
    assert document.online_url
    pdf = open_pdf(render(library, document))
    figures = [str(node.Alt) for node in elements(pdf) if tag(node) == "Figure"]
    assert figures == [clinic.name, f"QR code: online copy at {document.online_url}"]


def test_metadata_title_language_and_pdfua_identifier(library):
    pdf = open_pdf(render(library, topic(library)))
    assert pdf.Root.MarkInfo.Marked is True
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert all(p.Tabs == Name.S for p in pdf.pages)
    with pdf.open_metadata() as meta:
        assert meta["dc:title"] == "Bathing and eczema"
        assert meta["pdfuaid:part"] == "1"
        assert "en" in meta["dc:language"]
    for maps in unicode_maps(pdf).values():
        assert maps and "\x00" not in maps.values()


def test_identical_bytes_for_the_same_input_and_source_date_epoch(library, monkeypatch):
    document = topic(library)
    assert render(library, document) == render(library, document)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first = render(library, document)
    assert first == render(library, document)
    assert b"D:20260101000000" in open_pdf(first).docinfo.CreationDate.unparse()


def failed_rules(data: bytes) -> list[str]:
    return sorted({failure.rule_id for failure in page.validate_pdf_bytes(data, profile="ua1").failures})


@pytest.mark.parametrize(("page_size", "large_print", "branded"), [
    (PageSize.A4, False, False), (PageSize.LETTER, False, True), (PageSize.A4, True, True)])
def test_topics_tools_and_packets_pass_pdf_ua_1(library, page_size, large_print, branded):
    clinic = worst_case_clinic() if branded else None
    jobs = plan(library, BuildRequest(audiences=(Audience.ADULTS,), include_preset_packets=True,
                                      page_size=page_size, large_print=large_print))
    for job, document in zip(jobs, compose_all(library, jobs, clinic)):
        assert failed_rules(render(library, document, page_size, large_print)) == [], job.file_name


@pytest.mark.parametrize("page_size", [PageSize.A4, PageSize.LETTER])
def test_catalogue_passes_pdf_ua_1(library, page_size):
    assert failed_rules(render(library, compose_catalogue(library, "en", worst_case_clinic()), page_size)) == []


def test_check_fails_naming_the_handout_and_the_rule(library, monkeypatch):
    monkeypatch.setattr("handouts.render.write_structure", lambda canvas, tags, info: None)  # no structure tree
    report = check_library(library, today=FIXTURE_TODAY, workers=1, topics=["kit"])
    messages = [str(d) for d in report.diagnostics if d.code == "print.pdfua"]
    assert report.failed
    assert any(m.startswith(str(Path(library.topics[("kit", "en")].meta.span.path))) for m in messages)
    assert any("PDFUA1-STRUCT-TREE-ROOT-001" in m and "parents" in m for m in messages), messages


def test_status_line_is_read_once_before_the_content(library):
    import dataclasses

    document = topic(library)
    document = dataclasses.replace(document, info=dataclasses.replace(document.info,
                                                                      status_line="Draft: not approved for use"))
    pdf = open_pdf(render(library, document))
    assert len(pdf.pages) >= 2  # the status line is printed on every page
    first = kids(kids(pdf.Root.StructTreeRoot)[0])[0]
    assert tag(first) == "P" and structure_text_of(pdf, first) == "Draft: not approved for use"
    assert structure_text(pdf).count("Draft: not approved for use") == 1
    assert failed_rules(render(library, document)) == []
