"""Demo data of the awards app: the 2020 conference of the internal-affairs bloc voted (05/11/2020), with a
tie for the Certificates of Merit settled by a run-off, Công an tỉnh confirmed as 2021's leader (which opens
2021), the vote count's committee and secretary written on its minutes, the proposals' dossiers sent and the
province's decisions on three of the four. Every recorded time is the event's own (the conference's, the
dossier's, the decision's), not the day the demo is built."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from blocs.models import EmulationYear, LeaderTerm, Person, Unit
from core.documents import lifecycle

from . import services
from .enums import BallotMethod, BallotStatus
from .models import Ballot, DossierFile, Proposal
from .services.documents import VOTE_COUNT_MINUTES

EVERYONE = ["TTr", "CAT", "TA", "VKS", "STP", "CTHADS", "BCHQS", "BNCTU"]

# voter -> the units it approves (a unit never approves itself: the bloc's rule)
FLAG_VOTES = {code: ["CAT"] for code in EVERYONE if code != "CAT"}
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
RUNOFF_VOTES = {
    "CAT": ["BCHQS"],
    "TA": ["BCHQS"],
    "CTHADS": ["BCHQS"],
    "BNCTU": ["BCHQS"],
    "TTr": ["BCHQS"],
    "VKS": ["STP"],
}
ELECTION_VOTES = {code: [c for c in ("CAT", "TA") if c != code] for code in EVERYONE}

DOSSIER_UPLOADED = datetime.datetime(2020, 11, 18, 15, 0)
DOSSIER_SENT = datetime.datetime(2020, 11, 20, 9, 0)
DECISIONS_RECORDED = datetime.datetime(2021, 1, 22, 10, 0)

DECISION_SIGNER = ("Nguyễn Văn Sơn", "Phó Chủ tịch UBND tỉnh")  # invented for the demo
DECISIONS = {
    ("flag", "CAT"): (True, "2156/QĐ-UBND", datetime.date(2021, 1, 20)),
    ("merit", "TTr"): (True, "2157/QĐ-UBND", datetime.date(2021, 1, 20)),
    ("merit", "VKS"): (True, "2157/QĐ-UBND", datetime.date(2021, 1, 20)),
}


# The vote-counting committee the conference elected, and the secretary (the conference minutes' own): the officers
# of these units (unit code -> role).
COUNTING_COMMITTEE = [("CAT", "chair"), ("TA", "member"), ("STP", "member"), ("TTr", "secretary")]


def _at(hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2020, 11, 5, hour, minute))


def _officer(unit: Unit):
    return Person.objects.filter(unit=unit).select_related("user").order_by("pk").first().user


def _run(
    ballot: Ballot, votes: dict[str, list[str]], units: dict[str, Unit], leader, start: datetime.datetime
) -> Ballot:
    ballot = services.ballot_freeze(ballot=ballot, by=leader)
    ballot = services.ballot_open(ballot=ballot, present_unit_ids=[u.pk for u in units.values()], by=leader)
    by_code = {c.unit.code: c.pk for c in ballot.candidates.select_related("unit")}
    for voter, chosen in votes.items():
        services.ballot_cast(ballot=ballot, candidate_ids=[by_code[c] for c in chosen], by=_officer(units[voter]))
    ballot = services.ballot_close(ballot=ballot, by=leader)
    ballot = services.ballot_tally(ballot=ballot, by=leader)
    ballot = services.ballot_publish(ballot=ballot, by=leader)
    # the conference's own times rather than today's
    minute = datetime.timedelta(minutes=1)
    Ballot.objects.filter(pk=ballot.pk).update(
        created_at=start - 30 * minute,
        frozen_at=start - 5 * minute,
        opened_at=start,
        closed_at=start + 10 * minute,
        tallied_at=start + 15 * minute,
        published_at=start + 16 * minute,
    )
    ballot.voters.filter(voted_at__isnull=False).update(voted_at=start + 5 * minute)
    ballot.refresh_from_db()
    return ballot


def _achievements_pdf(unit: Unit) -> SimpleUploadedFile:
    from weasyprint import HTML

    html = (
        "<html><body style='font-family: serif'><h3 style='text-align:center'>BÁO CÁO THÀNH TÍCH</h3>"
        f"<p style='text-align:center'>Đề nghị tặng thưởng năm 2020 của {unit.name}</p>"
        "<p>I. Đặc điểm, tình hình; II. Thành tích đạt được; III. Các hình thức khen thưởng đã đạt được.</p>"
        "</body></html>"
    )
    return SimpleUploadedFile(f"bao-cao-thanh-tich-{unit.code.lower()}.pdf", HTML(string=html).write_pdf())


@transaction.atomic
def seed() -> None:
    year = EmulationYear.objects.select_related("bloc__province", "leader").get(bloc__slug="ktdnc", year=2020)
    if year.ballots.exists():
        return
    units = {u.code: u for u in Unit.objects.filter(memberships__bloc=year.bloc) if u.code in EVERYONE}
    leader = _officer(year.leader)
    board = Person.objects.filter(board_province=year.bloc.province).select_related("user").first().user
    kinds = {k.code: k for k in services.award_kinds_ensure(year=year)}

    flag = services.ballot_create_award(award_kind=kinds["flag"], by=leader, method=BallotMethod.ONLINE)
    _run(flag, FLAG_VOTES, units, leader, _at(15, 30))
    merit = services.ballot_create_award(award_kind=kinds["merit"], by=leader, method=BallotMethod.ONLINE)
    merit = _run(merit, MERIT_VOTES, units, leader, _at(15, 50))
    runoff = services.ballot_runoff_create(ballot=merit, by=leader)
    _run(runoff, RUNOFF_VOTES, units, leader, _at(16, 10))
    election = services.ballot_create_election(year=year, by=leader, method=BallotMethod.ONLINE)
    election = _run(election, ELECTION_VOTES, units, leader, _at(16, 30))
    # 2021's leaders, recorded when the election was published (the counting's note dates it by its own clock)
    LeaderTerm.objects.filter(bloc=year.bloc, year=year.year + 1).update(
        recorded_at=election.published_at,
        note="Hội nghị bầu, xác nhận ngày " + timezone.localdate(election.closed_at).strftime("%d/%m/%Y"),
    )
    assert not year.ballots.exclude(status=BallotStatus.PUBLISHED).exists()
    # The minutes of the vote count: the committee and the secretary written in their editor (left in draft).
    minutes = VOTE_COUNT_MINUTES.current(year)
    minutes.counting_people = [
        {"name": _officer(units[code]).full_name, "unit": units[code].name, "role": role}
        for code, role in COUNTING_COMMITTEE
    ]
    lifecycle.save_draft(VOTE_COUNT_MINUTES, minutes, expected_version=None, by=leader)

    for proposal in Proposal.objects.filter(award_kind__year=year).select_related("award_kind", "unit"):
        services.dossier_upload(
            proposal=proposal, part="achievements", upload=_achievements_pdf(proposal.unit), by=leader
        )
        services.proposal_submit(proposal=proposal, by=leader)
    # The province's decisions, each recorded once for every proposal it covers (the board's bulk form).
    from .services.decisions import decide_many

    groups: dict[tuple, list[int]] = {}
    for proposal in Proposal.objects.filter(award_kind__year=year).select_related("award_kind", "unit"):
        decision = DECISIONS.get((proposal.award_kind.code, proposal.unit.code))
        if decision:
            groups.setdefault(decision, []).append(proposal.pk)
    for (approved, number, date), ids in groups.items():
        decide_many(
            province=year.bloc.province,
            year=year.year,
            proposal_ids=ids,
            approved=approved,
            number=number,
            date=date,
            signer_name=DECISION_SIGNER[0],
            signer_position=DECISION_SIGNER[1],
            by=board,
        )
    proposals = Proposal.objects.filter(award_kind__year=year)
    DossierFile.objects.filter(proposal__in=proposals).update(uploaded_at=timezone.make_aware(DOSSIER_UPLOADED))
    proposals.update(submitted_at=timezone.make_aware(DOSSIER_SENT))
    proposals.filter(decided_at__isnull=False).update(decided_at=timezone.make_aware(DECISIONS_RECORDED))
