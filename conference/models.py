"""The year-end conference: its plan (Kế hoạch) with tasks and contributions, and the delegates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs.enums import DeadlineKind
from blocs.models import Deadline, EmulationYear, Unit
from core.documents.records import IssuedRecord
from core.models import TimeStampedModel
from reports.models import submission_path  # noqa: F401  (named by migration 0002; the model moved to reports)

from .enums import Actor, AnswerStatus, MeetingKind, PlanStatus, Presenter


class ConferencePlan(TimeStampedModel):
    """Kế hoạch tổ chức Hội nghị tổng kết: every part of the real 2020 plan. Issuing numbers and freezes a
    version; a later change makes a new draft version that supersedes it."""

    year = models.ForeignKey(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.PROTECT, related_name="plans"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    edit_version = models.PositiveIntegerField(default=1)
    # Số, ký hiệu: the number in the bloc's register of plans (KH) for the calendar year of issue.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100)
    issued_on = models.DateField(_("date of the document"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    title_suffix = models.CharField(_("second line of the title"), max_length=300, blank=True)
    legal_bases = models.JSONField(_("legal bases"), default=list, blank=True)
    preamble_closing = models.TextField(_("end of the preamble"), blank=True)
    purpose = models.TextField(_("purpose"))
    requirements = models.TextField(_("requirements"))
    agenda = models.JSONField(_("agenda items"), default=list, blank=True)
    invited = models.JSONField(_("invited delegates"), default=list, blank=True)  # [{"name": …, "count": n}]
    summoned_text = models.TextField(_("summoned delegates"), blank=True)
    summoned_per_unit = models.PositiveSmallIntegerField(_("summoned delegates per member unit"), default=2)
    conference_date = models.DateField(_("conference date"))
    start_time = models.TimeField(_("start time"))
    duration = models.CharField(_("duration"), max_length=100, default="½ ngày")
    venue = models.CharField(_("venue"), max_length=300)
    funding = models.TextField(_("funding"), blank=True)
    closing = models.TextField(_("closing paragraph"), blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)  # [{"name": …, "purpose": …}]
    signer_authority = models.CharField(_("authority line"), max_length=200)
    signer_body = models.CharField(_("signing body"), max_length=200, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=200)
    signer_name = models.CharField(_("signer's name"), max_length=200)

    class Meta:
        verbose_name = _("conference plan")
        verbose_name_plural = _("conference plans")
        ordering = ["year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="plan_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} – v{self.version}"

    @property
    def is_issued(self) -> bool:
        return self.status == PlanStatus.ISSUED

    @property
    def number_text(self) -> str:
        number = f"{self.number:02d}" if self.number else "…"
        return f"{number}/KH-{self.year.bloc.code}"


class PlanTask(models.Model):
    """A task of section III, with its due date or window, written into the year's calendar."""

    plan = models.ForeignKey(ConferencePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks")
    actor = models.CharField(_("who"), max_length=20, choices=Actor.choices)
    text = models.TextField(_("task"))
    kind = models.CharField(_("calendar kind"), max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.OTHER)
    opens_on = models.DateField(_("from"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    follow_up = models.BooleanField(
        _("after the conference"), default=False, help_text=_("A follow-up task may fall after the conference.")
    )
    in_calendar = models.BooleanField(_("write into the calendar"), default=True)
    note = models.CharField(
        _("note in the text"),
        max_length=200,
        blank=True,
        help_text=_("Shown in brackets after the task, e.g. “xong trước ngày 25/10/2020”."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    deadline = models.OneToOneField(Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["plan", "actor", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(due_on__isnull=True) | Q(opens_on__lte=models.F("due_on")),
                name="task_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class PlanContribution(models.Model):
    """A member unit's share of the conference's funding, or its waiver with the reason."""

    plan = models.ForeignKey(ConferencePlan, on_delete=models.CASCADE, related_name="contributions")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0, default=0)
    waived = models.BooleanField(_("waived"), default=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="one_contribution_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.amount}"


class Delegate(TimeStampedModel):
    """A person a member unit sends to the conference."""

    year = models.ForeignKey(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="delegates"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=200)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["year", "unit__name", "id"]

    def __str__(self) -> str:
        return self.full_name


def draft_path(instance: "DraftReport", filename: str) -> str:
    return f"drafts/{instance.year.bloc_id}/{instance.year.year}/{filename}"


class DraftReport(TimeStampedModel):
    """The leader's draft of the bloc's summary report, published for the comment round."""

    year = models.ForeignKey(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.PROTECT, related_name="draft_reports"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    file = models.FileField(_("file"), upload_to=draft_path)
    original_name = models.CharField(_("file name"), max_length=255)
    sections = models.JSONField(
        _("sections"),
        default=list,
        blank=True,
        help_text=_("The report's section titles, so that comments can name one."),
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("draft report")
        verbose_name_plural = _("draft reports")
        ordering = ["year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="draft_version_once")]

    def __str__(self) -> str:
        return f"{self.year} – v{self.version}"


class Comment(TimeStampedModel):
    """Ý kiến góp ý of a member unit on the draft report (a section or in general), and the leader's answer."""

    draft = models.ForeignKey(
        DraftReport, verbose_name=_("draft report"), on_delete=models.CASCADE, related_name="comments"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    section = models.CharField(_("section"), max_length=300, blank=True)
    text = models.TextField(_("comment"))
    answer_status = models.CharField(
        _("answer"), max_length=10, choices=AnswerStatus.choices, default=AnswerStatus.PENDING
    )
    answer = models.TextField(_("answer text"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["draft", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ConferenceMinutes(IssuedRecord):
    """Biên bản Hội nghị tổng kết: what the year-end conference did, written by the leader unit. The results of
    the published ballots and the published ranking are read from their own records when the document is built.
    Issuing numbers it in the bloc's register (BB) and freezes it; a correction reopens it as the next revision."""

    doc_type = "BB"

    year = models.OneToOneField(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.PROTECT, related_name="conference_minutes"
    )
    held_at = models.DateTimeField(_("held at"))
    ended_at = models.TimeField(_("ended at"), null=True, blank=True)
    place = models.CharField(_("venue"), max_length=300)
    chair_name = models.CharField(_("chair's name"), max_length=200, blank=True)
    chair_position = models.CharField(_("chair's position"), max_length=300, blank=True)
    secretary_name = models.CharField(_("secretary's name"), max_length=200, blank=True)
    secretary_position = models.CharField(_("secretary's position"), max_length=300, blank=True)
    guests = models.TextField(_("invited guests present"), blank=True)
    members_present = models.TextField(_("delegates of the member units present"), blank=True)
    proceedings = models.TextField(_("proceedings"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta:
        verbose_name = _("conference minutes")
        verbose_name_plural = _("conference minutes")

    def __str__(self) -> str:
        return f"{self.year} – {self.number_text}"

    def register_code(self) -> str:
        return self.year.bloc.code


class SummaryReport(IssuedRecord):
    """Báo cáo tổng kết công tác thi đua, khen thưởng năm N của Khối: the narrative the leader unit writes, around
    the sections compiled from the records (members, reports on time, ranking, ballots and proposals, next year's
    leaders) each time it is rendered. Draft → sent for comments (a PDF published as a DraftReport of the comment
    round) → issued (numbered in the bloc's register, BC, and frozen); a correction reopens it as a new revision."""

    doc_type = "BC"

    year = models.OneToOneField(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.PROTECT, related_name="summary_report"
    )
    place = models.CharField(_("place"), max_length=100)
    dated = models.DateField(_("date of the document"))
    introduction = models.TextField(_("introduction"), blank=True)
    results = models.TextField(_("results"), blank=True)
    limitations = models.TextField(_("limitations and their causes"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    directions = models.TextField(_("directions and tasks for next year"), blank=True)
    recipients = models.TextField(_("recipients"), blank=True)  # one a line, as printed after the dash
    signer_authority = models.CharField(_("authority line"), max_length=200)
    signer_body = models.CharField(_("second line"), max_length=200, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    # Sending for comments renders the PDF in the worker; these say where that stands.
    send_requested_at = models.DateTimeField(_("sending requested at"), null=True, blank=True)
    send_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    send_error = models.TextField(_("sending error"), blank=True)
    sent_at = models.DateTimeField(_("sent for comments at"), null=True, blank=True)
    sent_version = models.PositiveIntegerField(null=True, blank=True)  # the editor's version last sent
    last_draft = models.ForeignKey(
        DraftReport,
        verbose_name=_("draft sent for comments"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("summary report")
        verbose_name_plural = _("summary reports")

    def __str__(self) -> str:
        return f"{self.year} – {self.number_text}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def is_sending(self) -> bool:
        return self.send_requested_at is not None

    @property
    def changed_since_sent(self) -> bool:
        return self.sent_version is not None and self.version > self.sent_version

    def register_code(self) -> str:
        return self.year.bloc.code


# --- the bloc's other meetings: mid-year review, thematic and extraordinary meetings --------------------------


class Meeting(TimeStampedModel):
    """A meeting of the bloc's year other than the year-end conference: the mid-year review (sơ kết 6 tháng), a
    thematic or an extraordinary meeting. Its presenter's unit (the leader or the deputy) writes the draft report
    and answers the comments on it; its own calendar entry is an event to attend, not a file to send."""

    year = models.ForeignKey(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices)
    subject = models.CharField(
        _("subject"),
        max_length=300,
        blank=True,
        help_text=_("What the meeting is about; required for a thematic or an extraordinary meeting."),
    )
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("venue"), max_length=300)
    chair_name = models.CharField(_("chair's name"), max_length=200, blank=True)
    chair_position = models.CharField(_("chair's position"), max_length=300, blank=True)
    presenter = models.CharField(_("presenter"), max_length=10, choices=Presenter.choices, default=Presenter.LEADER)
    # [{"name": "Nguyễn Văn A", "position": "Phó Trưởng ban", "body": "Ban Thi đua - Khen thưởng tỉnh"}]
    guests = models.JSONField(_("invited guests"), default=list, blank=True)
    comments_open_at = models.DateTimeField(_("comments from"), null=True, blank=True)
    comments_close_at = models.DateTimeField(_("comments until"), null=True, blank=True)
    deadline = models.OneToOneField(Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["year", "held_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(comments_open_at__isnull=True)
                | Q(comments_close_at__isnull=True)
                | Q(comments_open_at__lt=models.F("comments_close_at")),
                name="meeting_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} – {self.get_kind_display()} {self.held_at:%d/%m/%Y}"


def meeting_draft_path(instance: "MeetingDraft", filename: str) -> str:
    year = instance.meeting.year
    return f"meetings/{year.bloc_id}/{year.year}/{instance.meeting_id}/{filename}"


class MeetingDraft(TimeStampedModel):
    """A version of a meeting's draft report, published by its presenter's unit for comments."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="drafts")
    version = models.PositiveIntegerField(_("version"), default=1)
    file = models.FileField(_("file"), upload_to=meeting_draft_path)
    original_name = models.CharField(_("file name"), max_length=255)
    sections = models.JSONField(_("sections"), default=list, blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("meeting draft report")
        verbose_name_plural = _("meeting draft reports")
        ordering = ["meeting", "-version"]
        constraints = [models.UniqueConstraint(fields=["meeting", "version"], name="meeting_draft_version_once")]

    def __str__(self) -> str:
        return f"{self.meeting} – v{self.version}"


class MeetingComment(TimeStampedModel):
    """A member unit's comment on a meeting's draft (a section or in general), and the presenter's answer."""

    draft = models.ForeignKey(
        MeetingDraft, verbose_name=_("draft report"), on_delete=models.CASCADE, related_name="comments"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    section = models.CharField(_("section"), max_length=300, blank=True)
    text = models.TextField(_("comment"))
    answer_status = models.CharField(
        _("answer"), max_length=10, choices=AnswerStatus.choices, default=AnswerStatus.PENDING
    )
    answer = models.TextField(_("answer text"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting comment")
        verbose_name_plural = _("meeting comments")
        ordering = ["draft", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class MeetingMinutes(IssuedRecord):
    """Biên bản of a meeting (sơ kết 6 tháng, chuyên đề…), titled by its kind, numbered in the bloc's register
    (BB) like the conference's minutes, frozen once issued, corrected as the next revision."""

    doc_type = "BB"

    meeting = models.OneToOneField(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="minutes")
    held_at = models.DateTimeField(_("held at"))
    ended_at = models.TimeField(_("ended at"), null=True, blank=True)
    place = models.CharField(_("venue"), max_length=300)
    chair_name = models.CharField(_("chair's name"), max_length=200, blank=True)
    chair_position = models.CharField(_("chair's position"), max_length=300, blank=True)
    secretary_name = models.CharField(_("secretary's name"), max_length=200, blank=True)
    secretary_position = models.CharField(_("secretary's position"), max_length=300, blank=True)
    guests = models.TextField(_("invited guests present"), blank=True)
    members_present = models.TextField(_("delegates of the member units present"), blank=True)
    proceedings = models.TextField(_("proceedings"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta:
        verbose_name = _("meeting minutes")
        verbose_name_plural = _("meeting minutes")

    def __str__(self) -> str:
        return f"{self.meeting} – {self.number_text}"

    def register_code(self) -> str:
        return self.meeting.year.bloc.code


class MeetingPlan(IssuedRecord):
    """Kế hoạch tổ chức of a meeting (optional): purpose, agenda, participants, time and place, and who prepares
    what; numbered in the bloc's register of plans (KH) like the conference plan, frozen once issued, corrected as
    the next revision."""

    doc_type = "KH"

    meeting = models.OneToOneField(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="plan")
    place = models.CharField(_("place"), max_length=100)
    dated = models.DateField(_("date of the document"))
    purpose = models.TextField(_("purpose"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)  # one item a line
    participants = models.TextField(_("participants"), blank=True)  # one group or person a line
    preparations = models.TextField(_("who prepares what"), blank=True)  # one task a line
    recipients = models.TextField(_("recipients"), blank=True)  # one a line
    signer_authority = models.CharField(_("authority line"), max_length=200, blank=True)
    signer_body = models.CharField(_("signing body"), max_length=200, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("meeting plan")
        verbose_name_plural = _("meeting plans")

    def __str__(self) -> str:
        return f"{self.meeting} – {self.number_text}"

    def register_code(self) -> str:
        return self.meeting.year.bloc.code
