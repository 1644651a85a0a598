"""Render a bloc's official document from the command line, with the web app's renderer:

manage.py render_document plan --bloc KTĐNC --year 2020 --output plan.pdf [--format docx]
manage.py render_document minutes --bloc KTĐNC --year 2020 --output minutes.pdf
manage.py render_document summary --bloc KTĐNC --year 2020 --output summary.pdf
manage.py render_document submission --bloc KTĐNC --year 2020 --unit CAT --award flag --output ttr.pdf
manage.py render_document meeting-minutes --bloc KTĐNC --year 2026 --meeting mid-year --output bb-so-ket.pdf
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from awards.models import Proposal
from awards.services.documents import SUBMISSION_LETTER, VOTE_COUNT_MINUTES
from blocs.models import EmulationYear
from core.documents import registry as documents
from core.documents import render_docx, render_pdf

KINDS = {"plan": "conference.plan", "minutes": VOTE_COUNT_MINUTES.name, "submission": SUBMISSION_LETTER.name}
KINDS["conference-minutes"] = "conference.minutes"  # Biên bản Hội nghị tổng kết (conference/minutes.py)
KINDS["summary"] = "conference.summary"  # Báo cáo tổng kết của Khối (conference/summary.py)
KINDS["meeting-minutes"] = "conference.meeting_minutes"  # a meeting's minutes (conference/services/meetings.py)


def _meeting_minutes(year: EmulationYear, meeting: str | None):
    """The minutes of the year's meeting named by --meeting: its kind (mid-year, thematic, extraordinary: the
    latest of that kind) or its number; a meeting without minutes yet gives the draft its editor would start from."""
    from conference.models import Meeting
    from conference.services.meetings import MEETING_MINUTES

    if not meeting:
        raise CommandError("Name the meeting: --meeting mid-year (or thematic, extraordinary, or its number).")
    meetings = Meeting.objects.filter(year=year).select_related("year__bloc__province", "year__leader", "year__deputy")
    found = (
        (meetings.filter(pk=int(meeting)) if meeting.isdigit() else meetings.filter(kind=meeting.replace("-", "_")))
        .order_by("-held_at")
        .first()
    )
    if found is None:
        raise CommandError(f"No {meeting!r} meeting in {year.year} of {year.bloc.code}.")
    return MEETING_MINUTES.current(found) or MEETING_MINUTES.initial(found)


def _latest(
    kind: str, year: EmulationYear, *, unit: str | None = None, award: str | None = None, meeting: str | None = None
):
    if kind == "meeting-minutes":
        return _meeting_minutes(year, meeting)
    if kind == "plan":
        plan = year.plans.order_by("-version").first()
        if plan is None:
            raise CommandError(f"The year {year.year} of {year.bloc.code} has no plan yet.")
        return plan
    if kind == "minutes":
        minutes = VOTE_COUNT_MINUTES.current(year)
        if minutes is None:
            raise CommandError(
                f"The year {year.year} of {year.bloc.code} has no published ballot yet: the minutes record only "
                "published results."
            )
        return minutes
    if kind == "submission":
        if not unit or not award:
            raise CommandError("A submission is one proposal's: give --unit CODE and --award CODE (flag, merit…).")
        proposal = Proposal.objects.filter(
            award_kind__year=year, award_kind__code=award, unit__code__iexact=unit
        ).first()
        if proposal is None:
            raise CommandError(
                f"No proposal of {unit} for {award!r} in {year.year} of {year.bloc.code}: the award's ballot must "
                "be published with the unit elected."
            )
        return SUBMISSION_LETTER.current(proposal)
    if kind == "conference-minutes":
        minutes = getattr(year, "conference_minutes", None)
        if minutes is None:
            raise CommandError(f"The year {year.year} of {year.bloc.code} has no conference minutes yet.")
        return minutes
    if kind == "summary":
        summary = getattr(year, "summary_report", None)
        if summary is None:
            raise CommandError(f"The year {year.year} of {year.bloc.code} has no summary report yet.")
        return summary
    raise CommandError(f"Unknown document {kind!r}")


class Command(BaseCommand):
    help = "Render an official document of a bloc's year to PDF or DOCX (the same renderer as the web app)."

    def add_arguments(self, parser):
        parser.add_argument("document", choices=sorted(KINDS), help="Which document.")
        parser.add_argument("--bloc", required=True, help="The bloc's document code (KTĐNC) or address (ktdnc).")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True)
        parser.add_argument("--format", choices=["pdf", "docx"], default=None, help="Default: from --output.")
        parser.add_argument("--province", help="The province code, when a bloc code is used in several.")
        parser.add_argument("--unit", help="submission: the proposed unit's document code (CAT).")
        parser.add_argument("--award", help="submission: the award kind's code (flag, merit).")
        parser.add_argument("--meeting", help="meeting-minutes: mid-year, thematic, extraordinary, or its number.")

    def handle(
        self, *args, document, bloc, year, output, format=None, province=None, unit=None, award=None, meeting=None, **_
    ):
        fmt = format or ("docx" if output.lower().endswith(".docx") else "pdf")
        years = EmulationYear.objects.filter(Q(bloc__code=bloc.upper()) | Q(bloc__slug=bloc.lower()), year=year)
        if province:
            years = years.filter(bloc__province__code=province)
        found = list(years.select_related("bloc__province", "leader"))
        if len(found) != 1:
            raise CommandError(f"{len(found)} years match {bloc!r} {year}; give --province if it is ambiguous.")
        record = _latest(document, found[0], unit=unit, award=award, meeting=meeting)
        spec = documents.get(KINDS[document])
        started = time.perf_counter()
        built = spec.build(record if record.pk is None else spec.load(str(record.pk)))  # not issued: as it stands
        content = render_pdf(built) if fmt == "pdf" else render_docx(built)
        with open(output, "wb") as handle:
            handle.write(content)
        self.stdout.write(
            self.style.SUCCESS(f"{output}: {len(content)} bytes in {time.perf_counter() - started:.2f} s")
        )
