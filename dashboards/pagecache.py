"""Whose cached home pages a write changes, beyond the calendar blocs tracks (see core.pagecache): a home is a
to-do list read from who has answered what and when, so a report or its version, an extension, a sheet, a covenant
registration, a proposal, a ballot, the plan, the minutes, the draft report, a comment and the summary report
change the homes of the officers of the bloc whose year they belong to (the unit's own list and the leader's)."""

from collections.abc import Iterable

from awards.models import Ballot, Proposal
from blocs.models import Covenant, CovenantRegistration, CovenantRegistrationVersion, Deadline, EmulationYear
from blocs.pagecache import bloc_users, year_users
from conference.models import Comment, ConferenceMinutes, ConferencePlan, DraftReport, SummaryReport
from core import pagecache
from reports.models import Extension, Submission, SubmissionVersion
from scoring.models import Sheet, SheetVersion


def _blocs_of_years(years) -> list[str]:
    return bloc_users(EmulationYear.objects.filter(pk__in=years).values_list("bloc_id", flat=True))


def _of_deadline(deadline_id: int | None) -> Iterable[str]:
    return _blocs_of_years(Deadline.objects.filter(pk=deadline_id).values("year_id"))


def register() -> None:
    def by_year(instance) -> list[str]:
        return year_users(instance.year_id)

    for model in (
        Sheet,
        CovenantRegistration,
        Covenant,
        Ballot,
        ConferencePlan,
        ConferenceMinutes,
        DraftReport,
        SummaryReport,
    ):
        pagecache.track(model, by_year)
    pagecache.track(Submission, lambda s: _of_deadline(s.deadline_id))
    pagecache.track(Extension, lambda e: _of_deadline(e.deadline_id))
    pagecache.track(
        SubmissionVersion,
        lambda v: _blocs_of_years(Submission.objects.filter(pk=v.submission_id).values("deadline__year_id")),
    )
    pagecache.track(SheetVersion, lambda v: _blocs_of_years(Sheet.objects.filter(pk=v.sheet_id).values("year_id")))
    pagecache.track(
        CovenantRegistrationVersion,
        lambda v: _blocs_of_years(CovenantRegistration.objects.filter(pk=v.registration_id).values("year_id")),
    )
    pagecache.track(
        Proposal, lambda p: _blocs_of_years(EmulationYear.objects.filter(award_kinds__pk=p.award_kind_id).values("pk"))
    )
    pagecache.track(Comment, lambda c: _blocs_of_years(DraftReport.objects.filter(pk=c.draft_id).values("year_id")))
