"""The comment round on the bloc's draft summary report (Lấy ý kiến góp ý dự thảo Báo cáo tổng kết của Khối):
the leader publishes drafts while the calendar's comment window is open, member units comment inside it, the
leader answers each comment; once a window has closed, the leader sets a new one (a "Comment round" entry of the
calendar) to send a draft again; and the reads of the page."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from blocs.enums import Audience, DeadlineKind
from blocs.models import Deadline, EmulationYear, Person, Unit
from blocs.roles import facts
from blocs.selectors import members_in_year
from core.audit import audit
from core.i18n import later
from core.notifications import notify
from core.permissions import ensure_can
from core.validators import UploadValidator, sniff

from ..enums import AnswerStatus
from ..models import Comment, DraftReport

SECTION_MAX_LENGTH = Comment._meta.get_field("section").max_length
# The page and the e-mails say Tiếp thu / Không tiếp thu; the enum's bare "Accepted" is shared with submissions,
# whose Vietnamese differs, hence a context of their own.
ANSWER_LABELS = {
    AnswerStatus.ACCEPTED: pgettext_lazy("comment answer", "Accepted"),
    AnswerStatus.DECLINED: pgettext_lazy("comment answer", "Declined"),
}
NOT_OPEN, OPEN, CLOSED = "not_open", "open", "closed"


def _day(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y")


def _minute(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


# --- the window -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentWindow:
    """The comment round's window in the year's calendar: its deadline's opens_at..due_at."""

    deadline: Deadline | None  # None: a meeting's window, kept on the meeting
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime

    def state(self, at: datetime.datetime | None = None) -> str:
        at = at or timezone.now()
        if self.opens_at is not None and at < self.opens_at:
            return NOT_OPEN
        return CLOSED if at > self.closes_at else OPEN

    def is_open(self, at: datetime.datetime | None = None) -> bool:
        return self.state(at) == OPEN

    @property
    def text(self) -> str:
        """'From 25/10/2020 to 31/10/2020' (Từ ngày … đến …), in the active language."""
        if self.opens_at is None:
            return _("Until %(end)s") % {"end": _day(self.closes_at)}
        return _("From %(start)s to %(end)s") % {"start": _day(self.opens_at), "end": _day(self.closes_at)}


def comment_window(year: EmulationYear, *, at: datetime.datetime | None = None) -> CommentWindow | None:
    """The window of the year's comment round (one query). Should the leader set several rounds, the one that
    holds `at`, else the next one to open, else the last one."""
    at = at or timezone.now()
    rounds = [
        CommentWindow(deadline=d, opens_at=d.opens_at, closes_at=d.due_at)
        for d in Deadline.objects.filter(year=year, kind=DeadlineKind.COMMENT_ROUND).order_by("due_at", "id")
    ]
    if not rounds:
        return None
    for state in (OPEN, NOT_OPEN):
        for window in rounds:
            if window.state(at) == state:
                return window
    return rounds[-1]


def _ensure_window_open(year: EmulationYear, at: datetime.datetime) -> None:
    window = comment_window(year, at=at)
    if window is None:
        raise ValidationError(
            _(
                "The calendar of %(year)s has no comment round yet: the leader unit must set its window "
                "(a “Comment round” deadline) before members can comment."
            )
            % {"year": year.year},
            code="no_window",
        )
    state = window.state(at)
    if state == NOT_OPEN:
        raise ValidationError(
            _(
                "Comments on the draft are taken from %(start)s to %(end)s; the window opens at %(opens)s "
                "(now: %(now)s)."
            )
            % {
                "start": _day(window.opens_at),
                "end": _day(window.closes_at),
                "opens": _minute(window.opens_at),
                "now": _minute(at),
            },
            code="not_open",
        )
    if state == CLOSED:
        if window.opens_at is None:
            message = _(
                "Comments on the draft were taken until %(end)s; the window closed at %(closed)s (now: %(now)s)."
            )
        else:
            message = _(
                "Comments on the draft were taken from %(start)s to %(end)s; the window closed at %(closed)s "
                "(now: %(now)s)."
            )
        raise ValidationError(
            message
            % {
                "start": _day(window.opens_at) if window.opens_at else "",
                "end": _day(window.closes_at),
                "closed": _minute(window.closes_at),
                "now": _minute(at),
            },
            code="closed",
        )


def sending_problems(
    year: EmulationYear, *, at: datetime.datetime | None = None, window: CommentWindow | bool | None = False
) -> list[str]:
    """Why a draft cannot be sent for comments at `at` (empty: it can): only while the calendar's comment window
    is open, so that the member units can answer it and the report is not issued before they could. `window`:
    comment_window(year, at=at) when the caller has it already."""
    at = at or timezone.now()
    if window is False:
        window = comment_window(year, at=at)
    if window is None:
        return [
            _("The calendar of %(year)s has no comment window yet: set one before sending the draft for comments.")
            % {"year": year.year}
        ]
    state = window.state(at)
    if state == NOT_OPEN:
        return [
            _("The comment window opens on %(start)s: send the draft for comments from then until %(end)s.")
            % {"start": _minute(window.opens_at), "end": _minute(window.closes_at)}
        ]
    if state == CLOSED:
        return [
            _(
                "The comment window closed on %(end)s: set a new window before sending the draft for comments, "
                "so that the member units can answer it."
            )
            % {"end": _minute(window.closes_at)}
        ]
    return []


def _ensure_sending_window(year: EmulationYear, at: datetime.datetime) -> None:
    problems = sending_problems(year, at=at)
    if problems:
        raise ValidationError(problems, code="window")


def may_set_window(year: EmulationYear, *, at: datetime.datetime | None = None) -> bool:
    """Whether the leader may set a new comment window now: there is none, or the last one has closed."""
    window = comment_window(year, at=at)
    return window is None or window.state(at) == CLOSED


# --- writes ---------------------------------------------------------------------------------------------


def _clean_sections(sections: list[str]) -> list[str]:
    cleaned: list[str] = []
    for title in sections:
        title = " ".join(str(title).split())
        if not title or title in cleaned:
            continue
        if len(title) > SECTION_MAX_LENGTH:
            raise ValidationError(
                {
                    "sections": _(
                        "The section title “%(title)s…” is %(length)d characters long; the limit is %(limit)d."
                    )
                    % {"title": title[:40], "length": len(title), "limit": SECTION_MAX_LENGTH}
                }
            )
        cleaned.append(title)
    return cleaned


def _check_draft_file(upload) -> None:
    """PDF or DOCX by content, not empty, not too large; a PDF must open without a password, since every member
    unit has to read it."""
    try:
        UploadValidator(("pdf", "docx"))(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    kind = sniff(upload)
    if kind is not None and kind.code == "pdf":
        from core.inspect import LimitExceeded, Unreadable, inspect_file

        try:
            encrypted = inspect_file("pdf", upload, name=upload.name).get("encrypted", False)
        except LimitExceeded as error:
            raise ValidationError({"file": error.messages}) from error
        except Unreadable as exc:
            raise ValidationError(
                {
                    "file": _("The file “%(name)s” cannot be read as a PDF; save it again as PDF and retry.")
                    % {"name": upload.name}
                }
            ) from exc
        finally:
            upload.seek(0)
        if encrypted:
            raise ValidationError(
                {
                    "file": _("The file “%(name)s” is encrypted or password-protected; send it without protection.")
                    % {"name": upload.name}
                }
            )


def _link(year: EmulationYear, anchor: str = "") -> str:
    return reverse("conference:draft-report", kwargs={"slug": year.bloc.slug, "year": year.year}) + anchor


def _officers(units) -> list:
    return [p.user for p in Person.objects.filter(unit__in=units, user__is_active=True).select_related("user")]


@transaction.atomic
def draft_publish(*, year: EmulationYear, upload, sections: list[str], by) -> DraftReport:
    """Dự thảo: a new version of the draft each time, for the member units to comment on, only while the comment
    window is open (`sending_problems`). Every member unit's officers are told."""
    ensure_can(by, "conference.draft.publish", year)
    _ensure_sending_window(year, timezone.now())
    _check_draft_file(upload)
    titles = _clean_sections(sections)
    # The year's row serialises publications, so two at once cannot take the same version number.
    list(EmulationYear.objects.select_for_update().filter(pk=year.pk).values_list("pk", flat=True))
    number = (
        DraftReport.objects.filter(year=year).order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    draft = DraftReport(
        year=year,
        version=number,
        original_name=upload.name[:255],
        sections=titles,
        published_at=timezone.now(),
        published_by=by,
    )
    draft.file.save(upload.name, upload, save=False)
    draft.save()
    audit(by, "conference.draft.published", draft, version=number, sections=titles)

    window = comment_window(year)  # open: _ensure_sending_window said so
    params = {"bloc": year.bloc.short_name, "year": year.year, "version": number}
    title = later(gettext_noop("Draft report for comments: %(bloc)s %(year)s (version %(version)s)"), **params)
    body = later(
        gettext_noop(
            "The leader unit published version %(version)s of the draft summary report of %(bloc)s for %(year)s. "
            "Send your comments in the window: %(window)s."
        ),
        **params,
        window=lazy(lambda: window.text, str)(),
    )
    users = [u for u in _officers(members_in_year(bloc=year.bloc, year=year.year)) if u.pk != by.pk]
    if users:
        notify(users=users, title=title, body=body, link=_link(year), dedupe_key=f"draft-published:{draft.pk}")
    return draft


@transaction.atomic
def comment_window_set(
    *, year: EmulationYear, until: datetime.date, by, at: datetime.datetime | None = None
) -> Deadline:
    """A new comment window, from now to the end of `until` (local time): a "Comment round" entry of the calendar,
    after the last one has closed (an open or coming window is changed in the calendar). The member units may
    comment again until then, on the latest draft; their officers are told when there is one. The report cannot
    be issued while the window is open (summary.issue_problems)."""
    ensure_can(by, "conference.draft.publish", year)
    at = at or timezone.now()
    # The year's row serialises the windows, so that two leaders at once cannot both set one.
    list(EmulationYear.objects.select_for_update().filter(pk=year.pk).values_list("pk", flat=True))
    window = comment_window(year, at=at)
    if window is not None and window.state(at) != CLOSED:
        raise ValidationError(
            _(
                "A comment window is already set (%(window)s); a new one can be set once it has closed. To change "
                "it, edit the “Comment round” entry of the calendar."
            )
            % {"window": window.text},
            code="window_set",
        )
    closes = timezone.make_aware(datetime.datetime.combine(until, datetime.time(23, 59)))
    if closes <= at:
        raise ValidationError(
            {"until": _("The new window must end after now: choose today or a later day.")}, code="past"
        )
    rounds = Deadline.objects.filter(year=year, kind=DeadlineKind.COMMENT_ROUND).count()
    deadline = Deadline(
        year=year,
        kind=DeadlineKind.COMMENT_ROUND,
        audience=Audience.MEMBERS,
        # Calendar entries are the bloc's data, written in Vietnamese whatever the interface language.
        title=f"Lấy ý kiến góp ý dự thảo Báo cáo tổng kết của Khối (đợt {rounds + 1})",
        opens_at=at,
        due_at=closes,
    )
    deadline.full_clean()
    deadline.save()
    audit(
        by,
        "conference.comment_window.set",
        deadline,
        opens_at=at.isoformat(),
        due_at=closes.isoformat(),
        previous=window.deadline.pk if window is not None else None,
    )
    draft = DraftReport.objects.filter(year=year).order_by("-version").first()
    users = [u for u in _officers(members_in_year(bloc=year.bloc, year=year.year)) if u.pk != by.pk]
    if draft is not None and users:
        params = {"bloc": year.bloc.short_name, "year": year.year, "version": draft.version}
        notify(
            users=users,
            title=later(gettext_noop("Comments open again on the draft report: %(bloc)s %(year)s"), **params),
            body=later(
                gettext_noop(
                    "The leader unit set a new comment window for the draft summary report of %(bloc)s for "
                    "%(year)s (version %(version)s): send your comments until %(end)s."
                ),
                **params,
                end=_minute(closes),
            ),
            link=_link(year),
            dedupe_key=f"comment-window:{deadline.pk}",
        )
    return deadline


@transaction.atomic
def comment_add(
    *, draft: DraftReport, unit: Unit, section: str, text: str, by, at: datetime.datetime | None = None
) -> Comment:
    """Ý kiến góp ý of a member unit on a section of the latest draft, or in general (section ""), inside the
    calendar's comment window."""
    year = draft.year
    at = at or timezone.now()
    if facts(by).unit_id != unit.pk:
        raise PermissionDenied("conference.draft.comment")
    if not members_in_year(bloc=year.bloc, year=year.year).filter(pk=unit.pk).exists():
        raise ValidationError(
            _("%(unit)s is not a member unit of %(bloc)s in %(year)s, so it cannot comment on its draft report.")
            % {"unit": unit.short_name, "bloc": year.bloc.short_name, "year": year.year}
        )
    ensure_can(by, "conference.draft.comment", year)
    _ensure_window_open(year, at)
    latest = DraftReport.objects.filter(year=year).order_by("-version").values_list("version", flat=True).first()
    if latest != draft.version:
        raise ValidationError(
            _("Version %(latest)s of the draft has been published since; comment on that version.") % {"latest": latest}
        )
    section = " ".join(section.split())
    if section and section not in draft.sections:
        raise ValidationError(
            {
                "section": _(
                    "“%(section)s” is not a section of version %(version)s of the draft; choose one of its sections "
                    "or a general comment."
                )
                % {"section": section[:80], "version": draft.version}
            }
        )
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write your comment.")})
    comment = Comment.objects.create(draft=draft, unit=unit, author=by, section=section, text=text)
    audit(by, "conference.comment.added", comment, draft=draft.version, section=section, unit=unit.pk)
    return comment


@transaction.atomic
def comment_answer(*, comment: Comment, status: str, answer: str, by) -> Comment:
    """The leader's answer to a comment: Tiếp thu (accepted) or Không tiếp thu (declined, with the reason). The
    commenting unit is told."""
    year = comment.draft.year
    ensure_can(by, "conference.draft.answer", year)
    if status not in (AnswerStatus.ACCEPTED, AnswerStatus.DECLINED):
        raise ValidationError({"status": _("Choose whether the comment is accepted or declined.")})
    answer = answer.strip()
    if status == AnswerStatus.DECLINED and not answer:
        raise ValidationError({"answer": _("Say why the comment is not taken into account.")})
    current = Comment.objects.select_for_update().get(pk=comment.pk)
    if current.answer_status != AnswerStatus.PENDING:
        raise ValidationError(_("This comment has already been answered."))
    comment.answer_status, comment.answer = status, answer
    comment.answered_by, comment.answered_at = by, timezone.now()
    comment.save(update_fields=["answer_status", "answer", "answered_by", "answered_at", "updated_at"])
    audit(by, "conference.comment.answered", comment, status=status, answer=answer)

    users = _officers([comment.unit_id])
    if users:
        label = ANSWER_LABELS[status]
        title = later(gettext_noop("Your comment on the draft report: %(answer)s"), answer=label)
        if answer:
            body = later(
                gettext_noop("The leader unit answered your comment: %(answer)s. %(text)s"), answer=label, text=answer
            )
        else:
            body = later(gettext_noop("The leader unit answered your comment: %(answer)s."), answer=label)
        notify(
            users=users,
            title=title,
            body=body,
            link=_link(year, f"#comment-{comment.pk}"),
            dedupe_key=f"comment-answered:{comment.pk}",
        )
    return comment


# --- reads ----------------------------------------------------------------------------------------------


@dataclass
class SectionComments:
    """The comments on one section of the draft; title "" is the general comments."""

    title: str
    comments: list[Comment] = field(default_factory=list)


@dataclass
class CommentRound:
    drafts: list[DraftReport]  # newest first
    window: CommentWindow | None
    sections: list[SectionComments]
    total: int
    unanswered: int

    @property
    def latest(self) -> DraftReport | None:
        return self.drafts[0] if self.drafts else None


def by_section(comments: list, sections: list[str]) -> list[SectionComments]:
    """Comments grouped by section: the general comments first, then the latest draft's sections in its order,
    then titles that only an earlier version had; sections without comments left out."""
    groups: dict[str, SectionComments] = {title: SectionComments(title) for title in ["", *sections]}
    for comment in comments:
        groups.setdefault(comment.section, SectionComments(comment.section)).comments.append(comment)
    return [group for group in groups.values() if group.comments]


def comment_round(year: EmulationYear, *, at: datetime.datetime | None = None) -> CommentRound:
    """Everything the page shows, in three queries whatever the number of comments: the drafts, the window, and
    every comment of the year (on any version, so that none is lost when a new version is published) grouped by
    section: the general comments first, then the latest draft's sections in its order, then titles that only
    an earlier version had."""
    drafts = list(DraftReport.objects.filter(year=year).select_related("published_by").order_by("-version"))
    by_id = {d.pk: d for d in drafts}
    comments = list(
        Comment.objects.filter(draft__year=year)
        .select_related("unit", "author", "answered_by")
        .order_by("created_at", "id")
    )
    for comment in comments:
        comment.draft = by_id[comment.draft_id]
    return CommentRound(
        drafts=drafts,
        window=comment_window(year, at=at),
        sections=by_section(comments, drafts[0].sections if drafts else []),
        total=len(comments),
        unanswered=sum(c.answer_status == AnswerStatus.PENDING for c in comments),
    )


def comments_unanswered_count(*, year: EmulationYear) -> int:
    """Comments of the year the leader has not answered yet."""
    return Comment.objects.filter(draft__year=year, answer_status=AnswerStatus.PENDING).count()
