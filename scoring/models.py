"""Criteria tables, self-assessment sheets with evidence, review, versions and the history of scores."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs.models import EmulationYear, Unit
from core.models import TimeStampedModel
from core.validators import UploadValidator

from . import wording
from .enums import CriterionKind, ScoreField, SheetStatus

POINTS = {"max_digits": 7, "decimal_places": 2}
EVIDENCE_KINDS = ("pdf", "docx", "xlsx", "jpeg", "png")


class CriteriaTable(TimeStampedModel):
    """Bảng tiêu chí chấm điểm of one emulation year, and the publication of its ranking."""

    year = models.OneToOneField(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="criteria_table"
    )
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ranking_published_at = models.DateTimeField(_("ranking published at"), null=True, blank=True)
    ranking_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("criteria table")
        verbose_name_plural = _("criteria tables")

    def __str__(self) -> str:
        return f"{self.year}"

    @property
    def is_published(self) -> bool:
        return self.ranking_published_at is not None


class Criterion(models.Model):
    """A node of the criteria tree: a group (no parent), a criterion, or a sub-criterion. Leaves are scored."""

    table = models.ForeignKey(
        CriteriaTable, verbose_name=_("criteria table"), on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # The top-level group of this node (itself for a group): lets the ranking sum a group in one pass.
    group = models.ForeignKey(
        "self", verbose_name=_("group"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=500)
    guidance = models.TextField(_("guidance"), blank=True)
    max_points = models.DecimalField(_("maximum points"), validators=[MinValueValidator(Decimal("0"))], **POINTS)
    kind = models.CharField(_("kind"), max_length=20, choices=CriterionKind.choices, default=CriterionKind.STANDARD)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_leaf = models.BooleanField(_("scored"), default=True, editable=False)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["table", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="criterion_code_unique_in_table"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criterion_max_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def depth(self) -> int:
        return self.code.count(".")


def reviewer_unit_id(year: EmulationYear, unit_id: int) -> int | None:
    """Whose unit reviews a unit's sheet: no unit reviews its own, so the deputy reviews the leader's and the leader
    every other one (None: the leader's sheet in a year without a deputy). The one place this rule is written."""
    return year.deputy_id if unit_id == year.leader_id else year.leader_id


class Sheet(TimeStampedModel):
    """Bảng tự chấm điểm: one unit's sheet for one year (drafted, submitted, reviewed, finalized)."""

    year = models.ForeignKey(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.PROTECT, related_name="sheets"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="sheets")
    status = models.CharField(_("status"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    is_late = models.BooleanField(_("submitted late"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    return_note = models.TextField(_("note on return"), blank=True)
    # Optimistic locking: every save bumps it; a save from a stale form is refused.
    version = models.PositiveIntegerField(_("edit version"), default=1)

    class Meta:
        verbose_name = _("self-assessment sheet")
        verbose_name_plural = _("self-assessment sheets")
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="one_sheet_per_unit_year")]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year.year}"

    @property
    def is_editable_by_unit(self) -> bool:
        return self.status in (SheetStatus.DRAFT, SheetStatus.RETURNED)

    @property
    def is_sent(self) -> bool:
        """Sent for review at least once: before that the sheet is the unit's own draft, which no one else reads."""
        return self.submitted_at is not None

    @property
    def reviewed_by_deputy(self) -> bool:
        return reviewer_unit_id(self.year, self.unit_id) != self.year.leader_id

    @property
    def reviewer_unit(self) -> Unit | None:
        """The unit that reviews this sheet (reviewer_unit_id), from the year's loaded leader and deputy."""
        return self.year.deputy if self.reviewed_by_deputy else self.year.leader

    @property
    def badges(self) -> list["wording.Badge"]:
        """Its status as badges (scoring/_status.html): the words and colours of scoring.wording."""
        return wording.sheet_badges(self)


class Score(models.Model):
    """The points of one criterion on one sheet: the unit's own, and the reviewer's where they differ."""

    sheet = models.ForeignKey(Sheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    self_points = models.DecimalField(_("self points"), null=True, blank=True, **POINTS)
    explanation = models.TextField(_("explanation"), blank=True)
    reviewed_points = models.DecimalField(_("reviewed points"), null=True, blank=True, **POINTS)
    review_reason = models.TextField(_("reason of the review"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=Q(self_points__isnull=True) | Q(self_points__gte=0), name="self_points_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_points__isnull=True) | Q(reviewed_points__gte=0),
                name="reviewed_points_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} {self.criterion.code}"

    @property
    def final_points(self) -> Decimal | None:
        return self.reviewed_points if self.reviewed_points is not None else self.self_points


def evidence_path(instance: "Evidence", filename: str) -> str:
    year = instance.score.sheet.year
    return f"scoring/{year.bloc_id}/{year.year}/{instance.score.sheet.unit_id}/{filename}"


class Evidence(models.Model):
    """Tài liệu minh chứng: a file behind a score, kept in private storage."""

    score = models.ForeignKey(Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, validators=[UploadValidator(EVIDENCE_KINDS)])
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SheetVersion(models.Model):
    """A submitted version of a sheet, frozen as it was sent: never edited afterwards."""

    sheet = models.ForeignKey(Sheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_late = models.BooleanField(_("late"), default=False)
    self_total = models.DecimalField(_("self total"), **POINTS)
    snapshot = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["sheet", "-number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "number"], name="version_number_once")]

    def __str__(self) -> str:
        return f"{self.sheet} v{self.number}"


class ScoreChange(models.Model):
    """The history of a score: who changed which points, when, from what to what, and why."""

    score = models.ForeignKey(Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("field"), max_length=20, choices=ScoreField.choices)
    old_value = models.DecimalField(_("old value"), null=True, blank=True, **POINTS)
    new_value = models.DecimalField(_("new value"), null=True, blank=True, **POINTS)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("score change")
        verbose_name_plural = _("history of scores")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.score}: {self.old_value} → {self.new_value}"
