"""The bloc's summary report (Báo cáo tổng kết công tác thi đua, khen thưởng năm N của Khối): what it compiles from
the records (selectors, a constant number of queries), the narrative the leader unit writes (saved with an
optimistic lock), quoting a member unit's summary, sending it for comments (rendered to PDF in the worker and
published to the comment round), issue (a number in the bloc's register, BC) and correction.

Nothing is computed twice: the ranking, the ballots and the proposals are read as their own records store them."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from awards.enums import BallotKind, CandidateRole, Outcome
from awards.models import Ballot, Proposal
from awards.selectors import ranking_is_published
from blocs.enums import Audience, DeadlineKind
from blocs.models import Deadline, EmulationYear, Unit
from blocs.selectors import members_in_year
from core.audit import audit
from core.documents import lifecycle
from core.locking import StaleEdit, check_version
from core.permissions import ensure_can
from reports.enums import SubmissionStatus
from reports.models import Extension, Submission, SubmissionVersion
from reports.selectors import answers, late_days
from reports.services.submissions import effective_due
from scoring.selectors import RankRow, ranking_for_year

from ..documents.kinds import BLOC_REGISTER, ConferenceKind
from ..models import SummaryReport
from ..services.comments import (
    CLOSED,
    NOT_OPEN,
    OPEN,
    comment_window,
    comments_unanswered_count,
    sending_problems,
)
from ..services.minutes import published_ballots
from ..services.plan import current_plan

DOC_TYPE = "BC"
register_next_number = BLOC_REGISTER.next_number  # the number issuing takes next (pages and tests ask it)
# The reports every member unit sends the leader by a deadline of the calendar (the self-assessment is the
# scoring sheet's, the dossiers and the covenant are not reports).
REPORT_KINDS = (DeadlineKind.YEAR_REPORT, DeadlineKind.SUMMARY_REPORT)
NARRATIVE = ("results", "limitations", "lessons", "directions")
QUOTE_LIMIT = 480  # characters of a unit's summary quoted into the results: a paragraph of four or five lines
QUOTE_PAGES = 4  # pages of a unit's summary read for the quote (the body starts on the first)
SEND_TIMEOUT = datetime.timedelta(minutes=10)  # a send still "in progress" after this is taken as lost


class StaleSummary(StaleEdit):
    """Someone saved (or issued) the report after the editor was opened."""


STALE_MESSAGE = gettext_noop("Someone else saved this report after you opened it; your input is kept below.")


def current_summary(year: EmulationYear) -> SummaryReport | None:
    return (
        SummaryReport.objects.filter(year=year)
        .select_related("updated_by", "issued_by", "send_requested_by", "last_draft")
        .first()
    )


def title_lines(year: EmulationYear) -> list[str]:
    return [
        f"Tổng kết công tác thi đua, khen thưởng năm {year.year}",
        f"và phương hướng, nhiệm vụ năm {year.year + 1}",
        f"của {year.bloc.name}",
    ]


def register_title(year: EmulationYear) -> str:
    return f"Báo cáo tổng kết công tác thi đua, khen thưởng năm {year.year} của {year.bloc.name}"


# --- defaults ------------------------------------------------------------------------------------------


def initial_summary(year: EmulationYear) -> SummaryReport:
    """A new report prefilled from the year: the plan's place, day of the conference, recipients and signer, an
    introduction that cites the plan, the signature of the leader unit. Document text is Vietnamese whatever
    the interface language. Nothing is saved."""
    plan = current_plan(year)
    bloc, leader = year.bloc, year.leader
    if plan is not None and plan.is_issued:
        cited = f"Kế hoạch số {plan.number_text} ngày {plan.issued_on:%d/%m/%Y} của {bloc.name}"
    elif plan is not None:
        cited = f"Kế hoạch tổ chức Hội nghị tổng kết công tác thi đua, khen thưởng năm {year.year} của {bloc.name}"
    else:
        cited = f"Quy chế hoạt động của {bloc.name}"
    introduction = (
        f"Thực hiện {cited}, {leader.name} - đơn vị Trưởng Khối thi đua năm {year.year} tổng hợp, báo cáo kết quả "
        f"công tác thi đua, khen thưởng năm {year.year} và phương hướng, nhiệm vụ năm {year.year + 1} của Khối "
        "như sau:"
    )
    recipients = (
        [r["name"] + (f" ({r['purpose']})" if r.get("purpose") else "") for r in plan.recipients]
        if plan is not None and plan.recipients
        else ["Ban Thi đua - Khen thưởng tỉnh (B/cáo)", "Các đơn vị thành viên trong Khối", "Lưu: VT"]
    )
    return SummaryReport(
        year=year,
        place=plan.place if plan is not None else bloc.province.name,
        dated=plan.conference_date if plan is not None else timezone.localdate(),
        introduction=introduction,
        recipients="\n".join(recipients),
        signer_authority=f"TM. {bloc.issuer_name}",
        signer_body="TRƯỞNG KHỐI",
        signer_position=leader.name.upper(),
        signer_name=plan.signer_name if plan is not None else "",
    )


# --- what the report compiles from the records ----------------------------------------------------------


@dataclass
class ReportCell:
    """One unit's answer to one report deadline: on_time, late (by `late_days` days begun), missing (due and
    not sent) or pending (not due yet and not sent). The first version sent decides: a correction the leader
    asked for after a return does not make a report that came in on time late."""

    state: str
    late_days: int = 0
    submitted_at: datetime.datetime | None = None


@dataclass
class ReportColumn:
    deadline: Deadline
    cells: dict[int, ReportCell]  # by unit pk, every member unit

    def count(self, state: str) -> int:
        return sum(1 for cell in self.cells.values() if cell.state == state)

    @property
    def on_time(self) -> int:
        return self.count("on_time")

    @property
    def late(self) -> int:
        return self.count("late")

    @property
    def missing(self) -> int:
        return self.count("missing")

    @property
    def pending(self) -> int:
        return self.count("pending")


@dataclass
class NextLeaders:
    """Next year's leader and deputy: the opened year N+1's (the board may have overridden the vote), else the
    published election's elected candidates; with the votes when the election says them."""

    leader: Unit | None = None
    deputy: Unit | None = None
    leader_votes: str = ""
    deputy_votes: str = ""
    source: str = ""  # "year" (N+1 is open), "election" (published, N+1 not open yet) or ""


@dataclass
class Compiled:
    year: EmulationYear
    members: list[Unit]
    reports: list[ReportColumn]
    ranking_published: bool
    ranking: list[RankRow]
    ballots: list[Ballot]  # published, awards (with run-offs) then the election
    proposals: list[Proposal]
    next: NextLeaders = field(default_factory=NextLeaders)

    @property
    def award_ballots(self) -> list[Ballot]:
        return [b for b in self.ballots if b.kind == BallotKind.AWARD]

    @property
    def election_ballots(self) -> list[Ballot]:
        return [b for b in self.ballots if b.kind == BallotKind.ELECTION]


def report_columns(year: EmulationYear, members: list[Unit], *, now: datetime.datetime | None = None):
    """Every report deadline of the year that all member units owe × the members: three queries. A unit with
    nothing sent is missing once its due date (its extension's, if it has one) has passed, pending before."""
    now = now or timezone.now()
    deadlines = list(
        Deadline.objects.filter(year=year, kind__in=REPORT_KINDS, audience=Audience.MEMBERS).order_by(
            "kind", "due_at", "id"
        )
    )
    extended = {(e.deadline_id, e.unit_id): e for e in Extension.objects.filter(deadline__in=deadlines)}
    answered = answers(deadlines, extensions=extended)  # who answered and when (selectors.answers)
    columns = []
    for deadline in deadlines:
        cells = {}
        for unit in members:
            first = answered.get((deadline.pk, unit.pk))
            if first is None:
                cells[unit.pk] = ReportCell("missing" if now > effective_due(deadline, unit, extended) else "pending")
            elif first.late:
                cells[unit.pk] = ReportCell("late", late_days(first.late_seconds), first.at)
            else:
                cells[unit.pk] = ReportCell("on_time", 0, first.at)
        columns.append(ReportColumn(deadline=deadline, cells=cells))
    return columns


def _votes(ballot: Ballot, candidate) -> str:
    from awards.selectors import denominator_count

    denominator = denominator_count(ballot)
    return f"{candidate.votes or 0}/{denominator}" if denominator else str(candidate.votes or 0)


def next_leaders(year: EmulationYear, ballots: list[Ballot]) -> NextLeaders:
    """One query (the year N+1), the ballots already loaded."""
    result = NextLeaders()
    elections = [b for b in ballots if b.kind == BallotKind.ELECTION]
    votes: dict[int, str] = {}
    elected: dict[str, Unit] = {}
    for ballot in elections:  # a run-off's result overrides the round before it
        for candidate in ballot.candidates.all():
            if candidate.outcome == Outcome.ELECTED:
                elected[candidate.role] = candidate.unit
                votes[candidate.unit.pk] = _votes(ballot, candidate)
    following = (
        EmulationYear.objects.filter(bloc_id=year.bloc_id, year=year.year + 1)
        .select_related("leader", "deputy")
        .first()
    )
    if following is not None:
        result.leader, result.deputy, result.source = following.leader, following.deputy, "year"
    elif elected:
        result.leader = elected.get(CandidateRole.LEADER)
        result.deputy = elected.get(CandidateRole.DEPUTY)
        result.source = "election"
    if result.leader is not None:
        result.leader_votes = votes.get(result.leader.pk, "")
    if result.deputy is not None:
        result.deputy_votes = votes.get(result.deputy.pk, "")
    return result


def compile_summary(year: EmulationYear, *, now: datetime.datetime | None = None) -> Compiled:
    """Everything the report takes from the records, in ten queries whatever the number of units, reports,
    extensions, ballots and proposals."""
    members = list(members_in_year(bloc=year.bloc, year=year.year))
    published = ranking_is_published(year)
    ballots = published_ballots(year)
    proposals = list(
        Proposal.objects.filter(award_kind__year=year)
        .select_related("award_kind", "unit", "ballot")
        .order_by("award_kind__order", "-votes", "unit__name")
    )
    return Compiled(
        year=year,
        members=members,
        reports=report_columns(year, members, now=now),
        ranking_published=published,
        ranking=ranking_for_year(year) if published else [],
        ballots=ballots,
        proposals=proposals,
        next=next_leaders(year, ballots),
    )


# --- quoting a member unit's summary --------------------------------------------------------------------


@dataclass
class QuoteSource:
    submission: Submission
    version: SubmissionVersion  # the latest

    @property
    def unit(self) -> Unit:
        return self.submission.unit

    @property
    def written_in_browser(self) -> bool:
        return bool(self.version.content)


def quotable_summaries(year: EmulationYear) -> list[QuoteSource]:
    """The member units' summary reports (Báo cáo tóm tắt) sent for the year, but those returned for correction:
    two queries."""
    versions = SubmissionVersion.objects.order_by("-number")
    submissions = (
        Submission.objects.filter(deadline__year=year, deadline__kind=DeadlineKind.SUMMARY_REPORT)
        .exclude(status=SubmissionStatus.RETURNED)
        .select_related("unit")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("unit__name", "deadline__due_at")
    )
    sources = []
    for submission in submissions:
        latest = next(iter(submission.versions.all()), None)
        if latest is not None:
            sources.append(QuoteSource(submission=submission, version=latest))
    return sources


def _nfc(text: str) -> str:
    """Composed text (NFC), with any combining mark that the extraction set apart from its letter ("Bă ́c")
    joined back to it: otherwise a lone mark shows as a stray "ắ" in the quote."""
    return unicodedata.normalize("NFC", re.sub(r"\s+(?=[\u0300-\u036f])", "", text))


def _pdf_body(source) -> str:
    """The body text of a report in the Decree 30 layout: what follows the document type (BÁO CÁO) and its bold
    title, without the headings (bold lines), page numbers and what follows Nơi nhận. The PDF is read in the
    bounded child process (core.inspect): a unit's file never inflates in the web process."""
    from core.inspect import LimitExceeded, Unreadable, inspect_file

    try:
        found = inspect_file("pdf", source, lines=QUOTE_PAGES)
    except (LimitExceeded, Unreadable):
        return ""
    lines = [(_nfc(text).strip(), bold) for text, bold in found.get("lines", [])]
    start = next((i + 1 for i, (text, _b) in enumerate(lines[:25]) if text.upper() == "BÁO CÁO"), 0)
    body = []
    for text, bold in lines[start:]:
        if text.startswith("Nơi nhận"):
            break
        if not text or text.isdigit() or bold:
            continue
        body.append(text)
    return " ".join(body)


def _written_body(content: dict) -> str:
    texts = []
    for section in content.get("sections", []):
        for line in (section.get("text") or "").splitlines():
            line = re.sub(r"^[-+•]\s*", "", line.strip())
            if line:
                texts.append(line)
    return " ".join(texts)


def _trim(text: str, limit: int = QUOTE_LIMIT) -> str:
    """At most `limit` characters, cut after the last whole sentence if that keeps at least half, else after
    the last whole word, with an ellipsis."""
    text = " ".join(_nfc(text).replace("*", "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]  # room for " …"
    sentence = max(cut.rfind(". "), cut.rfind("; "))
    if sentence >= limit // 2:
        return cut[: sentence + 1].rstrip(";") + " …"
    return cut[: cut.rfind(" ")].rstrip(",;:") + " …"


def quote_text(source: QuoteSource) -> str:
    """The attributed paragraph quoting a unit's summary: the text written in the browser if it was, else the
    uploaded PDF's text; trimmed to a reasonable length. The leader edits it like any other paragraph."""
    version = source.version
    if version.content:
        body = _written_body(version.content)
    else:
        with version.file.open("rb") as handle:
            body = _pdf_body(handle)
    body = _trim(body).rstrip()
    if not body:
        raise ValidationError(
            _("No text could be read from the summary of %(unit)s.") % {"unit": source.unit.short_name}
        )
    if not body.endswith(("…", ".")):
        body += "."
    return f"Theo báo cáo của {source.unit.name}: “{body}”"


def quote_source(year: EmulationYear, submission_id) -> QuoteSource:
    for source in quotable_summaries(year):
        if str(source.submission.pk) == str(submission_id):
            return source
    raise ValidationError(_("This summary cannot be quoted: choose one of the summaries listed."))


def with_quote(text: str, quote: str) -> str:
    """The results text with the quote as a paragraph of its own at the end (once)."""
    text = (text or "").rstrip()
    if quote in text.splitlines():
        return text
    return f"{text}\n{quote}" if text else quote


# --- writes --------------------------------------------------------------------------------------------


def _missing_text(summary: SummaryReport) -> list[str]:
    labels = {
        "results": _("results"),
        "limitations": _("limitations and their causes"),
        "lessons": _("lessons learned"),
        "directions": _("directions and tasks for next year"),
    }
    return [str(labels[name]) for name in NARRATIVE if not getattr(summary, name).strip()]


def send_problems(summary: SummaryReport, *, at: datetime.datetime | None = None, window=False) -> list[str]:
    """Why the report cannot be sent for comments now (empty: it can): an issued report is not sent again, every
    section must be written, and the calendar's comment window must be open (after it, the leader sets a new one:
    comments.comment_window_set). `window`: comment_window(year, at=at) when the caller has it already."""
    if summary.is_issued:
        return [_("This report is issued; create a new version to change it.")]
    problems = []
    missing = _missing_text(summary)
    if missing:
        problems.append(_("Write these sections first: %(sections)s.") % {"sections": ", ".join(missing)})
    problems += sending_problems(summary.year, at=at, window=window)
    return problems


@transaction.atomic
def summary_send(*, summary: SummaryReport, by, expected_version: int | None = None) -> SummaryReport:
    """Gửi lấy ý kiến: ask the worker to render the report to PDF and publish it to the comment round as the
    next version of the draft (see summary_send_render). The page shows the progress."""
    ensure_can(by, "conference.summary.edit", summary.year)
    locked = SummaryReport.objects.select_for_update().select_related("year__bloc").get(pk=summary.pk)
    locked.year = summary.year
    problems = send_problems(locked)
    if problems:
        raise ValidationError(problems)
    check_version(
        locked.version,
        expected_version,
        StaleSummary(_("The report was changed after you opened this page; read the preview again before sending it.")),
    )
    if locked.send_requested_at is not None and timezone.now() - locked.send_requested_at < SEND_TIMEOUT:
        raise ValidationError(_("The report is being prepared for the comment round already; wait for it."))
    locked.send_requested_at, locked.send_requested_by, locked.send_error = timezone.now(), by, ""
    locked.save(update_fields=["send_requested_at", "send_requested_by", "send_error", "updated_at"])
    audit(by, "conference.summary.send_requested", locked, version=locked.version, revision=locked.revision)
    from ..tasks import summary_send_task

    summary_id, user_id = locked.pk, by.pk
    transaction.on_commit(lambda: summary_send_task.delay(summary_id, user_id))
    return locked


def section_titles(document) -> list[str]:
    """The titles members may comment on: the report's parts and the headings of part I, as printed."""
    return [block.text for block in document.blocks if block.kind in ("section", "heading")]


def summary_send_render(*, summary_id: int, user_id: int):
    """The worker's half of sending: render the report as it stands now, publish the PDF to the comment round
    (conference.comments.draft_publish: a new DraftReport version with the section titles, every member unit
    told), and record it on the report. A failure is recorded for the page and raised for the worker's log."""
    from core.models import User

    from ..documents.summary import summary_document
    from ..services.comments import draft_publish

    summary = SummaryReport.objects.select_related("year__bloc__province", "year__leader", "year__deputy").get(
        pk=summary_id
    )
    if summary.send_requested_at is None:
        return None  # already done (a duplicate delivery), or nothing was asked
    user = User.objects.get(pk=user_id)
    try:
        from core.documents import render_pdf

        document = summary_document(summary)
        pdf = render_pdf(document)
        with transaction.atomic():
            locked = SummaryReport.objects.select_for_update().get(pk=summary_id)
            if locked.send_requested_at is None:
                return None
            draft = draft_publish(
                year=summary.year,
                upload=ContentFile(pdf, name=f"{document.file_stem}.pdf"),
                sections=section_titles(document),
                by=user,
            )
            SummaryReport.objects.filter(pk=summary_id).update(
                send_requested_at=None,
                send_error="",
                sent_at=timezone.now(),
                sent_version=summary.version,
                last_draft=draft,
            )
            audit(user, "conference.summary.sent", summary, draft=draft.version, version=summary.version)
            return draft
    except Exception as exc:
        SummaryReport.objects.filter(pk=summary_id).update(
            send_requested_at=None, send_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise


def issue_problems(summary: SummaryReport, *, at: datetime.datetime | None = None) -> list[str]:
    """Why the report cannot be issued now (empty: it can). The final report follows the comment round: it must
    have been sent for comments; the round's window must be over (while it is open, or not open yet, members
    may still comment); and every comment must have its answer (members read the answers on the draft-report
    page). Without a comment window in the calendar nobody can comment, so only the first rule holds."""
    at = at or timezone.now()
    year = summary.year
    problems = []
    if summary.is_issued:
        return [_("This report is already issued.")]
    if not summary.is_sent:
        problems.append(_("Send the report for comments first: the member units comment on it before it is final."))
    else:
        window = comment_window(year, at=at)
        state = window.state(at) if window is not None else CLOSED
        if state == OPEN:
            problems.append(
                _("The member units may comment until %(end)s; issue the report once the comment round has closed.")
                % {"end": timezone.localtime(window.closes_at).strftime("%d/%m/%Y %H:%M")}
            )
        elif state == NOT_OPEN:
            problems.append(
                _("The comment round opens on %(start)s; issue the report once it has closed.")
                % {"start": timezone.localtime(window.opens_at).strftime("%d/%m/%Y")}
            )
        pending = comments_unanswered_count(year=year)
        if pending:
            problems.append(
                ngettext(
                    "%(n)d comment on the draft waits for an answer.",
                    "%(n)d comments on the draft wait for an answer.",
                    pending,
                )
                % {"n": pending}
            )
    missing = _missing_text(summary)
    if missing:
        problems.append(_("Write these sections first: %(sections)s.") % {"sections": ", ".join(missing)})
    if not summary.signer_name.strip():
        problems.append(_("The signature block is incomplete: %(fields)s.") % {"fields": _("signer's name")})
    return problems


# --- issue and correction: the report's kind of the one lifecycle (core/documents/lifecycle.py) ---------------


class SummaryKind(ConferenceKind):
    """The report in the one lifecycle: issued in the register of reports (BC) of the year of its date once the
    comment round is over (`issue_problems`); corrected as the next revision."""

    name = "conference.summary"
    slug = "summary"
    model = SummaryReport
    page_action = "conference.summary.view"
    edit_action = "conference.summary.edit"
    document_action = "conference.summary.document"
    doc_type = DOC_TYPE
    load_related = ("year__bloc__province", "year__leader", "year__deputy")
    clean_exclude = ("number", "issued_by", "updated_by", "year", "last_draft", "send_requested_by")
    # The sending state belongs to the worker: a save never overwrites it.
    saved_fields = (
        "place",
        "dated",
        "introduction",
        *NARRATIVE,
        "recipients",
        "signer_authority",
        "signer_body",
        "signer_position",
        "signer_name",
        "updated_by",
        "updated_at",
    )
    stale_class = StaleSummary
    frozen = gettext_lazy("This report is issued and cannot be changed in place: create a new version to correct it.")
    already_issued = gettext_lazy("This report is already issued.")
    stale = gettext_lazy(STALE_MESSAGE)
    stale_issue = gettext_lazy(
        "The report was changed after you opened this page; read the preview again before issuing it."
    )
    not_issued = gettext_lazy("Only an issued report needs a new version; edit this draft directly.")
    issued_message = gettext_lazy("The report was issued as number %(number)s.")
    reopened_message = gettext_lazy("The report is a draft again (version %(version)s): correct it and issue it again.")
    saved_message = gettext_lazy("The draft report was saved.")
    preview_title = gettext_lazy("Preview of the report as it will be printed")
    preview_defaults = True
    problems_on_page = True
    templates = {"page": "conference/summary/detail.html", "edit": "conference/summary/edit.html"}

    def current(self, year: EmulationYear) -> SummaryReport | None:
        summary = current_summary(year)
        return self.adopt(summary, year) if summary is not None else None

    def initial(self, year: EmulationYear) -> SummaryReport:
        return initial_summary(year)

    def register_year(self, summary: SummaryReport) -> int:
        return summary.dated.year

    def register_title(self, summary: SummaryReport) -> str:
        return register_title(summary.year)

    def issue_problems(self, summary: SummaryReport) -> list[str]:
        return issue_problems(summary)

    def build(self, summary: SummaryReport):
        from ..documents.summary import summary_document

        return summary_document(summary)


SUMMARY = SummaryKind()


def ensure_editable(summary: SummaryReport, by) -> None:
    lifecycle.ensure_editable(SUMMARY, summary, by)


def summary_save(*, summary: SummaryReport, expected_version: int | None, by) -> SummaryReport:
    """Save the draft, refusing a form opened before someone else's save (the caller keeps the input)."""
    return lifecycle.save_draft(SUMMARY, summary, expected_version=expected_version, by=by)


def summary_issue(
    *, summary: SummaryReport, number: int | None, by, expected_version: int | None = None
) -> SummaryReport:
    """Ban hành: take the number in the bloc's register of reports (BC) for the year of the document's date and
    freeze the report. A correction (new version) keeps the number it was first issued under."""
    return lifecycle.issue(SUMMARY, summary, number=number, by=by, expected_version=expected_version)


def summary_new_version(*, summary: SummaryReport, by) -> SummaryReport:
    """A correction of an issued report: it becomes a draft of the next revision, under the same number, until
    issued again. The issued text stays in the files rendered before (and the audit log)."""
    return lifecycle.new_version(SUMMARY, summary, by=by)
