"""Reports and deadlines: what each unit sent for each deadline of the calendar (every version kept), the
leader's decisions, extensions, and the reminders sent. The tables kept their names from when this was part of the
conference app (db_table), so moving the code moved no data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blocs.models import Deadline, Unit
from core.models import TimeStampedModel

from .enums import SubmissionStatus


def submission_path(instance: "SubmissionVersion", filename: str) -> str:
    deadline = instance.submission.deadline
    year = deadline.year
    return f"submissions/{year.bloc_id}/{year.year}/{deadline.pk}/{instance.submission.unit_id}/{filename}"


class Submission(TimeStampedModel):
    """What one unit sent for one deadline of the calendar: its versions, and the leader's decision."""

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="submissions"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_note = models.TextField(_("note on return"), blank=True)

    class Meta:
        db_table = "conference_submission"
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [models.UniqueConstraint(fields=["deadline", "unit"], name="one_submission_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.deadline}"


class SubmissionVersion(models.Model):
    """One file sent for a deadline. A return never changes it: the unit sends a new version."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=submission_path)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    length_in_pages = models.DecimalField(_("length (A4 pages)"), max_digits=5, decimal_places=2, null=True, blank=True)
    content = models.JSONField(_("written in the browser"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    late_seconds = models.PositiveIntegerField(_("late by (seconds)"), default=0)

    class Meta:
        db_table = "conference_submissionversion"
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        ordering = ["submission", "-number"]
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="submission_version_once")]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"


class Extension(models.Model):
    """Gia hạn: a later due date for one unit on one deadline, with the reason."""

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("new due date"))
    reason = models.CharField(_("reason"), max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        db_table = "conference_extension"
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [models.UniqueConstraint(fields=["deadline", "unit"], name="one_extension_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.deadline}: {self.due_at:%d/%m/%Y}"


class ReminderSent(models.Model):
    """A reminder sent to a unit for a deadline at an offset (days before; negative: days after). The unique
    constraint is what makes a reminder go out exactly once, whatever beat, retries or workers do."""

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="reminders"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    offset_days = models.SmallIntegerField(_("days before the deadline"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.JSONField(_("recipients"), default=list)
    # The tick that wrote the row: after its INSERT … ON CONFLICT DO NOTHING a tick reads back the rows with its
    # own token, which are the reminders it must notify; a row another tick wrote first is not its to send.
    tick = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "conference_remindersent"
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "unit", "offset_days"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline} – {self.unit} ({self.offset_days:+d})"
