"""The benchmark data generator (tiny preset) and `manage.py bench`: the generated data is consistent at every
level and repeatable with a seed, a second run is refused, --flush wipes only generated data, and the bench runs
and reports what the README's table shows (without the load test, which needs gunicorn, wrk and PostgreSQL).

The tiny preset is generated once for the module, inside a transaction rolled back at its end; each test runs in
a savepoint of it."""

import datetime
import json
from collections import Counter

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q

from awards.enums import BallotKind, CandidateRole, Outcome
from awards.models import Ballot, BallotCandidate, BallotChoice, BallotPaper, Proposal
from blocs.enums import Audience, DeadlineKind, Phase
from blocs.models import Bloc, Deadline, EmulationYear, Membership, Person, Province, Unit
from blocs.selectors import members_in_year, next_leaders_from_rotation
from core.models import User
from reports.models import ReminderSent, Submission, SubmissionVersion
from reports.services.reminders import reminders_due
from scoring.enums import SheetStatus
from scoring.models import CriteriaTable, Criterion, Score, Sheet
from scoring.selectors import ranking_for_year
from tools import generate

TODAY = datetime.date(2026, 11, 25)
TINY = generate.PRESETS["tiny"]  # 1 province × 2 blocs × 5 units × 2 years, 6 criteria


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # Data that is not generated, which --flush must leave alone.
            keep = Province.objects.create(name="Tỉnh giữ lại", code="KEEP")
            Unit.objects.create(province=keep, name="Đơn vị giữ lại", short_name="Giữ", code="GL")
            counts = generate.generate(size=TINY, seed=1, today=TODAY)
            yield counts
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def data(generated, db):
    return generated


def test_counts_per_level(data):
    province = generate.generated_provinces().get()
    blocs = list(Bloc.objects.filter(province=province))
    units = Unit.objects.filter(province=province)
    assert province.code == "GEN01"
    assert len(blocs) == TINY.blocs
    assert units.count() == TINY.blocs * TINY.units  # no unit leaves a bloc over two years
    # One officer per unit and two board staff, every one a login with the demo password.
    assert Person.objects.filter(unit__province=province).count() == units.count()
    assert Person.objects.filter(board_province=province).count() == 2
    officer = Person.objects.filter(unit__province=province).select_related("user").first().user
    assert officer.check_password(generate.PASSWORD)
    assert EmulationYear.objects.filter(bloc__province=province).count() == TINY.blocs * TINY.years
    assert CriteriaTable.objects.filter(year__bloc__province=province).count() == TINY.blocs * TINY.years
    leaves = Counter(Criterion.objects.filter(is_leaf=True).values_list("table_id", flat=True))
    assert set(leaves.values()) == {TINY.criteria}
    assert data["scoring.Score"] == Score.objects.count()
    assert data["blocs.Unit"] == units.count()


def test_phases_years_and_memberships(data):
    for bloc in Bloc.objects.filter(province__code__startswith="GEN"):
        years = list(EmulationYear.objects.filter(bloc=bloc).order_by("year"))
        assert [y.year for y in years] == [2025, 2026]
        assert [y.phase for y in years] == [Phase.CLOSED, Phase.SELF_ASSESSMENT]  # older closed, latest mid-cycle
        for year in years:
            members = set(members_in_year(bloc=bloc, year=year.year).values_list("pk", flat=True))
            assert len(members) == TINY.units  # memberships cover every year
            assert year.leader_id in members
            assert year.deputy_id in members
            assert year.leader_id != year.deputy_id
            assert year.deadlines.count() == 8
        # The election of the closed year chose what the rotation proposes, and it is next year's leadership.
        election = Ballot.objects.get(year=years[0], kind=BallotKind.ELECTION)
        elected = dict(
            election.candidates.filter(outcome=Outcome.ELECTED).values_list("role", "unit_id").order_by("role")
        )
        assert elected == {CandidateRole.LEADER: years[1].leader_id, CandidateRole.DEPUTY: years[1].deputy_id}
        leader, deputy = next_leaders_from_rotation(current=years[0])
        assert (leader.pk, deputy.pk) == (years[1].leader_id, years[1].deputy_id)


def test_every_score_belongs_to_its_sheets_table(data):
    assert Score.objects.count() > 0
    assert Score.objects.exclude(criterion__table__year=F("sheet__year")).count() == 0
    assert Score.objects.filter(criterion__is_leaf=False).count() == 0
    # A submitted sheet has every leaf scored; a draft may be partial.
    for sheet in Sheet.objects.annotate(n=Count("scores")):
        if sheet.submitted_at is not None:
            assert sheet.n == TINY.criteria
            assert sheet.versions.count() >= 1
        else:
            assert sheet.status == SheetStatus.DRAFT
            assert 1 <= sheet.n <= TINY.criteria
            assert sheet.versions.count() == 0
    closed = Sheet.objects.filter(year__phase=Phase.CLOSED)
    assert set(closed.values_list("status", flat=True)) == {SheetStatus.FINAL}
    assert closed.count() == TINY.blocs * TINY.units  # every member's sheet, final


def test_ballots_match_the_published_ranking_and_the_papers(data):
    for year in EmulationYear.objects.filter(phase=Phase.CLOSED).select_related("bloc", "criteria_table"):
        assert year.criteria_table.is_published
        ranking = {row.unit.pk: row for row in ranking_for_year(year)}
        assert len(ranking) == TINY.units
        members = TINY.units
        for ballot in Ballot.objects.filter(year=year).prefetch_related("candidates", "voters"):
            # One row per member unit in the turnout register, one paper per unit that voted.
            voters = list(ballot.voters.all())
            assert sorted(v.unit_id for v in voters) == sorted(
                members_in_year(bloc=year.bloc, year=year.year).values_list("pk", flat=True)
            )
            voted = sum(1 for v in voters if v.voted_at is not None)
            assert BallotPaper.objects.filter(ballot=ballot).count() == voted == ballot.present_count
            assert ballot.member_count == members
            per_paper = Counter(BallotChoice.objects.filter(paper__ballot=ballot).values_list("paper_id", flat=True))
            assert max(per_paper.values(), default=0) <= ballot.quota
            elected = 0
            for candidate in ballot.candidates.all():
                assert candidate.votes == BallotChoice.objects.filter(candidate=candidate).count()
                if candidate.outcome == Outcome.ELECTED:
                    elected += 1
                    assert candidate.votes * 100 > ballot.threshold_percent * members
                if ballot.kind == BallotKind.AWARD:
                    row = ranking[candidate.unit_id]
                    assert (candidate.rank, candidate.total, candidate.classification) == (
                        row.rank,
                        row.reviewed_total,
                        row.classification,
                    )
            assert elected <= ballot.quota
            proposals = Proposal.objects.filter(ballot=ballot)
            if ballot.kind == BallotKind.AWARD:
                assert proposals.count() == elected
                assert all(p.decision_number and p.decision_date for p in proposals)
    assert not Ballot.objects.filter(year__phase=Phase.SELF_ASSESSMENT).exists()  # the latest conference is ahead


def test_submissions_late_marking_and_the_shared_file(data):
    assert default_storage.exists(generate.REPORT_FILE)
    assert set(SubmissionVersion.objects.values_list("file", flat=True)) == {generate.REPORT_FILE}
    assert Submission.objects.count() > 0
    for version in SubmissionVersion.objects.select_related("submission__deadline"):
        late = version.submitted_at > version.submission.deadline.due_at
        assert (version.late_seconds > 0) == late
    kinds = set(Submission.objects.values_list("deadline__kind", flat=True))
    assert kinds == {DeadlineKind.YEAR_REPORT, DeadlineKind.SUMMARY_REPORT}


def test_reminders_already_sent_never_repeat_and_today_is_left_to_the_tick(data):
    now = generate.reference_now()
    assert now == datetime.datetime(2026, 11, 25, 17, 0, tzinfo=generate.TZ)
    sent = set(ReminderSent.objects.values_list("deadline_id", "unit_id", "offset_days"))
    assert sent
    due = reminders_due(now=now)
    assert due  # today's reminders: the report due two days ago, the summary tomorrow, the sheet in three days
    assert {(d.pk, u.pk, offset) for d, u, offset in due}.isdisjoint(sent)
    assert {offset for _d, _u, offset in due} <= {3, 1, -2}
    # A unit that answered is never reminded.
    answered = set(Submission.objects.filter(versions__isnull=False).values_list("deadline_id", "unit_id")) | set(
        Deadline.objects.filter(kind=DeadlineKind.SELF_ASSESSMENT, audience=Audience.MEMBERS)
        .filter(year__sheets__submitted_at__isnull=False)
        .values_list("pk", "year__sheets__unit_id")
    )
    assert not {(d.pk, u.pk) for d, u, _offset in due} & answered


def test_repeatable_with_a_seed(data):
    first = fingerprint()
    generate.flush()
    generate.generate(size=TINY, seed=1, today=TODAY)
    assert fingerprint() == first
    generate.flush()
    generate.generate(size=TINY, seed=2, today=TODAY)
    assert fingerprint() != first


def test_a_second_run_is_refused_and_flush_wipes_only_generated_data(data):
    with pytest.raises(CommandError, match="--flush"):
        call_command("generate_data", "--preset", "tiny", "--today", "2026-11-25")
    call_command("generate_data", "--flush-only")
    assert not generate.generated_provinces().exists()
    assert not User.objects.filter(username__startswith=generate.USER_PREFIX).exists()
    assert Score.objects.count() == Ballot.objects.count() == Membership.objects.count() == 0
    assert Province.objects.filter(code="KEEP").exists()
    assert Unit.objects.filter(code="GL").exists()
    call_command("generate_data", "--preset", "tiny", "--today", "2026-11-25", "--seed", "1")
    assert generate.generated_provinces().count() == 1


def test_bench_runs_and_reports_every_measure(data, tmp_path):
    out = tmp_path / "bench.json"
    call_command(
        "bench", "--size", "small", "--requests", "3", "--no-load", "--pdf-runs", "1", "--ranking-runs", "1",
        "--json", str(out), "--quiet",
    )  # fmt: skip
    result = json.loads(out.read_text())
    assert set(result) >= {"size", "machine", "data", "scenario", "pages", "ranking", "pdf", "reminders", "budgets"}
    assert list(result["pages"]) == [
        "officer home",
        "leader home",
        "officer home, from the page cache",  # the test settings turn the page cache on
        "leader home, from the page cache",
        "self-assessment sheet",
        "review list",
        "ranking",
        "leader dashboard",
        "board dashboard",
    ]
    for name, page in result["pages"].items():
        if not page["available"]:  # a dashboard still being built
            assert page["note"].startswith("not yet available"), name
            continue
        assert page["status"] == 200, name
        assert page["queries"] > 0 if "page cache" not in name else page["queries"] <= 2, name
        assert 0 < page["p50_ms"] <= page["p95_ms"] <= page["max_ms"], name
    assert result["ranking"]["bloc_year_units"] == TINY.units
    assert result["ranking"]["province_blocs"] == TINY.blocs
    assert result["pdf"]["plan"]["ratio"] > 0
    reminders = result["reminders"]
    assert reminders["first_queued"] > 0
    assert reminders["second_queued"] == 0
    assert ReminderSent.objects.filter(sent_at__date=TODAY).count() == 0  # the ticks were rolled back
    assert {check["result"] for check in result["budgets"]} <= {"PASS", "FAIL", "n/a"}
    checked = {check["budget"] for check in result["budgets"]}
    assert {"reminder tick, whole country", "second tick queues nothing", "PDF plan: ours / WeasyPrint"} <= checked


def test_bench_compares_with_a_small_run(data, tmp_path):
    small = tmp_path / "small.json"
    call_command("bench", "--size", "small", "--requests", "2", "--only", "pages", "--json", str(small), "--quiet")
    full = tmp_path / "full.json"
    call_command(
        "bench", "--size", "full", "--requests", "2", "--only", "pages", "--small-json", str(small),
        "--json", str(full), "--quiet",
    )  # fmt: skip
    budgets = {check["budget"]: check for check in json.loads(full.read_text())["budgets"]}
    # The same data on both sides: the same query count.
    assert budgets["officer home: queries small → full"]["result"] == "PASS"
    assert budgets["review list: queries small → full"]["result"] == "PASS"
    assert budgets["officer home: p95"]["result"] in {"PASS", "FAIL"}


def fingerprint() -> dict:
    province = Q(unit__province__code__startswith=generate.CODE_PREFIX)
    return {
        "units": sorted(Unit.objects.filter(province__code__startswith="GEN").values_list("code", "name")),
        "years": sorted(
            EmulationYear.objects.values_list("bloc__slug", "year", "leader__code", "deputy__code", "phase")
        ),
        "scores": sorted(
            Score.objects.filter(Q(sheet__unit__province__code__startswith="GEN")).values_list(
                "sheet__year__bloc__slug",
                "sheet__year__year",
                "sheet__unit__code",
                "criterion__code",
                "self_points",
                "reviewed_points",
            )
        ),
        "sheets": sorted(
            Sheet.objects.filter(province).values_list(
                "year__bloc__slug", "year__year", "unit__code", "status", "submitted_at", "is_late"
            )
        ),
        "submissions": sorted(
            SubmissionVersion.objects.values_list(
                "submission__deadline__year__bloc__slug",
                "submission__deadline__kind",
                "submission__unit__code",
                "number",
                "submitted_at",
                "late_seconds",
            )
        ),
        "reminders": sorted(
            ReminderSent.objects.values_list(
                "deadline__year__bloc__slug", "deadline__kind", "unit__code", "offset_days"
            )
        ),
        "ballots": sorted(
            BallotCandidate.objects.values_list(
                "ballot__year__bloc__slug", "ballot__year__year", "ballot__kind", "unit__code", "votes", "outcome"
            )
        ),
    }
