"""The front desk app (through Starlette's test client) and the static site (through a plain static server)."""

from __future__ import annotations

import io
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pypdf
import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[test]'")
pytest.importorskip("httpx2", reason="Starlette's test client needs httpx2: pip install -e '.[test]'")

from starlette.testclient import TestClient

from handouts.web.app import create_app
from handouts.web.desk import Desk

from .conftest import clinic_profile_text, wait_for_port

LOCAL = "http://127.0.0.1:8000"
TOKEN = "front-desk-token-0123456789"


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Desk:
    return Desk(log_path=tmp_path_factory.mktemp("log") / "log.sqlite")


@pytest.fixture(scope="module")
def client(desk: Desk) -> TestClient:
    return TestClient(create_app(desk), base_url=LOCAL)


def pdf_words(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT topic, version, language, audience, count, large_print, page_size, packet "
                                  "FROM handed_out ORDER BY id").fetchall()


def csrf(client: TestClient) -> str:
    page = client.get("/").text
    return page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]


def test_the_desk_lists_every_handout_with_its_state_and_version(client: TestClient, desk: Desk) -> None:
    page = client.get("/")
    assert page.status_code == 200
    library, _ = desk.library()
    for topic_id in library.topic_ids():
        assert f'data-id="{topic_id}"' in page.text
    assert "Probiotics for eczema" in page.text
    assert "parents: sample (no clinic profile)" in page.text
    assert "Review current" in page.text or "Due for review" in page.text
    probiotics = library.topics[("probiotics", "en")].meta
    assert f"<td>{probiotics.version}</td>" in page.text


def test_everyday_words_find_the_right_handouts(desk: Desk) -> None:
    """What search looks in: 'bugs in the gut' and 'allergy test' are everyday words for topics."""
    def found(query: str) -> set[str]:
        words = query.lower().split()
        return {e.id for e in desk.snapshot.entries if all(w in e.words for w in words)}

    assert {"probiotics", "dysbiosis", "gut-skin-axis"} <= found("bugs in the gut")
    assert "tests" in found("allergy test")
    assert "probiotics" in found("probiotic")


def test_the_online_copy_is_the_web_edition_linking_to_its_pdfs(client: TestClient) -> None:
    page = client.get("/en/parents/probiotics")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text and "<main>" in page.text
    assert 'href="probiotics.pdf"' in page.text and 'href="probiotics-large-print.pdf"' in page.text
    pdf = client.get("/en/parents/probiotics.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "Probiotics" in pdf_words(pdf.content)
    large = client.get("/en/parents/probiotics-large-print.pdf")
    assert large.status_code == 200 and len(pypdf.PdfReader(io.BytesIO(large.content)).pages) >= 2
    slash = client.get("/en/parents/probiotics/", follow_redirects=False)
    assert slash.status_code == 308 and slash.headers["location"] == "/en/parents/probiotics"
    assert client.get("/en/").status_code == 200


@pytest.mark.parametrize("path", ["/en/parents/nope", "/en/pets/probiotics", "/xx/parents/probiotics",
                                  "/en/parents/probiotics/..%2f..%2fpyproject.toml", "/en/parents/%2e%2e",
                                  "/en/parents/probiotics/passwd.pdf", "/en/adults/packets/new-diagnosis-parents"])
def test_addresses_that_name_no_handout_are_404_and_never_read_a_file(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_request_words_are_checked_against_the_library(client: TestClient) -> None:
    answer = client.get("/preview", params={"topic": "../../pyproject.toml", "audience": "parents", "lang": "en"})
    assert answer.status_code == 400 and "no handout" in answer.text
    answer = client.get("/preview", params={"topic": "probiotics", "audience": "pets", "lang": "en"})
    assert answer.status_code == 400 and "who it is for" in answer.text


def test_print_records_one_row_with_its_format(client: TestClient, desk: Desk) -> None:
    before = len(rows(desk.log_path)) if desk.log_path.exists() else 0
    answer = client.post("/api/give", headers={"x-csrf-token": csrf(client)},
                         json={"topics": ["probiotics"], "audience": "parents", "lang": "en",
                               "large_print": True, "page_size": "letter", "count": 2})
    assert answer.status_code == 200, answer.text
    assert "Recorded 2 × probiotics" in answer.json()["message"]
    logged = rows(desk.log_path)
    assert len(logged) == before + 1
    topic, _, language, audience, count, large_print, page_size, packet = logged[-1]
    assert (topic, language, audience, count, large_print, page_size, packet) == \
        ("probiotics", "en", "parents", 2, 1, "letter", None)
    pdf = client.get(answer.json()["pdf"])
    assert pdf.status_code == 200 and "Probiotics" in pdf_words(pdf.content)


def test_ticked_handouts_print_as_one_packet_logged_once(client: TestClient, desk: Desk) -> None:
    before = len(rows(desk.log_path)) if desk.log_path.exists() else 0
    answer = client.post("/api/give", headers={"x-csrf-token": csrf(client)},
                         json={"topics": ["diet", "probiotics"], "audience": "adults", "lang": "en"})
    assert answer.status_code == 200, answer.text
    logged = rows(desk.log_path)
    assert len(logged) == before + 1
    assert logged[-1][0] == "your-handouts" and logged[-1][7] == "your-handouts"
    assert logged[-1][1].startswith("diet ") and ", probiotics " in logged[-1][1]
    text = pdf_words(client.get(answer.json()["pdf"]).content)
    assert "Food and eczema" in text and "Probiotics for eczema" in text


def test_a_post_without_the_pages_csrf_token_or_from_another_site_is_refused(client: TestClient,
                                                                             desk: Desk) -> None:
    before = len(rows(desk.log_path)) if desk.log_path.exists() else 0
    body = {"topics": ["probiotics"], "audience": "parents", "lang": "en"}
    assert client.post("/api/give", json=body).status_code == 403
    assert client.post("/api/give", json=body, headers={"x-csrf-token": "guess"}).status_code == 403
    token = csrf(client)
    form = client.post("/api/give", content=b"topics=probiotics", headers={
        "x-csrf-token": token, "content-type": "application/x-www-form-urlencoded"})
    assert form.status_code == 403
    other = client.post("/api/give", json=body, headers={"x-csrf-token": token, "origin": "https://evil.example"})
    assert other.status_code == 403
    assert (len(rows(desk.log_path)) if desk.log_path.exists() else 0) == before


def test_two_desks_recording_at_once_keep_every_row(desk: Desk) -> None:
    clients = [TestClient(create_app(desk), base_url=LOCAL) for _ in range(2)]
    tokens = [csrf(c) for c in clients]
    before = len(rows(desk.log_path)) if desk.log_path.exists() else 0
    failures: list[str] = []

    def give(index: int) -> None:
        for _ in range(5):
            answer = clients[index].post("/api/give", headers={"x-csrf-token": tokens[index]},
                                         json={"topics": ["diet"], "audience": "parents", "lang": "en"})
            if answer.status_code != 200:
                failures.append(answer.text)

    threads = [threading.Thread(target=give, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(rows(desk.log_path)) == before + 10


def test_only_this_computer_may_address_the_desk(desk: Desk) -> None:
    """DNS rebinding: a page from another site that resolves to 127.0.0.1 still names its own host."""
    client = TestClient(create_app(desk), base_url="http://evil.example")
    assert client.get("/").status_code == 421
    assert client.get("/en/parents/probiotics").status_code == 421


def test_beyond_this_computer_every_desk_page_needs_the_token(desk: Desk) -> None:
    client = TestClient(create_app(desk, token=TOKEN, local_only=False), base_url="http://192.0.2.10:8000")
    assert client.get("/").status_code == 401
    assert client.get("/preview", params={"topic": "probiotics", "audience": "parents"}).status_code == 401
    assert client.get("/", headers={"authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    assert client.get("/en/parents/probiotics").status_code == 200  # a QR code carries no token
    entered = client.get(f"/?token={TOKEN}", follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == "/"
    assert "httponly" in entered.headers["set-cookie"].lower()
    assert "samesite=strict" in entered.headers["set-cookie"].lower()
    assert client.get("/").status_code == 200  # the cookie now carries it
    bearer = TestClient(create_app(desk, token=TOKEN, local_only=False), base_url="http://192.0.2.10:8000")
    assert bearer.get("/", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_serve_refuses_to_listen_beyond_this_computer_without_a_token(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("serve", "--host", "0.0.0.0", "--port", "8799")
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0 without an access token" in result.output
    assert "token" in result.output and "--new-token" in result.output
    profile = tmp_path / "handouts.toml"
    profile.write_text(clinic_profile_text(token='"short"'), encoding="utf-8")
    result = cli("serve", "--host", "0.0.0.0", "--clinic", profile)
    assert result.exit_code == 1
    assert "handouts.toml:" in result.output and "token must be at least 16 characters" in result.output


def test_serve_says_in_one_line_when_the_port_is_taken(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1 port {port}" in result.output and "--port" in result.output


def test_a_content_error_shows_in_the_preview_as_path_and_line(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "probiotics").mkdir(parents=True)
    source = Path(__file__).parents[1] / "content" / "probiotics" / "en.md"
    (content / "probiotics" / "en.md").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    desk = Desk([content], log_path=tmp_path / "log.sqlite", watch=True, watch_interval=0)
    client = TestClient(create_app(desk), base_url=LOCAL)
    query = {"topic": "probiotics", "audience": "parents", "lang": "en"}
    assert "Probiotics for eczema" in client.get("/preview", params=query).text
    text = source.read_text(encoding="utf-8").replace("title: Probiotics for eczema",
                                                      "title: Probiotics for eczema from the desk", 1)
    (content / "probiotics" / "en.md").write_text(text, encoding="utf-8")
    assert "Probiotics for eczema from the desk" in client.get("/preview", params=query).text
    (content / "probiotics" / "en.md").write_text(text.replace("version:", "versoin:", 1), encoding="utf-8")
    problem = client.get("/preview", params=query)
    assert problem.status_code == 422
    assert "probiotics/en.md:" in problem.text and "error:" in problem.text


# --- the static site -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read(), answer.geturl()
    except urllib.error.HTTPError as error:
        return error.code, b"", url


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """`handouts site -o DIR` as the README runs it."""
    from typer.testing import CliRunner

    from handouts.cli import app

    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(app, ["site", "-o", str(out), "-j", "2"])
    assert result.exit_code == 0, result.output
    assert f"in {out}" in result.output
    return out


def test_a_plain_static_server_answers_the_qr_codes_address(site: Path) -> None:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):  # until the server listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        for address in ("/en/parents/probiotics", "/en/parents/probiotics/"):
            status, body, final = _get(base + address)
            assert status == 200, address
            assert final.endswith("/en/parents/probiotics/")
            assert b"Probiotics for eczema" in body and b'href="probiotics.pdf"' in body
        status, pdf, _ = _get(base + "/en/parents/probiotics/probiotics.pdf")
        assert status == 200 and "Probiotics" in pdf_words(pdf)
        status, large, _ = _get(base + "/en/parents/probiotics/probiotics-large-print.pdf")
        assert status == 200 and large[:5] == b"%PDF-"
        status, index, _ = _get(base + "/en/")
        assert status == 200 and b'href="parents/probiotics/"' in index and b'href="adults/diet/"' in index
        status, front, _ = _get(base + "/")
        assert status == 200 and b'href="en/"' in front
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_every_handout_has_its_folder_with_both_pdfs(site: Path) -> None:
    from handouts.library import load_library

    library = load_library()
    for (topic, language), source in library.topics.items():
        for audience in source.meta.audiences:
            folder = site / language / audience.value / topic
            assert {p.name for p in folder.iterdir()} == {"index.html", f"{topic}.pdf", f"{topic}-large-print.pdf"}
    assert (site / "en" / "parents" / "packets" / "new-diagnosis-parents" / "index.html").is_file()


def test_language_versions_link_to_each_other(tmp_path: Path) -> None:
    """Each online copy links to the same handout in the other languages, both ways, packets too."""
    from handouts.library import load_library
    from handouts.model import Audience, Job
    from handouts.web.site import copy_links

    library = load_library()
    _, others = copy_links(library, Job(("probiotics",), Audience.PARENTS, "en"), "../../../")
    assert [(o.lang, o.href) for o in others] == [("es", "../../../es/parents/probiotics/"),
                                                  ("fr", "../../../fr/parents/probiotics/")]
    _, back = copy_links(library, Job(("probiotics",), Audience.PARENTS, "fr"), "../../../")
    assert [(o.lang, o.href) for o in back] == [("en", "../../../en/parents/probiotics/"),
                                                ("es", "../../../es/parents/probiotics/")]
    preset = library.packets["new-diagnosis-parents"]
    packet = Job(preset.topics, Audience.PARENTS, "es", packet="new-diagnosis-parents")
    _, packets = copy_links(library, packet, "../../../../")
    assert ("fr", "../../../../fr/parents/packets/new-diagnosis-parents/") in [(o.lang, o.href) for o in packets]


def row_of(page: str, topic: str) -> str:
    return page.split(f'data-id="{topic}"', 1)[1].split("</tr>", 1)[0]


def test_with_require_approval_the_desk_shows_states_previews_all_but_gives_only_approved(cli, tmp_path: Path,
                                                                                          monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    profile = tmp_path / "handouts.toml"
    profile.write_text(clinic_profile_text(require_approval=True), encoding="utf-8")
    approved = cli("approve", "probiotics", "--audience", "parents", "--by", "Dr A Patel",
                   "--role", "Consultant dermatologist", "--clinic", profile)
    assert approved.exit_code == 0, approved.output
    desk = Desk(clinic_path=profile, log_path=tmp_path / "log.sqlite")
    client = TestClient(create_app(desk), base_url=LOCAL)
    page = client.get("/").text
    assert "Northgate Skin Clinic" in page
    assert "parents: approved" in row_of(page, "probiotics") and "adults: not approved" in row_of(page, "probiotics")
    token = csrf(client)
    given = client.post("/api/give", headers={"x-csrf-token": token},
                        json={"topics": ["probiotics"], "audience": "parents", "lang": "en"})
    assert given.status_code == 200, given.text
    assert "Approved for use at Northgate Skin Clinic by Dr A Patel" in pdf_words(client.get(given.json()["pdf"]).content)
    refused = client.post("/api/give", headers={"x-csrf-token": token},
                          json={"topics": ["probiotics"], "audience": "adults", "lang": "en"})
    assert refused.status_code == 409
    assert "not approved" in refused.json()["error"] and "handouts approve probiotics" in refused.json()["error"]
    assert len(rows(tmp_path / "log.sqlite")) == 1
    preview = client.get("/preview", params={"topic": "probiotics", "audience": "adults", "lang": "en"})
    assert preview.status_code == 200 and "Not approved for use by Northgate Skin Clinic" in preview.text
    assert client.get("/en/adults/probiotics").status_code == 409  # not published either
    assert client.get("/en/parents/probiotics").status_code == 200
    # an approval recorded elsewhere (another desk, the command line) shows without a restart
    again = cli("approve", "probiotics", "--audience", "adults", "--by", "Dr A Patel",
                "--role", "Consultant dermatologist", "--clinic", profile)
    assert again.exit_code == 0, again.output
    assert "adults: approved" in row_of(client.get("/").text, "probiotics")
    assert client.get("/en/adults/probiotics").status_code == 200


def test_serve_without_the_web_extra_says_how_to_install_it(cli, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed: importing it fails
    result = cli("serve")
    assert result.exit_code == 2
    assert "pip install -e '.[web]'" in result.output


def test_site_refuses_a_language_there_is_no_content_in(cli, tmp_path: Path) -> None:
    result = cli("site", "-o", tmp_path / "site", "--lang", "xx")
    assert result.exit_code == 2 and "no content in language 'xx'" in result.output
    assert not (tmp_path / "site").exists()


def test_prewarm_draws_handouts_before_anyone_asks_and_stops_when_told(tmp_path: Path) -> None:
    class AfterTwo(threading.Event):
        looks = 0

        def is_set(self) -> bool:
            self.looks += 1
            return self.looks > 2

    desk = Desk(log_path=tmp_path / "log.sqlite")
    assert desk.prewarm(AfterTwo()) == 2
    drawn = sorted((key[2].topics, key[2].audience.value, key[4]) for key in desk._cache if key[0] == "render")
    assert drawn == [(("action-plan",), "adults", "html"), (("action-plan",), "adults", "pdf"),
                     (("action-plan",), "parents", "html"), (("action-plan",), "parents", "pdf")]
    client = TestClient(create_app(desk), base_url=LOCAL)
    before = len(desk._cache)
    assert client.get("/en/parents/action-plan.pdf").status_code == 200
    assert len(desk._cache) == before  # answered from what was drawn ahead


def test_what_serve_prints_names_the_address_with_its_token(desk: Desk) -> None:
    from handouts.web.app import startup_lines

    local = startup_lines("127.0.0.1", 8000, None, desk)
    assert local[0] == "The front desk is open at http://127.0.0.1:8000/"
    assert any(str(desk.log_path) in line for line in local)
    shared = startup_lines("0.0.0.0", 8080, TOKEN, desk)
    assert shared[0].endswith(f":8080/?token={TOKEN}") and "0.0.0.0" not in shared[0]
    assert "open to all" in shared[1]


def test_handouts_serve_started_as_the_readme_says_answers_the_library_the_copy_and_its_pdf(tmp_path: Path) -> None:
    port = _free_port()
    handouts = Path(sys.executable).with_name("handouts")
    server = subprocess.Popen([str(handouts), "serve", "--port", str(port)], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.strip() == f"The front desk is open at http://127.0.0.1:{port}/", first + server.stdout.read()
        wait_for_port(port)
        base = f"http://127.0.0.1:{port}"
        status, page, _ = _get(base + "/")
        assert status == 200 and b"Handouts front desk" in page and b'data-id="probiotics"' in page
        status, copy, _ = _get(base + "/en/parents/probiotics")
        assert status == 200 and b"Probiotics for eczema" in copy and b'href="probiotics.pdf"' in copy
        status, pdf, _ = _get(base + "/en/parents/probiotics.pdf")
        assert status == 200 and "Probiotics for eczema" in pdf_words(pdf)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert not (tmp_path / "handouts-log.sqlite").exists()  # looking is not giving: nothing was recorded
