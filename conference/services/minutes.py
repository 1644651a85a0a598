"""The conference minutes (Biên bản Hội nghị tổng kết): defaults from the plan and the delegates, the draft
saved with an optimistic lock, issue (a number in the bloc's register, BB) and correction of issued minutes;
and the reads the document takes from the other apps: the published ballots and the published ranking.

Results are never computed here: the minutes say what the ballots and the ranking store."""

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from awards.enums import BallotStatus
from awards.models import Ballot, BallotCandidate
from awards.selectors import ranking_is_published
from blocs.enums import DeadlineKind
from blocs.models import EmulationYear, Person
from blocs.selectors import members_in_year
from core.documents import lifecycle
from core.locking import StaleEdit
from scoring.selectors import RankRow, ranking_for_year

from ..documents.kinds import BLOC_REGISTER, ConferenceKind
from ..models import ConferenceMinutes, Delegate
from ..services.plan import current_plan

DOC_TYPE = "BB"
register_next_number = BLOC_REGISTER.next_number  # the number issuing takes next (pages and tests ask it)
DEFAULT_LENGTH = datetime.timedelta(hours=2, minutes=30)


class StaleMinutes(StaleEdit):
    """Someone saved (or issued) the minutes after the editor was opened."""


STALE_MESSAGE = gettext_noop("Someone else saved these minutes after you opened them; your input is kept below.")


def current_minutes(year: EmulationYear) -> ConferenceMinutes | None:
    return ConferenceMinutes.objects.filter(year=year).select_related("updated_by", "issued_by").first()


def title_lines(year: EmulationYear) -> list[str]:
    return [
        f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {year.year}",
        f"của {year.bloc.name}",
    ]


def register_title(year: EmulationYear) -> str:
    return f"Biên bản Hội nghị tổng kết công tác thi đua, khen thưởng năm {year.year}"


# --- defaults ------------------------------------------------------------------------------------------


def _conference_start(year: EmulationYear, plan) -> datetime.datetime:
    """The plan's day and hour; without a plan, the conference entry of the calendar; else today at 8h."""
    tz = timezone.get_current_timezone()
    if plan is not None and plan.conference_date:
        return timezone.make_aware(datetime.datetime.combine(plan.conference_date, plan.start_time), tz)
    entry = year.deadlines.filter(kind=DeadlineKind.CONFERENCE).order_by("due_at").first()
    if entry is not None:
        return timezone.localtime(entry.due_at)
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(8, 0)), tz)


def members_present_lines(year: EmulationYear) -> list[str]:
    """One line per member unit: its registered delegates (the unit alone when none is registered)."""
    units = list(members_in_year(bloc=year.bloc, year=year.year))
    by_unit: dict[int, list[Delegate]] = {u.pk: [] for u in units}
    for delegate in Delegate.objects.filter(year=year, unit__in=list(by_unit)).order_by("id"):
        by_unit[delegate.unit_id].append(delegate)
    lines = []
    for unit in units:
        people = "; ".join(
            f"đồng chí {d.full_name} - {d.position}" if d.position else f"đồng chí {d.full_name}"
            for d in by_unit[unit.pk]
        )
        lines.append(f"{unit.name}: {people}" if people else unit.name)
    return lines


def initial_minutes(year: EmulationYear) -> ConferenceMinutes:
    """New minutes prefilled from the year: the plan's day, hour and venue, the plan's invited guests, the
    delegates registered by each member unit, the plan's signer as the chair and an officer of the leader unit
    as the secretary, and the usual wording of the proceedings. Document text is Vietnamese whatever the
    interface language. Nothing is saved."""
    plan = current_plan(year)
    bloc, leader = year.bloc, year.leader
    start = _conference_start(year, plan)
    local = timezone.localtime(start)
    ended = (datetime.datetime.combine(local.date(), local.time()) + DEFAULT_LENGTH).time()
    secretary = Person.objects.filter(unit=leader, user__is_active=True).select_related("user").order_by("pk").first()
    chair_name = plan.signer_name if plan else ""
    following = year.year + 1
    proceedings = [
        f"Đồng chí {chair_name or '…'}, Lãnh đạo {leader.name} - đơn vị Trưởng Khối thi đua năm {year.year}, "
        "khai mạc Hội nghị, giới thiệu đại biểu và thông qua chương trình Hội nghị.",
        f"{leader.name} trình bày dự thảo Báo cáo tổng kết công tác thi đua, khen thưởng năm {year.year}, "
        f"phương hướng, nhiệm vụ năm {following} của {bloc.name}.",
        "Các đại biểu thảo luận, đóng góp ý kiến vào dự thảo Báo cáo tổng kết và kết quả đánh giá, chấm điểm "
        "của các đơn vị thành viên.",
        "Hội nghị tiến hành bình xét, suy tôn các đơn vị đề nghị Ủy ban nhân dân tỉnh tặng Cờ thi đua và Bằng "
        f"khen của Chủ tịch Ủy ban nhân dân tỉnh; giới thiệu, bầu đơn vị Trưởng Khối, Phó Trưởng Khối năm "
        f"{following} bằng hình thức bỏ phiếu kín.",
    ]
    conclusion = [
        f"Hội nghị nhất trí thông qua Báo cáo tổng kết công tác thi đua, khen thưởng năm {year.year}, phương "
        f"hướng, nhiệm vụ năm {following} của {bloc.name}; kết quả chấm điểm, xếp hạng các đơn vị thành viên và "
        "kết quả bình xét, suy tôn, bầu đơn vị Trưởng Khối, Phó Trưởng Khối nêu trên.",
        f"Giao {leader.name} - đơn vị Trưởng Khối hoàn thiện hồ sơ đề nghị khen thưởng, trình cấp có thẩm quyền "
        "xem xét, quyết định theo quy định.",
    ]
    return ConferenceMinutes(
        year=year,
        held_at=start,
        ended_at=ended,
        place=plan.venue if plan else "",
        chair_name=chair_name,
        chair_position=f"Lãnh đạo {leader.name}",
        secretary_name=secretary.user.full_name if secretary else "",
        secretary_position=(
            f"{secretary.position}, {leader.short_name}" if secretary and secretary.position else leader.short_name
        ),
        guests="\n".join(group["name"] for group in (plan.invited if plan else []) if group.get("name")),
        members_present="\n".join(members_present_lines(year)),
        proceedings="\n".join(proceedings),
        conclusion="\n".join(conclusion),
    )


# --- the kind and its writes ---------------------------------------------------------------------------


class MinutesKind(ConferenceKind):
    """The minutes in the one lifecycle: issued in the register of minutes (BB) of the year of the conference,
    once the venue, the chair, the secretary and the end are written; corrected as the next revision."""

    name = "conference.minutes"
    slug = "minutes"
    model = ConferenceMinutes
    page_action = "conference.minutes.view"
    edit_action = "conference.minutes.edit"
    document_action = "conference.minutes.document"
    doc_type = DOC_TYPE
    # Filled in before issuing: without them the minutes cannot be signed or say when the conference ended.
    required = {
        "place": gettext_lazy("venue"),
        "chair_name": gettext_lazy("chair's name"),
        "secretary_name": gettext_lazy("secretary's name"),
        "ended_at": gettext_lazy("ended at"),
    }
    stale_class = StaleMinutes
    incomplete = gettext_lazy("The minutes are incomplete: %(fields)s. Complete them in the editor.")
    frozen = gettext_lazy(
        "These minutes are issued and cannot be changed in place: create a new version to correct them."
    )
    already_issued = gettext_lazy("These minutes are already issued.")
    stale = gettext_lazy(STALE_MESSAGE)
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
    templates = {"page": "conference/minutes/detail.html", "edit": "conference/minutes/edit.html"}

    def current(self, year: EmulationYear) -> ConferenceMinutes | None:
        minutes = current_minutes(year)
        return self.adopt(minutes, year) if minutes is not None else None

    def initial(self, year: EmulationYear) -> ConferenceMinutes:
        return initial_minutes(year)

    def register_year(self, minutes: ConferenceMinutes) -> int:
        return timezone.localtime(minutes.held_at).year

    def register_title(self, minutes: ConferenceMinutes) -> str:
        return register_title(minutes.year)

    def build(self, minutes: ConferenceMinutes):
        from ..documents.minutes import minutes_document

        return minutes_document(minutes)


MINUTES = MinutesKind()


def ensure_editable(minutes: ConferenceMinutes, by) -> None:
    lifecycle.ensure_editable(MINUTES, minutes, by)


def minutes_save(*, minutes: ConferenceMinutes, expected_version: int | None, by) -> ConferenceMinutes:
    """Save the draft, refusing a form opened before someone else's save (the caller keeps the input)."""
    return lifecycle.save_draft(MINUTES, minutes, expected_version=expected_version, by=by)


def minutes_issue(
    *, minutes: ConferenceMinutes, number: int | None, by, expected_version: int | None = None
) -> ConferenceMinutes:
    """Ban hành: take the number in the bloc's register of minutes (BB) for the year of the conference and
    freeze the minutes. A correction (new version) keeps the number it was first issued under."""
    return lifecycle.issue(MINUTES, minutes, number=number, by=by, expected_version=expected_version)


def minutes_new_version(*, minutes: ConferenceMinutes, by) -> ConferenceMinutes:
    """A correction of issued minutes: they become a draft of the next revision, under the same number, until
    issued again. The issued text stays in the files rendered before (and the audit log)."""
    return lifecycle.new_version(MINUTES, minutes, by=by)


# --- what the minutes read from the other apps ------------------------------------------------------------


def published_ballots(year: EmulationYear) -> list[Ballot]:
    """Every published ballot of the year (awards with their run-offs, then the election), candidates loaded:
    two queries."""
    candidates = BallotCandidate.objects.select_related("unit").order_by("order", "id")
    return list(
        Ballot.objects.filter(year=year, status=BallotStatus.PUBLISHED)
        .select_related("award_kind", "year")
        .prefetch_related(Prefetch("candidates", queryset=candidates))
        .order_by("kind", "award_kind__order", "round", "id")
    )


def published_ranking(year: EmulationYear) -> list[RankRow]:
    """The ranking once the leader has published it; nothing before."""
    return ranking_for_year(year) if ranking_is_published(year) else []
