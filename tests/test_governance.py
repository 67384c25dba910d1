"""Ready to hand out: approvals pinned to the content, review dates enforced, give, and the log."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pypdf
import pytest

from handouts.compose import format_date
from handouts.library import load_library

from .conftest import clinic_profile_text, pdfs_under, translate

APPROVER = ("Dr Ada Patel", "Consultant dermatologist")
CLINIC = "Northgate Skin Clinic"


def page_texts(pdf: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(pdf).pages]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def long_date(day: dt.date) -> str:
    return format_date(day, {"months": ["January", "February", "March", "April", "May", "June", "July",
                                        "August", "September", "October", "November", "December"],
                             "date_format": "{day} {month} {year}"})


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "clinic" / "handouts.toml"
    path.parent.mkdir()
    path.write_text(clinic_profile_text(require_approval=True))
    return path


def approve(cli, content, profile, *args):
    result = cli("approve", "mini", *args, "--by", APPROVER[0], "--role", APPROVER[1],
                 "--clinic", profile, "--content", content)
    assert result.exit_code == 0, result.output
    return result


# --- approvals ----------------------------------------------------------------------


def test_an_approved_handout_prints_its_approver_on_every_page(cli, content, profile, tmp_path):
    approve(cli, content, profile, "--audience", "parent")
    approvals = (profile.parent / "approvals.toml").read_text()
    assert 'by = "Dr Ada Patel"' in approvals and 'content_sha256 = "' in approvals
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--clinic", profile, "-t", "mini", "-a", "parents", "-o", out)
    assert result.exit_code == 0, result.output
    line = f"Approved for use at {CLINIC} by Dr Ada Patel, Consultant dermatologist, on {long_date(dt.date.today())}"
    pages = page_texts(out / "en" / "parents" / "mini.pdf")
    assert all(line in page for page in pages), pages
    assert not any("Reviewed by" in page or "Not approved" in page for page in pages)


def test_changing_one_word_makes_the_approval_stale_and_build_refuses(cli, content, profile, tmp_path):
    approve(cli, content, profile, "--audience", "parents")
    edit(content / "mini" / "en.md", "Run a warm bath.", "Run a cool bath.")
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--clinic", profile, "-t", "mini", "-a", "parents", "-o", out)
    assert result.exit_code == 1, result.output
    assert "approvals.toml:8: error: 'mini' for parents in en (version 2.1) has changed since Dr Ada Patel " \
           "approved version 2.1" in result.output
    assert "handouts approve mini --audience parents --lang en --by NAME --role ROLE" in result.output
    assert not out.exists()
    listing = json.loads(cli("approvals", "--json", "--clinic", profile, "--content", content).output)
    states = {(h["topic"], h["audience"]): h["approval"] for h in listing["handouts"]}
    assert states[("mini", "parents")] == "stale" and states[("mini", "adults")] == "not approved"
    approve(cli, content, profile, "--audience", "parents")  # read again, approved again
    result = cli("build", "--content", content, "--clinic", profile, "-t", "mini", "-a", "parents", "-o", out)
    assert result.exit_code == 0, result.output


def test_rebranding_or_large_print_keeps_the_approval(cli, content, profile, tmp_path):
    approve(cli, content, profile, "--audience", "adults")
    edit(profile, 'phone = "0113 496 0999"', 'phone = "0113 496 0777"')
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--clinic", profile, "mini", "adult", "--large-print",
                 "--page-size", "LETTER", "-o", out)
    assert result.exit_code == 0, result.output
    assert all(f"Approved for use at {CLINIC}" in page for page in page_texts(out / "en" / "adults" / "mini-large-print.pdf"))


def test_approvals_are_per_audience_and_language(cli, content, profile, tmp_path):
    translate(content, "mini")
    approve(cli, content, profile, "--audience", "parents", "--lang", "en")
    listing = json.loads(cli("approvals", "--json", "--clinic", profile, "--content", content).output)
    states = {(h["topic"], h["audience"], h["language"]): h["approval"] for h in listing["handouts"]}
    assert states[("mini", "parents", "en")] == "approved"
    assert states[("mini", "parents", "fr")] == "not approved"
    assert states[("mini", "adults", "en")] == "not approved"
    out = tmp_path / "out"
    for args in (["-l", "fr", "-a", "parents"], ["-l", "en", "-a", "adults"]):
        result = cli("build", "--content", content, "--clinic", profile, "-t", "mini", *args, "-o", out)
        assert result.exit_code == 1 and "[approval.missing]" in result.output, result.output
        assert "is not approved for use at Northgate Skin Clinic" in result.output
    assert not out.exists()


def test_without_require_approval_an_unapproved_handout_says_so_on_every_page(cli, content, tmp_path):
    profile = tmp_path / "clinic.toml"
    profile.write_text(clinic_profile_text(require_approval=False))
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--clinic", profile, "-t", "mini", "-a", "parents", "-o", out)
    assert result.exit_code == 0, result.output
    pages = page_texts(out / "en" / "parents" / "mini.pdf")
    assert all(f"Not approved for use by {CLINIC}" in page for page in pages)


def test_without_a_profile_build_says_so_in_one_line(cli, content, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-t", "mini", "-a", "parents", "-o", out)
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if "no clinic profile" in line]
    assert len(notes) == 1 and "no clinic name or contact" in notes[0] and "handouts init" in notes[0]
    assert all("Sample: not approved for use by any clinic" in p for p in page_texts(out / "en" / "parents" / "mini.pdf"))


def test_approve_needs_a_profile_and_a_name(cli, content, profile, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = cli("approve", "mini", "--by", "X", "--role", "Y", "--content", content)
    assert result.exit_code == 2 and "approvals belong to a clinic" in result.output
    result = cli("approve", "mini", "--role", "Y", "--clinic", profile, "--content", content)
    assert result.exit_code == 2 and "say who approves" in result.output
    assert not (profile.parent / "approvals.toml").exists()


# --- review dates, judged against the real today -----------------------------------------


def set_review(content: Path, last: dt.date, due: dt.date) -> None:
    for name in ("mini", "kit"):
        path = content / name / "en.md"
        text = path.read_text()
        text = text.replace("last_reviewed: 2026-10-01", f"last_reviewed: {last.isoformat()}")
        text = text.replace("next_review_due: 2027-10-01", f"next_review_due: {due.isoformat()}")
        text = text.replace("    date: 2026-10-01", f"    date: {last.isoformat()}")
        path.write_text(text)


def test_an_overdue_handout_is_refused_and_nothing_written(cli, live_content, tmp_path):
    today = dt.date.today()
    set_review(live_content, today - dt.timedelta(days=400), today - dt.timedelta(days=1))
    out = tmp_path / "out"
    result = cli("build", "--content", live_content, "-t", "mini", "-o", out)
    assert result.exit_code == 1
    assert (f"mini/en.md:11: error: 'mini' was due for review on {(today - dt.timedelta(days=1)).isoformat()}, "
            "so it was not built") in result.output
    assert "--allow-overdue" in result.output
    assert not out.exists()
    listing = json.loads(cli("list", "--json", "--content", live_content).output)
    assert {t["id"]: t["review"] for t in listing["topics"]}["mini"] == "overdue"


def test_allow_overdue_prints_the_overdue_line_on_every_page(cli, live_content, tmp_path):
    today = dt.date.today()
    due = today - dt.timedelta(days=3)
    set_review(live_content, today - dt.timedelta(days=400), due)
    out = tmp_path / "out"
    result = cli("build", "--content", live_content, "-t", "mini", "-a", "parents", "--allow-overdue", "-o", out)
    assert result.exit_code == 0, result.output
    pages = page_texts(out / "en" / "parents" / "mini.pdf")
    assert len(pages) >= 1
    assert all(f"Overdue for review since {long_date(due)}" in page for page in pages), pages


def test_a_review_due_within_60_days_builds_with_a_warning(cli, live_content, tmp_path):
    today = dt.date.today()
    due = today + dt.timedelta(days=30)
    set_review(live_content, today - dt.timedelta(days=300), due)
    out = tmp_path / "out"
    result = cli("build", "--content", live_content, "-t", "mini", "-a", "adults", "-o", out)
    assert result.exit_code == 0, result.output
    assert (f"mini/en.md:11: warning: 'mini' is due for review on {due.isoformat()} (in 30 days)"
            in result.output)
    assert pdfs_under(out) == [out / "en" / "adults" / "mini.pdf"]
    listing = json.loads(cli("list", "--json", "--content", live_content).output)
    assert {t["id"]: t["review"] for t in listing["topics"]}["mini"] == "due-soon"
    handouts = json.loads(cli("approvals", "--json", "--content", live_content).output)["handouts"]
    assert {h["review"] for h in handouts if h["topic"] == "mini"} == {"due-soon"}
    far = today + dt.timedelta(days=61)
    set_review(live_content, today - dt.timedelta(days=300), far)  # already edited: dates differ now
    edit(live_content / "mini" / "en.md", f"next_review_due: {due.isoformat()}", f"next_review_due: {far.isoformat()}")
    result = cli("build", "--content", live_content, "-t", "mini", "-a", "adults", "-o", out)
    assert result.exit_code == 0 and "warning: 'mini'" not in result.output


def test_the_catalogue_shows_each_review_state(cli, live_content, tmp_path):
    today = dt.date.today()
    set_review(live_content, today - dt.timedelta(days=300), today + dt.timedelta(days=10))
    out = tmp_path / "out"
    result = cli("catalogue", "--content", live_content, "-o", out)
    assert result.exit_code == 0, result.output
    text = " ".join(page_texts(out / "catalogue.pdf"))
    assert "Review due soon" in text


# --- give, and the log ---------------------------------------------------------------


def log_rows(path: Path) -> list[dict]:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute("SELECT * FROM handed_out ORDER BY id")]
    finally:
        connection.close()


def test_give_probiotics_to_a_parent_in_large_print(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("give", "probiotics", "--audience", "parent", "--large-print", "--count", "2")
    assert result.exit_code == 0, result.output
    assert pdfs_under(tmp_path / "output") == [tmp_path / "output" / "en" / "parents" / "probiotics-large-print.pdf"]
    [row] = log_rows(tmp_path / "handouts-log.sqlite")
    library = load_library(topics=["probiotics"])
    assert row["topic"] == "probiotics" and row["audience"] == "parents" and row["language"] == "en"
    assert row["count"] == 2 and row["large_print"] == 1 and row["page_size"] == "a4" and row["packet"] is None
    assert row["version"] == library.topics[("probiotics", "en")].meta.version
    assert len(row["content_sha256"]) == 64
    again = cli("give", "probiotics", "Parent", "--large-print", "--page-size", "A4")
    assert again.exit_code == 0 and "reused" in again.output
    assert len(log_rows(tmp_path / "handouts-log.sqlite")) == 2


def test_give_a_packet_logs_each_topic_version(cli, content, tmp_path):
    db = tmp_path / "log.sqlite"
    result = cli("give", "--packet", "starter", "--audience", "adults", "--content", content,
                 "--db", db, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    [row] = log_rows(db)
    assert row["topic"] == "starter" and row["packet"] == "starter" and row["version"] == "mini 2.1, kit 1.0"


def test_give_print_without_cups_says_so_and_records_nothing(cli, content, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    db = tmp_path / "log.sqlite"
    result = cli("give", "mini", "parents", "--print", "--content", content, "--db", db, "-o", tmp_path / "out")
    assert result.exit_code == 4
    assert "the 'lp' command (CUPS) is not installed" in result.output and "nothing was recorded" in result.output
    assert not db.exists() or log_rows(db) == []


def test_give_needs_one_reader(cli, content, tmp_path):
    result = cli("give", "mini", "--content", content, "-o", tmp_path / "out", "--db", tmp_path / "log.sqlite")
    assert result.exit_code == 2 and "say who it is for" in result.output
    assert not (tmp_path / "out").exists()


def test_log_records_format_fields_and_upgrades_an_old_log(cli, content, tmp_path):
    db = tmp_path / "old.sqlite"
    connection = sqlite3.connect(db)
    connection.executescript("""
        CREATE TABLE handed_out (id INTEGER PRIMARY KEY, day TEXT NOT NULL, topic TEXT NOT NULL,
            version TEXT NOT NULL, language TEXT NOT NULL, audience TEXT NOT NULL,
            count INTEGER NOT NULL CHECK (count > 0));
        INSERT INTO handed_out (day, topic, version, language, audience, count)
            VALUES ('2026-01-05', 'mini', '2.0', 'en', 'parents', 4);
    """)
    connection.commit()
    connection.close()
    result = cli("log", "mini", "Parent", "--large-print", "--page-size", "LETTER", "-n", "3",
                 "--content", content, "--db", db)
    assert result.exit_code == 0, result.output
    old, new = log_rows(db)
    assert (old["topic"], old["version"], old["count"], old["large_print"]) == ("mini", "2.0", 4, 0)
    assert (new["version"], new["count"], new["large_print"], new["page_size"]) == ("2.1", 3, 1, "letter")
    assert len(new["content_sha256"]) == 64


def test_report_finds_copies_given_before_a_clinically_significant_change(cli, content, tmp_path):
    db = tmp_path / "log.sqlite"
    assert cli("log", "mini", "adults", "-n", "5", "--date", "2026-10-15", "--content", content, "--db", db).exit_code == 0
    assert cli("log", "kit", "adults", "-n", "2", "--date", "2026-10-16", "--content", content, "--db", db).exit_code == 0
    path = content / "mini" / "en.md"
    edit(path, 'version: "2.1"', 'version: "2.2"')
    path.write_text(path.read_text().replace("    clinical: true\n---", "    clinical: true\n"
                    '  - version: "2.2"\n    date: 2026-11-20\n    change: Baths now 5 minutes, not 10\n'
                    "    clinical: true\n---", 1))
    result = cli("log", "--report", "--content", content, "--db", db)
    assert result.exit_code == 0, result.output
    report = result.output.split("Out-of-date copies")[1]
    assert "2026-10-15" in report and "mini" in report and "2.1" in report and "Baths now 5 minutes" in report
    assert "kit" not in report
    assert "5 out-of-date copies in 1 records." in result.output
    edit(path, "    change: Baths now 5 minutes, not 10\n    clinical: true", "    change: Typo fixed\n    clinical: false")
    result = cli("log", "--report", "--content", content, "--db", db)
    assert "No copies were given out under a version that a clinically significant change has replaced" in result.output


def test_version_and_any_case_choices(cli, content, tmp_path):
    result = cli("--version")
    assert result.exit_code == 0 and result.output.startswith("handouts ")
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-t", "mini", "-a", "CLINICIAN", "--page-size", "Letter", "-o", out)
    assert result.exit_code == 0, result.output
    assert pdfs_under(out) == [out / "en" / "clinicians" / "mini.pdf"]


def test_the_web_page_carries_the_status_line(cli, content, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-t", "mini", "-a", "adults", "--html", "-o", out)
    assert result.exit_code == 0, result.output
    page = (out / "en" / "adults" / "mini.html").read_text()
    assert '<p class="status"><strong>Sample: not approved for use by any clinic</strong></p>' in page
