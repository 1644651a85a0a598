"""The 2020 conference's awards and election in a browser. The leader (Thanh tra tỉnh) creates the Flag and the
Certificate of Merit ballots, freezes and opens them with all eight units present; the eight units vote from
their own logins (Công an tỉnh cannot tick itself); while the vote is open the leader sees the turnout only.
The Merit ballot ends in a tie for the third Certificate, settled by a run-off that Bộ Chỉ huy Quân sự tỉnh
wins. The election confirms Công an tỉnh (leader) and Tòa án (deputy) for 2021, which opens with them. The
vote-count minutes are rendered and downloaded as a PDF; the leader completes and sends the four dossiers; the
board records the province's decision on the Flag (2156/QĐ-UBND of 20/01/2021); a member sees it.

Elements of the awards pages are found by ids, data-* hooks and URLs, never by their (new) wording.
Screenshots go to test-artifacts/: awards-vote-phone.png, awards-merit-results.png, awards-proposals-member.png.
"""

import datetime
import io
import re
import unicodedata

import pdfplumber
import pytest
from playwright.sync_api import expect

from awards.enums import BallotStatus, CandidateRole, Outcome, ProposalStatus
from awards.models import Ballot, BallotCandidate, Proposal
from blocs import demo as blocs_demo
from blocs.models import EmulationYear
from conference import demo as conference_demo
from core.documents import Block, Header, OfficialDocument, render_pdf
from scoring import demo as scoring_demo

from .helpers import assert_healthy_page, assert_vietnamese, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The officer of each member unit (blocs/demo.py), by the unit's code.
OFFICERS = {
    "TTr": "thanhtra",
    "CAT": "congan",
    "TA": "toaan",
    "VKS": "vienkiemsat",
    "STP": "tuphap",
    "CTHADS": "thads",
    "BCHQS": "quansu",
    "BNCTU": "noichinh",
}
LEADER, BOARD, MEMBER = "thanhtra", "bantdkt", "toaan"
AWARDS = "/blocs/ktdnc/years/2020/awards/"

# voter -> the candidates it approves (never itself: the bloc's rule)
FLAG_VOTES = {code: ["CAT"] for code in OFFICERS if code != "CAT"} | {"CAT": []}
MERIT_VOTES = {
    "CAT": ["TTr", "VKS", "BCHQS"],
    "TA": ["TTr", "VKS", "STP"],
    "CTHADS": ["TTr", "VKS", "BCHQS"],
    "BNCTU": ["TTr", "VKS", "STP"],
    "STP": ["TTr", "VKS", "BCHQS"],
    "BCHQS": ["TTr", "VKS", "STP"],
    "VKS": ["TTr", "BCHQS", "STP"],
    "TTr": ["VKS", "BCHQS", "STP"],
}  # TTr 7, VKS 7, BCHQS 5, STP 5: a tie for the third Certificate
RUNOFF_VOTES = {code: ["BCHQS"] for code in ("TTr", "CAT", "TA", "CTHADS", "BNCTU", "STP")} | {
    "VKS": ["STP"],
    "BCHQS": ["STP"],
}  # BCHQS 6, STP 2
ELECTION_VOTES = {code: [c for c in ("CAT", "TA") if c != code] for code in OFFICERS}  # CAT 7, TA 7


@pytest.fixture
def demo_data(transactional_db):
    """The demo up to the conference: the blocs, the published 2020 ranking and the issued plan; no ballot."""
    blocs_demo.seed()
    scoring_demo.seed()
    conference_demo.seed()


@pytest.fixture
def as_user(browser, browser_context_args, live_server):
    """`as_user(username)`: that user's own logged-in page, in a browser context of its own (kept for the test)."""
    pages = {}

    def page_of(username: str):
        if username not in pages:
            page = browser.new_context(**browser_context_args).new_page()
            page.on("dialog", lambda dialog: dialog.accept())  # data-confirm on the dossier's "send"
            login(page, live_server.url, username)
            assert "/accounts/login/" not in page.url, f"{username} could not log in"
            pages[username] = page
        return pages[username]

    yield page_of
    for page in pages.values():
        page.context.close()


# --- small steps ----------------------------------------------------------------------------------------------


def go(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state()
    assert_healthy_page(page)


def submit(page, locator) -> None:
    """Click a submit button and wait for the page it leads to; no error message may come back."""
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    errors = page.locator(".messages .alert-danger")
    assert errors.count() == 0, errors.first.inner_text()


def status_of(page):
    return page.locator("main .ballot-status").first


def confirm(page, step: str, status: str) -> None:
    """One of the leader's steps: open its <details> confirmation, then its submit button."""
    page.locator(f"#{step} summary").click()
    submit(page, page.locator(f"#{step} button[type=submit]"))
    expect(status_of(page)).to_have_attribute("data-status", status)


def ballot_url(pk: int) -> str:
    return f"{AWARDS}ballots/{pk}/"


def ballot_pk(page) -> int:
    match = re.search(r"/awards/ballots/(\d+)/", page.url)
    assert match, page.url
    return int(match.group(1))


def candidates(pk: int) -> dict[str, int]:
    return dict(BallotCandidate.objects.filter(ballot_id=pk).values_list("unit__code", "pk"))


def create_ballot(page, base: str, kind: str) -> int:
    """From the year's awards page: create the ballot for `kind` (an award's code or "election") online."""
    go(page, base + AWARDS)
    form = page.locator(f"#create form:has(input[name=kind][value={kind}])")
    form.locator("input[name=method][value=online]").check()
    submit(page, form.locator("button[type=submit]"))
    expect(status_of(page)).to_have_attribute("data-status", "draft")
    return ballot_pk(page)


def freeze_and_open(page, base: str, pk: int) -> None:
    go(page, base + ballot_url(pk))
    confirm(page, "freeze", "frozen")
    page.locator("#open summary").click()
    present = page.locator("#open input[name=present]")
    expect(present).to_have_count(8)
    for i in range(8):
        expect(present.nth(i)).to_be_checked()  # every member unit present by default
    submit(page, page.locator("#open button[type=submit]"))
    expect(status_of(page)).to_have_attribute("data-status", "open")
    expect(page.locator("#turnout")).to_contain_text("0/8")


def vote(page, base: str, pk: int, code: str, chosen: list[str], screenshot=None) -> None:
    """The unit `code` votes from its own page: from the awards page's "to vote" list to its receipt."""
    go(page, base + AWARDS)
    submit(page, page.locator(f"#to-vote a[href$='/ballots/{pk}/vote/']"))
    by_code = candidates(pk)
    if code in by_code:  # a unit may not vote for itself
        expect(page.locator(f"#candidate-{by_code[code]}")).to_be_disabled()
    for other, candidate in by_code.items():
        if other != code:
            expect(page.locator(f"#candidate-{candidate}")).to_be_enabled()
    for unit in chosen:
        page.locator(f"#candidate-{by_code[unit]}").check()
    if screenshot is not None:
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=screenshot, full_page=True)
    submit(page, page.locator("#vote-form button[type=submit]"))
    if screenshot is not None:
        page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("#receipt")).to_be_visible()
    expect(page.locator("#vote-form")).to_have_count(0)  # one ballot per unit
    go(page, base + AWARDS)
    expect(page.locator(f"#to-vote a[href$='/ballots/{pk}/vote/']")).to_have_count(0)


def everyone_votes(as_user, base: str, pk: int, votes: dict[str, list[str]], phone=None) -> None:
    """Every unit in `votes` votes; `phone=(code, path)` takes that unit's vote page at a phone's width."""
    for code, chosen in votes.items():
        screenshot = phone[1] if phone and phone[0] == code else None
        vote(as_user(OFFICERS[code]), base, pk, code, chosen, screenshot)


def close_count_publish(page, base: str, pk: int) -> None:
    go(page, base + ballot_url(pk))
    confirm(page, "close", "closed")
    expect(page.locator("#results-table")).to_have_count(0)  # nobody sees counts before the tally
    confirm(page, "tally", "tallied")
    expect(page.locator("#results-table")).to_be_visible()
    confirm(page, "publish", "published")


def results(page) -> dict[str, int]:
    rows = page.locator("#results-table tbody tr[data-unit]")
    return {
        rows.nth(i).get_attribute("data-unit"): int(rows.nth(i).get_attribute("data-votes"))
        for i in range(rows.count())
    }


def achievements_pdf(unit_name: str) -> bytes:
    return render_pdf(
        OfficialDocument(
            header=Header(
                "KHỐI THI ĐUA NỘI CHÍNH", unit_name.upper(), "…/BC", "Tuyên Quang", datetime.date(2020, 11, 20)
            ),
            doc_type="BÁO CÁO",
            title_lines=["Thành tích đề nghị khen thưởng năm 2020"],
            blocks=[Block("paragraph", f"{unit_name} đã hoàn thành xuất sắc nhiệm vụ năm 2020.")],
        )
    )


# --- the journey --------------------------------------------------------------------------------------------------


def test_awards_journey(as_user, live_server, demo_data, artifacts, tmp_path):
    base = live_server.url
    leader = as_user(LEADER)

    # --- 1. the leader creates the Flag and the Merit ballots, freezes and opens them ------------------------------
    go(leader, base + AWARDS)
    assert_vietnamese(leader)
    flag = create_ballot(leader, base, "flag")
    assert set(candidates(flag)) == {"CAT"}
    freeze_and_open(leader, base, flag)
    merit = create_ballot(leader, base, "merit")
    assert set(candidates(merit)) == {"TTr", "VKS", "BCHQS", "STP"}
    freeze_and_open(leader, base, merit)

    # --- 2. the eight units vote from their own logins; the leader sees the turnout only -------------------------
    everyone_votes(as_user, base, flag, FLAG_VOTES)
    first_half = dict(list(MERIT_VOTES.items())[:4])
    everyone_votes(as_user, base, merit, first_half)
    go(leader, base + ballot_url(merit))
    expect(leader.locator("#turnout")).to_have_attribute("data-status", "open")
    expect(leader.locator("#turnout .turnout-count")).to_contain_text("4/8")
    expect(leader.locator("#results-table")).to_have_count(0)  # the turnout only, even for the leader
    assert_vietnamese(leader)
    second_half = {k: v for k, v in MERIT_VOTES.items() if k not in first_half}
    everyone_votes(as_user, base, merit, second_half, phone=("VKS", artifacts / "awards-vote-phone.png"))
    go(leader, base + ballot_url(merit))
    expect(leader.locator("#turnout .turnout-count")).to_contain_text("8/8")
    expect(leader.locator("#results-table")).to_have_count(0)

    # --- 3. close, count, publish; the tie for the third Certificate goes to a run-off ----------------------------
    close_count_publish(leader, base, flag)
    assert results(leader) == {"CAT": 7}
    close_count_publish(leader, base, merit)
    assert results(leader) == {"TTr": 7, "VKS": 7, "BCHQS": 5, "STP": 5}
    assert_vietnamese(leader)
    leader.screenshot(path=artifacts / "awards-merit-results.png", full_page=True)
    outcomes = dict(BallotCandidate.objects.filter(ballot_id=merit).values_list("unit__code", "outcome"))
    assert outcomes == {"TTr": Outcome.ELECTED, "VKS": Outcome.ELECTED, "BCHQS": Outcome.RUNOFF, "STP": Outcome.RUNOFF}
    member = as_user(MEMBER)
    go(member, base + ballot_url(merit))
    assert results(member) == {"TTr": 7, "VKS": 7, "BCHQS": 5, "STP": 5}  # published: every member sees them

    submit(leader, leader.locator("#runoff button[type=submit]"))
    runoff = ballot_pk(leader)
    assert runoff != merit
    assert set(candidates(runoff)) == {"BCHQS", "STP"}
    expect(status_of(leader)).to_have_attribute("data-status", "draft")
    freeze_and_open(leader, base, runoff)
    everyone_votes(as_user, base, runoff, RUNOFF_VOTES)
    go(leader, base + ballot_url(runoff))
    confirm(leader, "close", "closed")
    confirm(leader, "tally", "tallied")
    go(member, base + ballot_url(runoff))
    expect(member.locator("#results-table")).to_have_count(0)  # counted but not published: the leader only
    go(leader, base + ballot_url(runoff))
    confirm(leader, "publish", "published")
    assert results(leader) == {"BCHQS": 6, "STP": 2}
    expect(leader.locator("#runoff")).to_have_count(0)
    assert Ballot.objects.get(pk=runoff).candidates.get(outcome=Outcome.ELECTED).unit.code == "BCHQS"

    # --- 4. the election from the rotation: Công an tỉnh leads 2021, Tòa án is its deputy ---------------------------
    election = create_ballot(leader, base, "election")
    roles = dict(BallotCandidate.objects.filter(ballot_id=election).values_list("unit__code", "role"))
    assert roles == {"CAT": CandidateRole.LEADER, "TA": CandidateRole.DEPUTY}
    freeze_and_open(leader, base, election)
    everyone_votes(as_user, base, election, ELECTION_VOTES)
    close_count_publish(leader, base, election)
    assert results(leader) == {"CAT": 7, "TA": 7}
    assert not Ballot.objects.exclude(status=BallotStatus.PUBLISHED).exists()

    year2021 = EmulationYear.objects.select_related("leader", "deputy").get(bloc__slug="ktdnc", year=2021)
    assert (year2021.leader.code, year2021.deputy.code) == ("CAT", "TA")
    congan = as_user("congan")
    go(congan, base + "/blocs/ktdnc/years/2021/")
    expect(congan.locator("main h1")).to_contain_text("2021")
    expect(congan.locator("main h1 + p strong").first).to_have_text(year2021.leader.name)
    assert_vietnamese(congan)
    go(congan, base + "/")
    expect(congan.locator("main section[data-year='2021']")).to_have_attribute("data-role", "leader")
    expect(congan.locator("main section[data-year='2020']")).to_have_attribute(
        "data-role", "deputy"
    )  # deputy in 2020, leader in 2021

    # --- 5. the vote-count minutes: rendered as a PDF and downloaded -----------------------------------------------
    go(leader, base + AWARDS + "minutes/")
    assert_vietnamese(leader)
    submit(leader, leader.locator("form[action$='/minutes/render/pdf/'] button[type=submit]"))
    link = leader.locator("#documents li a[href]")
    expect(link).to_be_visible(timeout=30_000)  # eager in tests; the item polls itself otherwise
    with leader.expect_download() as info:
        link.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    data = target.read_bytes()
    assert data[:4] == b"%PDF"
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    assert "Công an tỉnh" in text
    for expected in ("7/8 phiếu", "6/8 phiếu", "BIÊN BẢN"):
        assert expected in text, expected
    assert text.count("87,5%") >= 5  # CAT (Flag), TTr and VKS (Merit), CAT and TA (election)

    # --- 6. the dossiers: the achievements report uploaded, each dossier sent; the board records the Flag --------
    proposals = {
        (p.award_kind.code, p.unit.code): p
        for p in Proposal.objects.filter(award_kind__year__year=2020).select_related("award_kind", "unit")
    }
    assert set(proposals) == {("flag", "CAT"), ("merit", "TTr"), ("merit", "VKS"), ("merit", "BCHQS")}
    for proposal in proposals.values():
        go(leader, f"{base}{AWARDS}proposals/{proposal.pk}/")
        leader.locator(f"#id_p{proposal.pk}_part").select_option("achievements")
        leader.locator(f"#id_p{proposal.pk}_file").set_input_files(
            files=[
                {
                    "name": f"bao-cao-thanh-tich-{proposal.unit.code.lower()}.pdf",
                    "mimeType": "application/pdf",
                    "buffer": achievements_pdf(proposal.unit.name),
                }
            ]
        )
        submit(leader, leader.locator("#upload button[type=submit]"))
        expect(leader.locator("#part-achievements")).to_contain_text(f"bao-cao-thanh-tich-{proposal.unit.code.lower()}")
        submit(leader, leader.locator(f"form[action$='/proposals/{proposal.pk}/send/'] button[type=submit]"))
        expect(leader.locator("main [data-status=submitted]").first).to_be_visible()
    assert set(Proposal.objects.values_list("status", flat=True)) == {ProposalStatus.SUBMITTED}

    flag_proposal = proposals["flag", "CAT"]
    board = as_user(BOARD)
    go(board, base + AWARDS + "proposals/")
    submit(board, board.locator(f"#proposal-{flag_proposal.pk} a[href$='/proposals/{flag_proposal.pk}/decision/']"))
    board.locator("input[name=approved][value=yes]").check()
    board.locator("#id_number").fill("2156/QĐ-UBND")
    board.locator("#id_date").fill("20/01/2021")
    submit(board, board.locator("form.decision-form button[type=submit]"))
    row = board.locator(f"#proposal-{flag_proposal.pk}")
    expect(row.locator("[data-status=approved]")).to_be_visible()
    expect(row.locator(".decision")).to_contain_text("2156/QĐ-UBND")
    flag_proposal.refresh_from_db()
    assert (flag_proposal.status, flag_proposal.decision_number, flag_proposal.decision_date) == (
        ProposalStatus.APPROVED,
        "2156/QĐ-UBND",
        datetime.date(2021, 1, 20),
    )

    go(member, base + AWARDS + "proposals/")
    row = member.locator(f"#proposal-{flag_proposal.pk}")
    expect(row.locator("[data-status=approved]")).to_be_visible()
    expect(row.locator(".decision")).to_contain_text("2156/QĐ-UBND")
    expect(row.locator(".decision")).to_contain_text("20/01/2021")
    for key in (("merit", "TTr"), ("merit", "VKS"), ("merit", "BCHQS")):
        expect(member.locator(f"#proposal-{proposals[key].pk} [data-status=submitted]")).to_be_visible()
    assert_vietnamese(member)
    member.screenshot(path=artifacts / "awards-proposals-member.png", full_page=True)
