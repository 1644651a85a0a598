"""The bloc's meetings other than the year-end conference: the mid-year review (sơ kết 6 tháng), thematic and
extraordinary meetings. The leader unit (or the board) sets a meeting up; it is written into the year's calendar
as an event to attend (a MEETING entry: nobody owes a file for it and no reminder chases it); the presenter's unit
(the leader or the deputy, per meeting) publishes the draft report and answers the members' comments, taken in
the meeting's own window; the leader unit writes and issues the minutes, numbered in the bloc's register (BB) and
titled by the meeting's kind. The year-end conference keeps its own plan, comment round and minutes."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from blocs.enums import Audience, DeadlineKind
from blocs.models import EmulationYear, Person, Unit
from blocs.roles import facts
from blocs.selectors import members_in_year
from core.audit import audit
from core.documents import lifecycle
from core.i18n import later
from core.locking import StaleEdit
from core.notifications import notify
from core.permissions import ensure_can

from ..documents.kinds import ConferenceKind
from ..enums import AnswerStatus, MeetingKind, Presenter
from ..models import Meeting, MeetingComment, MeetingDraft, MeetingMinutes, MeetingPlan
from .comments import (
    ANSWER_LABELS,
    CLOSED,
    NOT_OPEN,
    CommentWindow,
    SectionComments,
    _check_draft_file,
    _clean_sections,
    _minute,
    _officers,
    by_section,
)
from .minutes import DEFAULT_LENGTH

GUEST_FIELDS = ("name", "position", "body")


# --- what a meeting is called -------------------------------------------------------------------------------


def meeting_title(meeting: Meeting) -> str:
    """The meeting's name as documents write it (Vietnamese whatever the interface language)."""
    year = meeting.year
    subject = " ".join((meeting.subject or "").split()).rstrip(".")
    if meeting.kind == MeetingKind.MID_YEAR:
        title = f"Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm {year.year}"
        return f"{title} ({subject})" if subject else title
    if meeting.kind == MeetingKind.THEMATIC:
        return f"Hội nghị chuyên đề {subject}" if subject else "Hội nghị chuyên đề"
    return f"Cuộc họp bất thường {subject}" if subject else "Cuộc họp bất thường"


def presenter_unit(meeting: Meeting) -> Unit | None:
    year = meeting.year
    return year.deputy if meeting.presenter == Presenter.DEPUTY else year.leader


def guest_line(guest: dict) -> str:
    """'Đồng chí Nguyễn Văn A - Phó Trưởng ban, Ban Thi đua - Khen thưởng tỉnh' (the minutes' wording)."""
    after = ", ".join(part for part in (guest.get("position", ""), guest.get("body", "")) if part)
    return f"Đồng chí {guest['name']}" + (f" - {after}" if after else "")


def parse_guests(text: str) -> list[dict]:
    """One guest a line: "name; position; body" (position and body may be left out). A line without a name, or
    with more than three parts, is refused with its number."""
    guests = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [" ".join(part.split()) for part in line.split(";")]
        if len(parts) > 3 or not parts[0]:
            raise ValidationError(
                {
                    "other_guests": _(
                        "Line %(number)d: write a guest as “name; position; body” (position and body may be left out)."
                    )
                    % {"number": number}
                }
            )
        parts += [""] * (3 - len(parts))
        guests.append(dict(zip(GUEST_FIELDS, parts, strict=True)))
    return guests


def board_guest(person: Person) -> dict:
    """A board official as a guest: the board's name as the documents write it, with the province's."""
    province = person.board_province
    body = f"Ban Thi đua - Khen thưởng tỉnh {province.name}" if province is not None else "Ban Thi đua - Khen thưởng"
    if "thi đua" in (person.position or "").lower():  # "Chuyên viên Ban Thi đua - Khen thưởng, Sở Nội vụ"
        body = ""
    return {"name": person.user.full_name, "position": person.position, "body": body, "person": person.pk}


# --- the window ---------------------------------------------------------------------------------------------


def meeting_window(meeting: Meeting) -> CommentWindow | None:
    if meeting.comments_close_at is None:
        return None
    return CommentWindow(deadline=None, opens_at=meeting.comments_open_at, closes_at=meeting.comments_close_at)


def _ensure_window_open(meeting: Meeting, at: datetime.datetime) -> None:
    window = meeting_window(meeting)
    if window is None:
        raise ValidationError(
            _("No comment window is set for this meeting's draft: the leader unit sets it on the meeting's form."),
            code="no_window",
        )
    state = window.state(at)
    if state == NOT_OPEN:
        raise ValidationError(
            _("Comments on this draft are taken from %(start)s to %(end)s; the window is not open yet.")
            % {"start": _minute(window.opens_at), "end": _minute(window.closes_at)},
            code="not_open",
        )
    if state == CLOSED:
        raise ValidationError(
            _("The comment window closed on %(end)s: comments are no longer taken.")
            % {"end": _minute(window.closes_at)},
            code="closed",
        )


# --- set a meeting up ---------------------------------------------------------------------------------------


def _link(meeting: Meeting, anchor: str = "") -> str:
    year = meeting.year
    return reverse("conference:meeting", args=(year.bloc.slug, year.year, meeting.pk)) + anchor


def meeting_problems(meeting: Meeting) -> dict[str, str]:
    """What is wrong with a meeting's fields, by field (the form shows each beside its box)."""
    year = meeting.year
    problems: dict[str, str] = {}
    if meeting.kind != MeetingKind.MID_YEAR and not (meeting.subject or "").strip():
        problems["subject"] = _("Say what the meeting is about (its subject).")
    if meeting.held_at is not None and timezone.localtime(meeting.held_at).year not in (year.year, year.year + 1):
        problems["held_at"] = _("A meeting of %(year)s is held in %(year)s (or early in the next year).") % {
            "year": year.year
        }
    if (
        meeting.kind == MeetingKind.MID_YEAR
        and meeting.held_at
        and timezone.localtime(meeting.held_at).year != year.year
    ):
        problems["held_at"] = _("The mid-year review of %(year)s is held in %(year)s.") % {"year": year.year}
    if meeting.presenter == Presenter.DEPUTY and year.deputy_id is None:
        problems["presenter"] = _("The year has no deputy leader unit yet: the leader unit presents.")
    opens, closes = meeting.comments_open_at, meeting.comments_close_at
    if (opens is None) != (closes is None):
        problems["comments_close_at" if closes is None else "comments_open_at"] = _(
            "Give both ends of the comment window, or neither."
        )
    elif opens is not None and opens >= closes:
        problems["comments_close_at"] = _("The comment window must end after it opens.")
    return problems


@transaction.atomic
def meeting_save(*, meeting: Meeting, by) -> Meeting:
    """Create or change a meeting and its calendar entry (an event to attend); the member units' officers are
    told of a new meeting and of a new date or venue."""
    year = meeting.year
    ensure_can(by, "conference.meetings.manage", year)
    problems = meeting_problems(meeting)
    if problems:
        raise ValidationError(problems)
    created = meeting.pk is None
    before = None if created else Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not created and before.year_id != year.pk:
        raise PermissionDenied("conference.meetings.manage")
    if created:
        meeting.created_by = by
    meeting.full_clean(exclude=["year", "deadline", "created_by"])
    meeting.save()
    from blocs.models import Deadline

    deadline = meeting.deadline or Deadline(year=year, kind=DeadlineKind.MEETING, audience=Audience.MEMBERS)
    deadline.title = meeting_title(meeting)[:300]
    deadline.description = meeting.place
    deadline.opens_at = None
    deadline.due_at = meeting.held_at
    deadline.full_clean()
    deadline.save()
    if meeting.deadline_id != deadline.pk:
        meeting.deadline = deadline
        meeting.save(update_fields=["deadline", "updated_at"])
    audit(
        by,
        "conference.meeting.created" if created else "conference.meeting.changed",
        meeting,
        kind=meeting.kind,
        held_at=meeting.held_at.isoformat(),
        place=meeting.place,
        presenter=meeting.presenter,
        guests=len(meeting.guests),
    )
    moved = before is not None and (before.held_at != meeting.held_at or before.place != meeting.place)
    if created or moved:
        users = [u for u in _officers(members_in_year(bloc=year.bloc, year=year.year)) if u.pk != by.pk]
        if users:
            params = {"title": meeting_title(meeting), "when": _minute(meeting.held_at), "place": meeting.place}
            notify(
                users=users,
                title=later(
                    gettext_noop("Meeting: %(title)s") if created else gettext_noop("Meeting changed: %(title)s"),
                    **params,
                ),
                body=later(gettext_noop("%(title)s, at %(when)s, %(place)s."), **params),
                link=_link(meeting),
                dedupe_key=f"meeting:{meeting.pk}:{meeting.held_at.isoformat()}:{meeting.place}",
            )
    return meeting


# --- the draft and its comments -----------------------------------------------------------------------------


@transaction.atomic
def draft_publish(*, meeting: Meeting, upload, sections: list[str], by) -> MeetingDraft:
    """A new version of the meeting's draft report, by the presenter's unit; the other member units' officers
    are told, with the comment window."""
    ensure_can(by, "conference.meeting.present", meeting)
    _check_draft_file(upload)
    titles = _clean_sections(sections)
    list(Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk", flat=True))
    number = (meeting.drafts.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    draft = MeetingDraft(
        meeting=meeting,
        version=number,
        original_name=upload.name[:255],
        sections=titles,
        published_at=timezone.now(),
        published_by=by,
    )
    draft.file.save(upload.name, upload, save=False)
    draft.save()
    audit(by, "conference.meeting.draft_published", draft, meeting=meeting.pk, version=number, sections=titles)
    year = meeting.year
    window = meeting_window(meeting)
    params = {"title": meeting_title(meeting), "version": number}
    if window is not None:
        body = later(
            gettext_noop("Version %(version)s of the draft report for %(title)s was published. Comments: %(window)s."),
            **params,
            window=lazy(lambda: window.text, str)(),
        )
    else:
        body = later(gettext_noop("Version %(version)s of the draft report for %(title)s was published."), **params)
    presenter = presenter_unit(meeting)
    units = [u for u in members_in_year(bloc=year.bloc, year=year.year) if presenter is None or u.pk != presenter.pk]
    users = [u for u in _officers(units) if u.pk != by.pk]
    if users:
        notify(
            users=users,
            title=later(gettext_noop("Draft for comments: %(title)s (version %(version)s)"), **params),
            body=body,
            link=_link(meeting, "#drafts"),
            dedupe_key=f"meeting-draft:{draft.pk}",
        )
    return draft


@transaction.atomic
def comment_add(
    *, draft: MeetingDraft, unit: Unit, section: str, text: str, by, at: datetime.datetime | None = None
) -> MeetingComment:
    """A member unit's comment on the latest draft of a meeting (a section or in general), inside its window."""
    meeting = draft.meeting
    year = meeting.year
    at = at or timezone.now()
    if facts(by).unit_id != unit.pk:
        raise PermissionDenied("conference.meeting.comment")
    ensure_can(by, "conference.meeting.comment", meeting)
    if not members_in_year(bloc=year.bloc, year=year.year).filter(pk=unit.pk).exists():
        raise PermissionDenied("conference.meeting.comment")
    _ensure_window_open(meeting, at)
    latest = meeting.drafts.order_by("-version").values_list("version", flat=True).first()
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
    comment = MeetingComment.objects.create(draft=draft, unit=unit, author=by, section=section, text=text)
    audit(by, "conference.meeting.comment_added", comment, meeting=meeting.pk, draft=draft.version, unit=unit.pk)
    return comment


@transaction.atomic
def comment_answer(*, comment: MeetingComment, status: str, answer: str, by) -> MeetingComment:
    """The presenter's answer: Tiếp thu (accepted) or Không tiếp thu (declined, with the reason); the commenting
    unit is told."""
    meeting = comment.draft.meeting
    ensure_can(by, "conference.meeting.present", meeting)
    if status not in (AnswerStatus.ACCEPTED, AnswerStatus.DECLINED):
        raise ValidationError({"status": _("Choose whether the comment is accepted or declined.")})
    answer = answer.strip()
    if status == AnswerStatus.DECLINED and not answer:
        raise ValidationError({"answer": _("Say why the comment is not taken into account.")})
    current = MeetingComment.objects.select_for_update().get(pk=comment.pk)
    if current.answer_status != AnswerStatus.PENDING:
        raise ValidationError(_("This comment has already been answered."))
    comment.answer_status, comment.answer = status, answer
    comment.answered_by, comment.answered_at = by, timezone.now()
    comment.save(update_fields=["answer_status", "answer", "answered_by", "answered_at", "updated_at"])
    audit(by, "conference.meeting.comment_answered", comment, status=status, answer=answer)
    users = _officers([comment.unit_id])
    if users:
        label = ANSWER_LABELS[status]
        params = {"answer": label, "title": meeting_title(meeting)}
        notify(
            users=users,
            title=later(gettext_noop("Your comment on the draft for %(title)s: %(answer)s"), **params),
            body=later(
                gettext_noop("The presenting unit answered your comment: %(answer)s. %(text)s"), **params, text=answer
            )
            if answer
            else later(gettext_noop("The presenting unit answered your comment: %(answer)s."), **params),
            link=_link(meeting, f"#comment-{comment.pk}"),
            dedupe_key=f"meeting-comment-answered:{comment.pk}",
        )
    return comment


# --- reads --------------------------------------------------------------------------------------------------


@dataclass
class MeetingRound:
    drafts: list[MeetingDraft]  # newest first
    window: CommentWindow | None
    sections: list[SectionComments]
    total: int
    unanswered: int

    @property
    def latest(self) -> MeetingDraft | None:
        return self.drafts[0] if self.drafts else None

    def state(self, at: datetime.datetime | None = None) -> str | None:
        return self.window.state(at) if self.window is not None else None


def meeting_round(meeting: Meeting) -> MeetingRound:
    """The drafts and every comment on any version, grouped by section: two queries."""
    drafts = list(meeting.drafts.select_related("published_by").order_by("-version"))
    by_id = {d.pk: d for d in drafts}
    comments = list(
        MeetingComment.objects.filter(draft__meeting=meeting)
        .select_related("unit", "author", "answered_by")
        .order_by("created_at", "id")
    )
    for comment in comments:
        comment.draft = by_id[comment.draft_id]
    return MeetingRound(
        drafts=drafts,
        window=meeting_window(meeting),
        sections=by_section(comments, drafts[0].sections if drafts else []),
        total=len(comments),
        unanswered=sum(c.answer_status == AnswerStatus.PENDING for c in comments),
    )


def year_meetings(year: EmulationYear) -> list[Meeting]:
    """The year's meetings by date, each with its counts of drafts and unanswered comments and its minutes'
    state: one query."""
    return list(
        Meeting.objects.filter(year=year)
        .select_related("minutes")
        .annotate(
            draft_count=Count("drafts", distinct=True),
            unanswered=Count(
                "drafts__comments", filter=Q(drafts__comments__answer_status=AnswerStatus.PENDING), distinct=True
            ),
        )
        .order_by("held_at", "id")
    )


def window_state(meeting: Meeting, at: datetime.datetime | None = None) -> str | None:
    window = meeting_window(meeting)
    return window.state(at) if window is not None else None


# --- the minutes --------------------------------------------------------------------------------------------


class StaleMeetingMinutes(StaleEdit):
    """Someone saved (or issued) the minutes after the editor was opened."""


def members_present_lines(meeting: Meeting) -> list[str]:
    return [unit.name for unit in members_in_year(bloc=meeting.year.bloc, year=meeting.year.year)]


def initial_minutes(meeting: Meeting) -> MeetingMinutes:
    """New minutes prefilled from the meeting: its day, hour, venue, chair and guests, the member units, an
    officer of the leader unit as the secretary, and the usual wording with the presenter's unit. Document text is
    Vietnamese whatever the interface language. Nothing is saved."""
    year = meeting.year
    leader = year.leader
    presenter = presenter_unit(meeting) or leader
    local = timezone.localtime(meeting.held_at)
    ended = (datetime.datetime.combine(local.date(), local.time()) + DEFAULT_LENGTH).time()
    secretary = Person.objects.filter(unit=leader, user__is_active=True).select_related("user").order_by("pk").first()
    report = (
        f"dự thảo Báo cáo sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm {year.year}, phương hướng, nhiệm vụ "
        "6 tháng cuối năm"
        if meeting.kind == MeetingKind.MID_YEAR
        else "dự thảo báo cáo"
    )
    role = "Phó Trưởng Khối" if meeting.presenter == Presenter.DEPUTY else "Trưởng Khối"
    proceedings = [
        f"Đồng chí {meeting.chair_name or '…'}"
        + (f", {meeting.chair_position}" if meeting.chair_position else "")
        + ", chủ trì, khai mạc Hội nghị, giới thiệu đại biểu và thông qua chương trình.",
        f"{presenter.name} - đơn vị {role} trình bày {report} của {year.bloc.name}.",
        "Các đại biểu thảo luận, đóng góp ý kiến vào dự thảo báo cáo.",
    ]
    conclusion = [
        f"Hội nghị thống nhất thông qua {report.removeprefix('dự thảo ')}; giao {presenter.name} tiếp thu ý kiến, "
        "hoàn chỉnh báo cáo."
    ]
    return MeetingMinutes(
        meeting=meeting,
        held_at=meeting.held_at,
        ended_at=ended,
        place=meeting.place,
        chair_name=meeting.chair_name,
        chair_position=meeting.chair_position,
        secretary_name=secretary.user.full_name if secretary else "",
        secretary_position=(
            f"{secretary.position}, {leader.short_name}" if secretary and secretary.position else leader.short_name
        ),
        guests="\n".join(guest_line(g) for g in meeting.guests if g.get("name")),
        members_present="\n".join(members_present_lines(meeting)),
        proceedings="\n".join(proceedings),
        conclusion="\n".join(conclusion),
    )


class MeetingMinutesKind(ConferenceKind):
    """A meeting's minutes in the one lifecycle; its scope is the meeting."""

    name = "conference.meeting_minutes"
    slug = "minutes"
    model = MeetingMinutes
    url_prefix = "conference:meeting-minutes"
    page_action = "conference.meeting.view"
    edit_action = "conference.meeting.minutes.edit"
    document_action = "conference.meeting.minutes.document"
    doc_type = "BB"
    load_related = ("meeting__year__bloc__province", "meeting__year__leader", "meeting__year__deputy")
    required = {
        "place": gettext_lazy("venue"),
        "chair_name": gettext_lazy("chair's name"),
        "secretary_name": gettext_lazy("secretary's name"),
        "ended_at": gettext_lazy("ended at"),
    }
    clean_exclude = ("number", "issued_by", "updated_by", "meeting")
    stale_class = StaleMeetingMinutes
    incomplete = gettext_lazy("The minutes are incomplete: %(fields)s. Complete them in the editor.")
    frozen = gettext_lazy(
        "These minutes are issued and cannot be changed in place: create a new version to correct them."
    )
    already_issued = gettext_lazy("These minutes are already issued.")
    stale = gettext_lazy("Someone else saved these minutes after you opened them; your input is kept below.")
    stale_issue = gettext_lazy(
        "The minutes were changed after you opened this page; read the preview again before issuing."
    )
    not_issued = gettext_lazy("Only issued minutes need a new version; edit this draft directly.")
    issued_message = gettext_lazy("The minutes were issued as number %(number)s.")
    reopened_message = gettext_lazy(
        "The minutes are a draft again (version %(version)s): correct them and issue them again."
    )
    saved_message = gettext_lazy("The draft minutes were saved.")
    preview_title = gettext_lazy("Preview of the minutes as they will be printed")
    preview_defaults = True
    templates = {"page": "conference/meetings/minutes.html", "edit": "conference/meetings/minutes_edit.html"}

    def scope(self, record: MeetingMinutes) -> Meeting:
        return record.meeting

    def adopt(self, record: MeetingMinutes, meeting: Meeting) -> MeetingMinutes:
        record.meeting = meeting
        return record

    def in_scope(self, meeting: Meeting):
        return MeetingMinutes.objects.filter(meeting=meeting).select_related("updated_by", "issued_by")

    def initial(self, meeting: Meeting) -> MeetingMinutes:
        return initial_minutes(meeting)

    def bloc(self, record: MeetingMinutes):
        return record.meeting.year.bloc

    def register_year(self, record: MeetingMinutes) -> int:
        return timezone.localtime(record.held_at).year

    def register_title(self, record: MeetingMinutes) -> str:
        return f"Biên bản {meeting_title(record.meeting)}"

    def build(self, record: MeetingMinutes):
        from ..documents.meeting_minutes import meeting_minutes_document

        return meeting_minutes_document(record)

    def url_args(self, meeting: Meeting) -> tuple:
        return (meeting.year.bloc.slug, meeting.year.year, meeting.pk)

    def scope_context(self, meeting: Meeting) -> dict:
        return {"year": meeting.year, "bloc": meeting.year.bloc, "meeting": meeting}


MEETING_MINUTES = MeetingMinutesKind()


def minutes_issue(*, minutes: MeetingMinutes, number: int | None, by, expected_version: int | None = None):
    return lifecycle.issue(MEETING_MINUTES, minutes, number=number, by=by, expected_version=expected_version)


def minutes_save(*, minutes: MeetingMinutes, expected_version: int | None, by) -> MeetingMinutes:
    return lifecycle.save_draft(MEETING_MINUTES, minutes, expected_version=expected_version, by=by)


# --- the meeting's plan (optional) ---------------------------------------------------------------------------


def initial_plan(meeting: Meeting) -> MeetingPlan:
    """A plan prefilled from the meeting: dated today (two weeks before it, for a meeting already held),
    its purpose and agenda by the meeting's kind, the guests and the member units as participants, who prepares
    what (the presenter's draft and its comment window, the leader unit's venue), the meeting's chair as the
    signer.
    Vietnamese whatever the interface language. Nothing is saved."""
    year = meeting.year
    bloc, leader = year.bloc, year.leader
    presenter = presenter_unit(meeting) or leader
    held = timezone.localtime(meeting.held_at)
    title = meeting_title(meeting)
    if meeting.kind == MeetingKind.MID_YEAR:
        purpose = (
            f"Đánh giá kết quả công tác thi đua, khen thưởng 6 tháng đầu năm {year.year} của các đơn vị thành viên "
            f"{bloc.name}; chỉ ra tồn tại, hạn chế và đề ra phương hướng, nhiệm vụ 6 tháng cuối năm."
        )
        agenda = [
            f"{presenter.name} trình bày dự thảo Báo cáo sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm "
            f"{year.year}, phương hướng, nhiệm vụ 6 tháng cuối năm của Khối.",
            "Các đại biểu thảo luận, đóng góp ý kiến vào dự thảo Báo cáo.",
            "Phát biểu của đại diện Ban Thi đua - Khen thưởng tỉnh.",
            "Kết luận Hội nghị.",
        ]
    else:
        purpose = f"Tổ chức {title[0].lower()}{title[1:]} của {bloc.name}."
        agenda = [f"{presenter.name} trình bày báo cáo.", "Các đại biểu thảo luận, đóng góp ý kiến.", "Kết luận."]
    window = meeting_window(meeting)
    preparations = [
        f"{presenter.name} xây dựng dự thảo báo cáo, đăng trên hệ thống để các đơn vị thành viên góp ý"
        + (f" ({window.text.lower()})" if window is not None else "")
        + "; tiếp thu, hoàn chỉnh báo cáo trình bày tại Hội nghị.",
        f"{leader.name} chuẩn bị địa điểm, tài liệu, mời đại biểu và lập biên bản Hội nghị.",
        "Các đơn vị thành viên cử đại diện lãnh đạo và cán bộ làm công tác thi đua, khen thưởng dự Hội nghị; góp ý "
        "dự thảo báo cáo đúng thời hạn.",
    ]
    today = timezone.localdate()
    dated = today if today <= held.date() else (held - datetime.timedelta(days=14)).date()
    return MeetingPlan(
        meeting=meeting,
        place=bloc.province.name,
        dated=dated,
        purpose=purpose,
        requirements=(
            "Hội nghị được tổ chức thiết thực, hiệu quả, tiết kiệm; các đơn vị tham dự đầy đủ, đúng thành phần."
        ),
        agenda="\n".join(agenda),
        participants="\n".join(
            [*(guest_line(g) for g in meeting.guests if g.get("name")), *members_present_lines(meeting)]
        ),
        preparations="\n".join(preparations),
        recipients="\n".join(["Ban Thi đua - Khen thưởng tỉnh", f"Các đơn vị thành viên {bloc.name}", "Lưu: VT"]),
        signer_authority=f"TRƯỞNG {bloc.name.split(' tỉnh ')[0].upper()}",
        signer_body=leader.name.upper(),
        signer_position=(meeting.chair_position or "").split(",")[0].upper(),
        signer_name=meeting.chair_name,
    )


class MeetingPlanKind(ConferenceKind):
    """A meeting's plan in the one lifecycle; its scope is the meeting."""

    name = "conference.meeting_plan"
    slug = "plan"
    model = MeetingPlan
    url_prefix = "conference:meeting-plan"
    page_action = "conference.meeting.view"
    edit_action = "conference.meeting.minutes.edit"  # the leader unit, which keeps the bloc's register
    document_action = "conference.meeting.plan.document"
    doc_type = "KH"
    load_related = ("meeting__year__bloc__province", "meeting__year__leader", "meeting__year__deputy")
    required = {
        "purpose": gettext_lazy("purpose"),
        "agenda": gettext_lazy("agenda"),
        "signer_name": gettext_lazy("signer's name"),
    }
    clean_exclude = ("number", "issued_by", "updated_by", "meeting")
    stale_class = StaleMeetingMinutes
    incomplete = gettext_lazy("The plan is incomplete: %(fields)s. Complete it in the editor.")
    frozen = gettext_lazy("This plan is issued and cannot be changed in place: create a new version to correct it.")
    already_issued = gettext_lazy("This plan is already issued.")
    stale = gettext_lazy("Someone else saved this plan after you opened it; your input is kept below.")
    stale_issue = gettext_lazy(
        "The plan was changed after you opened this page; read the preview again before issuing."
    )
    not_issued = gettext_lazy("Only an issued plan needs a new version; edit this draft directly.")
    issued_message = gettext_lazy("The plan was issued as number %(number)s.")
    reopened_message = gettext_lazy("The plan is a draft again (version %(version)s): correct it and issue it again.")
    saved_message = gettext_lazy("The draft plan was saved.")
    preview_title = gettext_lazy("Preview of the plan as it will be printed")
    preview_defaults = True
    templates = {"page": "conference/meetings/plan.html", "edit": "conference/meetings/plan_edit.html"}

    def scope(self, record: MeetingPlan) -> Meeting:
        return record.meeting

    def adopt(self, record: MeetingPlan, meeting: Meeting) -> MeetingPlan:
        record.meeting = meeting
        return record

    def in_scope(self, meeting: Meeting):
        return MeetingPlan.objects.filter(meeting=meeting).select_related("updated_by", "issued_by")

    def initial(self, meeting: Meeting) -> MeetingPlan:
        return initial_plan(meeting)

    def bloc(self, record: MeetingPlan):
        return record.meeting.year.bloc

    def register_year(self, record: MeetingPlan) -> int:
        return record.dated.year

    def register_title(self, record: MeetingPlan) -> str:
        return f"Kế hoạch tổ chức {meeting_title(record.meeting)}"

    def build(self, record: MeetingPlan):
        from ..documents.meeting_minutes import meeting_plan_document

        return meeting_plan_document(record)

    def url_args(self, meeting: Meeting) -> tuple:
        return (meeting.year.bloc.slug, meeting.year.year, meeting.pk)

    def scope_context(self, meeting: Meeting) -> dict:
        return {"year": meeting.year, "bloc": meeting.year.bloc, "meeting": meeting}


MEETING_PLAN = MeetingPlanKind()
