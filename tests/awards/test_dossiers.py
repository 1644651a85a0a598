"""The proposals pages: every URL for every role, the dossier's uploads (bad files named on the form, nothing
stored, every version kept), sending it to the board, the province's decision (refusals, correction) as the
members then see it, and the proposals page's query count at two sizes."""

import datetime
import io
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from awards import services
from awards.enums import DossierPart, ProposalStatus
from awards.models import AwardKind, DossierFile, Proposal
from awards.urls import dossiers as urls_dossiers
from core.models import AuditLog, Notification
from tests.factories import ProvinceFactory, board_of

Y = {"slug": "ktdnc", "year": 2020}
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + b"%" * 2000


@cache
def docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Báo cáo thành tích năm 2020")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def vi(msgid: str) -> str:
    """The Vietnamese wording of a message (the msgid itself until the translation lands)."""
    with translation.override("vi"):
        return gettext(msgid)


def shows(response, message: str) -> bool:
    return escape(message) in response.content.decode()


def url(name: str, **kwargs) -> str:
    return reverse(f"awards:{name}", kwargs={**Y, **kwargs})


# --- proposals made the way the conference makes them ------------------------------------------------------


def flag_proposal(b) -> Proposal:
    """The flag ballot run through the services: 7 units approve Công an tỉnh, which becomes the proposal."""
    leader = b.leader
    kinds = {k.code: k for k in services.award_kinds_ensure(year=b.year)}
    ballot = services.ballot_create_award(award_kind=kinds["flag"], by=leader)
    ballot = services.ballot_freeze(ballot=ballot, by=leader)
    ballot = services.ballot_open(ballot=ballot, present_unit_ids=[u.pk for u in b.units.values()], by=leader)
    cat = ballot.candidates.get(unit=b.units["CAT"])
    for code, officer in b.officers.items():
        if code != "CAT":
            services.ballot_cast(ballot=ballot, candidate_ids=[cat.pk], by=officer)
    ballot = services.ballot_close(ballot=ballot, by=leader)
    ballot = services.ballot_tally(ballot=ballot, by=leader)
    services.ballot_publish(ballot=ballot, by=leader)
    return Proposal.objects.select_related("award_kind__year", "unit").get(award_kind=kinds["flag"])


@pytest.fixture
def proposal(bloc2020) -> Proposal:
    return flag_proposal(bloc2020)


def upload_file(proposal: Proposal, by, part=DossierPart.ACHIEVEMENTS, name="bao-cao-thanh-tich.pdf", data=PDF_BYTES):
    return services.dossier_upload(proposal=proposal, part=part, upload=SimpleUploadedFile(name, data), by=by)


@pytest.fixture
def sent(bloc2020, proposal) -> Proposal:
    upload_file(proposal, bloc2020.leader)
    return services.proposal_submit(proposal=proposal, by=bloc2020.leader)


def test_the_flag_ballot_proposes_cat_with_seven_approvals(bloc2020, proposal):
    assert (proposal.unit.code, proposal.votes, proposal.status) == ("CAT", 7, ProposalStatus.PREPARING)


# --- every URL for every role --------------------------------------------------------------------------------

LOGIN, BACK = "login", "back"
ROLES = ["anonymous", "outsider", "member", "proposed", "leader", "board", "other_board"]
# Who may not even know that the year exists (an officer outside the bloc, another province's board): 404, the
# answer for a year that does not exist. The insiders are refused with 403.
STRANGERS = ("outsider", "other_board")


def user_for(b, role):
    return {
        "anonymous": None,
        "outsider": b.outsider,
        "member": b.officers["VKS"],  # a member unit, not the proposed one
        "proposed": b.officers["CAT"],
        "leader": b.leader,
        "board": b.board,
        "other_board": board_of(ProvinceFactory(name="Hà Giang", code="HG")),
    }[role]


def statuses(*, ok=(), ok_status=200) -> dict[str, object]:
    def outcome(role):
        if role == "anonymous":
            return LOGIN
        if role in STRANGERS:
            return 404
        return ok_status if role in ok else 403

    return {role: outcome(role) for role in ROLES}


READERS = ("member", "proposed", "leader", "board")
DOSSIER_READERS = ("proposed", "leader", "board")

# name -> (method, kwargs from the proposal and its file, data for a POST, expected outcome per role)
URLS = {
    "proposals": ("get", lambda p, f: {}, None, statuses(ok=READERS)),
    "proposal-detail": ("get", lambda p, f: {"pk": p.pk}, None, statuses(ok=DOSSIER_READERS)),
    "dossier-upload": (
        "post",
        lambda p, f: {"pk": p.pk},
        lambda: {"part": "achievements", "file": SimpleUploadedFile("bctt.pdf", PDF_BYTES)},
        statuses(ok=("leader",), ok_status=BACK),
    ),
    "proposal-submit": ("post", lambda p, f: {"pk": p.pk}, lambda: {}, statuses(ok=("leader",), ok_status=BACK)),
    "proposal-decide": ("get", lambda p, f: {"pk": p.pk}, None, statuses(ok=("board",))),
    "dossier-file": ("get", lambda p, f: {"pk": f.pk}, None, statuses(ok=DOSSIER_READERS)),
}


def outcome(response, path: str, back: str) -> object:
    """What a role got, in the table's words."""
    if response.status_code == 302 and response["Location"] == redirect_to_login(path)["Location"]:
        return LOGIN
    if response.status_code == 302 and response["Location"].startswith(back):
        return BACK
    return response.status_code


@pytest.mark.parametrize("name", list(URLS))
def test_url_by_role(bloc2020, proposal, client_as, name):
    """Every role in turn on one URL (one seeded bloc per URL: seeding is the slow part). The roles that may
    write come last, so every refusal is checked against the unchanged state."""
    method, kwargs, data, expected = URLS[name]
    item = upload_file(proposal, bloc2020.leader)
    path = url(name, **kwargs(proposal, item))
    back = url("proposal-detail", pk=proposal.pk)
    outcomes, changed = {}, []
    for role in sorted(ROLES, key=lambda r: expected[r] == BACK):
        before = AuditLog.objects.count()
        client = client_as(user_for(bloc2020, role))
        response = client.post(path, data()) if method == "post" else client.get(path)
        outcomes[role] = outcome(response, path, back)
        if AuditLog.objects.count() != before:
            changed.append(role)

    assert outcomes == expected
    assert changed == [r for r in ROLES if expected[r] == BACK]  # a refused request changes nothing


def test_every_dossier_url_has_a_row_by_role():
    names = {p.name for p in urls_dossiers.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(URLS)


@pytest.mark.parametrize("name", [n for n, row in URLS.items() if row[0] == "post"])
def test_post_only_urls_refuse_get(bloc2020, proposal, client_as, name):
    response = client_as(bloc2020.leader).get(url(name, pk=proposal.pk))

    assert response.status_code == 405


def test_a_proposal_of_another_year_is_404(bloc2020, proposal, client_as):
    item = upload_file(proposal, bloc2020.leader)
    client = client_as(bloc2020.board)
    other = {"slug": "ktdnc", "year": 2019}

    detail = client.get(reverse("awards:proposal-detail", kwargs={**other, "pk": proposal.pk}))
    download = client.get(reverse("awards:dossier-file", kwargs={**other, "pk": item.pk}))

    assert (detail.status_code, download.status_code) == (404, 404)


def test_the_download_is_the_uploaded_file_under_its_name(bloc2020, proposal, client_as):
    item = upload_file(proposal, bloc2020.leader, name="Báo cáo thành tích CAT.docx", data=docx())

    response = client_as(bloc2020.officers["CAT"]).get(url("dossier-file", pk=item.pk))

    assert b"".join(response.streaming_content) == docx()
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


# --- who sees what on the proposals page ------------------------------------------------------------------------


def test_the_leader_sees_the_checklist_and_no_send_button_while_incomplete(bloc2020, proposal, client_as):
    response = client_as(bloc2020.leader).get(url("proposals"))

    [row] = response.context["rows"]
    assert row["checklist"] is not None and not row["complete"]
    assert row["achievements"]["file"] is None
    assert url("proposal-submit", pk=proposal.pk) not in response.content.decode()


def test_the_send_button_appears_once_complete(bloc2020, proposal, client_as):
    upload_file(proposal, bloc2020.leader)

    response = client_as(bloc2020.leader).get(url("proposals"))

    [row] = response.context["rows"]
    assert row["complete"] and row["may_submit"]
    assert url("proposal-submit", pk=proposal.pk) in response.content.decode()
    assert "bao-cao-thanh-tich.pdf" in response.content.decode()


def test_the_generated_parts_link_to_their_documents(bloc2020, proposal, client_as):
    links = (reverse("awards:submission", kwargs={**Y, "pk": proposal.pk}), reverse("awards:minutes", kwargs=Y))

    listing = client_as(bloc2020.leader).get(url("proposals")).content.decode()
    dossier = client_as(bloc2020.officers["CAT"]).get(url("proposal-detail", pk=proposal.pk)).content.decode()

    assert [f'href="{link}"' in listing for link in links] == [True, True]
    assert [f'href="{link}"' in dossier for link in links] == [True, True]


@pytest.mark.parametrize("code", ["VKS", "CAT"])
def test_members_see_no_checklist_and_no_actions(bloc2020, proposal, client_as, code):
    response = client_as(bloc2020.officers[code]).get(url("proposals"))

    [row] = response.context["rows"]
    assert (row["checklist"], row["may_submit"], row["may_decide"]) == (None, False, False)
    assert row["may_view"] == (code == "CAT")  # the proposed unit reads its own dossier
    assert url("proposal-decide", pk=proposal.pk) not in response.content.decode()


def test_the_board_records_only_sent_proposals(bloc2020, proposal, client_as):
    before = client_as(bloc2020.board).get(url("proposals")).context["rows"][0]["may_decide"]
    upload_file(proposal, bloc2020.leader)
    services.proposal_submit(proposal=proposal, by=bloc2020.leader)

    response = client_as(bloc2020.board).get(url("proposals"))

    assert (before, response.context["rows"][0]["may_decide"]) == (False, True)
    assert url("proposal-decide", pk=proposal.pk) in response.content.decode()


# --- uploads ----------------------------------------------------------------------------------------------


def stored_files() -> list[str]:
    root = Path(django_settings.STORAGES["default"]["OPTIONS"]["location"]) / "awards"
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _size_message(name: str) -> str:
    with translation.override("vi"):
        return gettext("The file “%(name)s” is %(size)s; the limit is %(limit)s.") % {
            "name": name,
            "size": filesizeformat(len(PDF_BYTES)),
            "limit": filesizeformat(1000),
        }


BAD = {
    "empty": ("trong.pdf", b"", lambda: vi("The file “%(name)s” is empty.") % {"name": "trong.pdf"}),
    "exe-renamed-pdf": (
        "setup.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        lambda: (
            vi("The file “%(name)s” is not a valid %(allowed)s file (its content was checked, not its name).")
            % {"name": "setup.pdf", "allowed": vi("%(first)s or %(last)s") % {"first": "PDF", "last": "DOCX"}}
        ),
    ),
    "too-large": ("lon.pdf", PDF_BYTES, lambda: _size_message("lon.pdf")),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_is_named_on_the_form_and_nothing_is_stored(bloc2020, proposal, client_as, settings, case):
    name, data, message = BAD[case]
    if case == "too-large":
        settings.UPLOAD_MAX_BYTES = 1000
    before = (stored_files(), DossierFile.objects.count(), AuditLog.objects.count())

    response = client_as(bloc2020.leader).post(
        url("dossier-upload", pk=proposal.pk), {"part": "achievements", "file": SimpleUploadedFile(name, data)}
    )

    assert response.status_code == 200
    assert shows(response, message())
    form = response.context["upload_form"]
    assert form.errors["file"]
    assert form["part"].value() == "achievements"  # the choice is kept for the next try
    assert (stored_files(), DossierFile.objects.count(), AuditLog.objects.count()) == before


def test_the_dossier_counts_against_the_proposed_units_quota_and_an_upload_over_it_is_refused(
    bloc2020, proposal, client_as
):
    """The dossier's files are the proposed unit's files of the year: they count in its storage quota (bloc
    setting), and an upload that would pass it is refused on the form, naming the quota, with nothing stored."""
    from blocs.storage import storage_used

    unit = proposal.unit
    earlier = storage_used(unit=unit, year=bloc2020.year)  # its reports of the year
    upload_file(proposal, bloc2020.leader, name="v1.pdf")
    used = storage_used(unit=unit, year=bloc2020.year)
    assert used == earlier + len(PDF_BYTES)
    year = bloc2020.year
    year.settings_override = {**year.settings_override, "storage_quota_mb": (used + len(PDF_BYTES) // 2) / 2**20}
    year.save(update_fields=["settings_override"])
    quota = int((used + len(PDF_BYTES) // 2) / 2**20 * 1024 * 1024)
    before = (stored_files(), DossierFile.objects.count(), AuditLog.objects.count())

    response = client_as(bloc2020.leader).post(
        url("dossier-upload", pk=proposal.pk), {"part": "achievements", "file": SimpleUploadedFile("v2.pdf", PDF_BYTES)}
    )

    assert response.status_code == 200
    with translation.override("vi"):
        message = gettext(
            "%(unit)s has used %(used)s of its %(quota)s of files for %(year)s; this upload (%(size)s) would go "
            "over it. Remove files no longer needed, or ask the bloc's leader to raise the quota."
        ) % {
            "unit": unit.short_name,
            "used": filesizeformat(used),
            "quota": filesizeformat(quota),
            "year": 2020,
            "size": filesizeformat(len(PDF_BYTES)),
        }
    assert shows(response, message)
    assert (stored_files(), DossierFile.objects.count(), AuditLog.objects.count()) == before


def test_an_upload_without_a_part_or_a_file_says_which(bloc2020, proposal, client_as):
    response = client_as(bloc2020.leader).post(url("dossier-upload", pk=proposal.pk), {})

    form = response.context["upload_form"]
    assert form.errors == {
        "part": [vi("Choose which part of the dossier this file is.")],
        "file": [vi("Choose the file to upload.")],
    }


def test_every_upload_is_kept_and_the_newest_counts(bloc2020, proposal, client_as):
    client = client_as(bloc2020.leader)
    for name, data in (("bctt-v1.pdf", PDF_BYTES), ("bctt-v2.docx", docx())):
        response = client.post(
            url("dossier-upload", pk=proposal.pk), {"part": "achievements", "file": SimpleUploadedFile(name, data)}
        )
        assert response.status_code == 302

    response = client_as(bloc2020.officers["CAT"]).get(url("proposal-detail", pk=proposal.pk))

    part = next(p for p in response.context["parts"] if p["code"] == "achievements")
    assert part["current"].original_name == "bctt-v2.docx"
    assert [f.original_name for f in part["earlier"]] == ["bctt-v1.pdf"]
    assert part["ready"]
    assert len(stored_files()) == 2
    assert response.context["upload_form"] is None  # only the leader uploads


# --- sending to the board ---------------------------------------------------------------------------------------


def test_sending_an_incomplete_dossier_names_the_missing_part(bloc2020, proposal, client_as):
    response = client_as(bloc2020.leader).post(url("proposal-submit", pk=proposal.pk), follow=True)

    with translation.override("vi"):
        missing = str(DossierPart.ACHIEVEMENTS.label)
    expected = vi("The dossier is not complete: %(parts)s.") % {"parts": missing}
    assert shows(response, expected)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PREPARING


def test_sending_a_complete_dossier(bloc2020, proposal, client_as):
    upload_file(proposal, bloc2020.leader)

    response = client_as(bloc2020.leader).post(url("proposal-submit", pk=proposal.pk), {"back": "list"})

    assert response["Location"] == url("proposals") + f"#proposal-{proposal.pk}"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.submitted_by) == (ProposalStatus.SUBMITTED, bloc2020.leader)
    page = client_as(bloc2020.leader).get(url("proposal-detail", pk=proposal.pk))
    assert (page.context["may_manage"], page.context["upload_form"]) == (False, None)  # frozen once sent


def test_sending_the_dossier_tells_each_board_staff_of_the_province(bloc2020, proposal, client_as):
    colleague = board_of(bloc2020.year.bloc.province, email="ban.tdkt2@example.vn")
    board_of(ProvinceFactory(name="Hà Giang", code="HG"))  # another province's board hears nothing
    upload_file(proposal, bloc2020.leader)

    client_as(bloc2020.leader).post(url("proposal-submit", pk=proposal.pk))

    told = Notification.objects.filter(dedupe_key__startswith="awards.proposal.submitted:").order_by("recipient_id")
    assert [(n.recipient, n.link) for n in told] == [
        (bloc2020.board, url("proposal-detail", pk=proposal.pk)),
        (colleague, url("proposal-detail", pk=proposal.pk)),
    ]
    with translation.override("vi"):
        expected = gettext("Dossier received: %(unit)s, %(kind)s") % {
            "unit": "Công an tỉnh Tuyên Quang",
            "kind": "Cờ thi đua của UBND tỉnh",
        }
    assert told[0].title == expected
    assert "Khối thi đua Nội chính tỉnh Tuyên Quang" in told[0].body


def test_an_upload_after_sending_is_refused(bloc2020, sent, client_as):
    response = client_as(bloc2020.leader).post(
        url("dossier-upload", pk=sent.pk),
        {"part": "other", "file": SimpleUploadedFile("x.pdf", PDF_BYTES)},
        follow=True,
    )

    assert shows(response, vi("The dossier was already sent to the board: it can no longer change."))
    assert sent.files.count() == 1


# --- the province's decision -------------------------------------------------------------------------------------


def decision(**overrides) -> dict:
    return {"approved": "yes", "number": "2156/QĐ-UBND", "date": "15/12/2020", "note": "", **overrides}


def test_a_decision_before_the_dossier_is_sent_is_refused(bloc2020, proposal, client_as):
    client = client_as(bloc2020.board)
    page = client.get(url("proposal-decide", pk=proposal.pk))

    response = client.post(url("proposal-decide", pk=proposal.pk), decision())

    assert page.context["show_form"] is False
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [vi("The leader has not sent this dossier yet.")]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_number) == (ProposalStatus.PREPARING, "")


def test_an_approval_without_a_number_is_named_and_the_input_kept(bloc2020, sent, client_as):
    response = client_as(bloc2020.board).post(url("proposal-decide", pk=sent.pk), decision(number="  "))

    form = response.context["form"]
    assert form.errors == {"number": [vi("Enter the number of the province's decision.")]}
    assert 'value="15/12/2020"' in response.content.decode()
    sent.refresh_from_db()
    assert (sent.status, sent.decided_at) == (ProposalStatus.SUBMITTED, None)


def test_a_decision_dated_in_the_future_is_refused(bloc2020, sent, client_as):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")

    response = client_as(bloc2020.board).post(url("proposal-decide", pk=sent.pk), decision(date=tomorrow))

    assert response.context["form"].errors == {"date": [vi("The decision's date cannot be in the future.")]}
    assert 'value="2156/QĐ-UBND"' in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == ProposalStatus.SUBMITTED


def test_a_date_not_in_dd_mm_yyyy_is_named(bloc2020, sent, client_as):
    response = client_as(bloc2020.board).post(url("proposal-decide", pk=sent.pk), decision(date="12/31/2020"))

    assert response.context["form"].errors == {"date": [vi("Enter the date as dd/mm/yyyy, e.g. 15/12/2020.")]}


def test_the_decision_is_recorded_and_the_members_see_it(bloc2020, sent, client_as):
    response = client_as(bloc2020.board).post(
        url("proposal-decide", pk=sent.pk), decision(note="Tặng Cờ thi đua của UBND tỉnh năm 2020")
    )

    assert response["Location"] == url("proposals") + f"#proposal-{sent.pk}"
    sent.refresh_from_db()
    assert (sent.status, sent.decision_number, sent.decision_date, sent.decided_by) == (
        ProposalStatus.APPROVED,
        "2156/QĐ-UBND",
        datetime.date(2020, 12, 15),
        bloc2020.board,
    )
    for code in ("VKS", "CAT", "BNCTU"):
        page = client_as(bloc2020.officers[code]).get(url("proposals"))
        text = page.content.decode()
        assert "2156/QĐ-UBND" in text and "15/12/2020" in text
        assert 'data-status="approved"' in text


def test_a_recorded_decision_is_corrected_on_the_same_form(bloc2020, sent, client_as):
    client = client_as(bloc2020.board)
    client.post(url("proposal-decide", pk=sent.pk), decision())

    page = client.get(url("proposal-decide", pk=sent.pk))
    response = client.post(
        url("proposal-decide", pk=sent.pk), decision(approved="no", number="", date="", note="Chưa đủ điều kiện")
    )

    assert page.context["form"].initial == {
        "approved": "yes",
        "number": "2156/QĐ-UBND",
        "date": datetime.date(2020, 12, 15),
        "note": "",
    }
    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.status, sent.decision_number, sent.decision_date, sent.decision_note) == (
        ProposalStatus.REJECTED,
        "",
        None,
        "Chưa đủ điều kiện",
    )
    assert AuditLog.objects.filter(action="awards.proposal.decided").count() == 2


def test_a_refusal_without_a_reason_is_named_and_nothing_recorded(bloc2020, sent, client_as):
    response = client_as(bloc2020.board).post(
        url("proposal-decide", pk=sent.pk), decision(approved="no", number="", date="", note="  ")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "note": [vi("Give the reason the province did not approve the proposal.")]
    }
    sent.refresh_from_db()
    assert (sent.status, sent.decided_at) == (ProposalStatus.SUBMITTED, None)


@pytest.mark.parametrize(
    ("number", "date", "errors"),
    [
        ("2200/QĐ-UBND", "", {"date": "Enter the date of the province's decision."}),
        ("", "20/01/2021", {"number": "Enter the number of the province's decision."}),
    ],
)
def test_a_refusal_s_decision_has_both_its_number_and_its_date(bloc2020, sent, client_as, number, date, errors):
    response = client_as(bloc2020.board).post(
        url("proposal-decide", pk=sent.pk),
        decision(approved="no", number=number, date=date, note="Chưa đủ điều kiện"),
    )

    assert response.context["form"].errors == {field: [vi(message)] for field, message in errors.items()}
    sent.refresh_from_db()
    assert sent.decided_at is None


def test_a_refusal_is_recorded_with_its_reason_and_the_unit_is_told_why(bloc2020, sent, client_as):
    response = client_as(bloc2020.board).post(
        url("proposal-decide", pk=sent.pk),
        decision(approved="no", number="2200/QĐ-UBND", date="20/01/2021", note="Chưa đủ điều kiện"),
    )

    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.status, sent.decision_number, sent.decision_date, sent.decision_note) == (
        ProposalStatus.REJECTED,
        "2200/QĐ-UBND",
        datetime.date(2021, 1, 20),
        "Chưa đủ điều kiện",
    )
    told = Notification.objects.get(
        recipient=bloc2020.officers["CAT"], dedupe_key__startswith="awards.proposal.decided:"
    )
    assert told.body == vi("Not approved: %(reason)s") % {"reason": "Chưa đủ điều kiện"}


# --- query counts --------------------------------------------------------------------------------------------


def _more_proposals(b, proposal: Proposal, n: int) -> None:
    """Up to `n` proposals in all, each with a file, for the page's query count."""
    merit = AwardKind.objects.get(year=b.year, code="merit")
    for code in ("TTr", "VKS", "STP", "BCHQS")[: n - 1]:
        extra = Proposal.objects.create(award_kind=merit, unit=b.units[code], ballot=proposal.ballot, votes=6)
        upload_file(extra, b.leader)
    upload_file(proposal, b.leader)


@pytest.mark.parametrize("role", ["leader", "board", "member"])
@pytest.mark.parametrize("n", [1, 5])
def test_the_proposals_page_has_a_constant_query_count(
    bloc2020, proposal, client_as, django_assert_max_num_queries, role, n
):
    _more_proposals(bloc2020, proposal, n)
    client = client_as(user_for(bloc2020, role))

    with django_assert_max_num_queries(9):
        response = client.get(url("proposals"))

    assert len(response.context["rows"]) == n


# --- the page in a browser ----------------------------------------------------------------------------------


def merit_proposals(b) -> list[Proposal]:
    """The merit ballot run through the services: each unit approves the first candidates that are not itself."""
    leader = b.leader
    kind = AwardKind.objects.get(year=b.year, code="merit")
    ballot = services.ballot_create_award(award_kind=kind, by=leader)
    ballot = services.ballot_freeze(ballot=ballot, by=leader)
    ballot = services.ballot_open(ballot=ballot, present_unit_ids=[u.pk for u in b.units.values()], by=leader)
    candidates = list(ballot.candidates.all())
    for code, officer in b.officers.items():
        chosen = [c.pk for c in candidates if c.unit_id != b.units[code].pk][: ballot.quota]
        services.ballot_cast(ballot=ballot, candidate_ids=chosen, by=officer)
    for step in (services.ballot_close, services.ballot_tally, services.ballot_publish):
        ballot = step(ballot=ballot, by=leader)
    return list(Proposal.objects.filter(award_kind=kind).select_related("award_kind__year", "unit"))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_board_reads_the_proposals_page_in_a_browser(page, live_server, bloc2020, artifacts):
    from playwright.sync_api import expect

    from tests.e2e.helpers import assert_healthy_page, login

    flag = flag_proposal(bloc2020)
    merit = merit_proposals(bloc2020)
    for proposal in [flag, *merit[:2]]:
        upload_file(proposal, bloc2020.leader)
        services.proposal_submit(proposal=proposal, by=bloc2020.leader)
    services.proposal_decide(
        proposal=flag, approved=True, number="2156/QĐ-UBND", date=datetime.date(2020, 12, 15), by=bloc2020.board
    )

    login(page, live_server.url, bloc2020.board.username)
    page.goto(live_server.url + url("proposals"))
    page.wait_for_load_state()
    assert_healthy_page(page)
    expect(page.locator(f"#proposal-{flag.pk} .decision")).to_contain_text("2156/QĐ-UBND")
    expect(page.locator(f"#proposal-{merit[0].pk}")).to_contain_text(vi("Record the decision"))
    page.screenshot(path=artifacts / "awards-proposals-board.png", full_page=True)
