"""Choices of the scoring app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    BONUS = "bonus", _("Bonus points")
    DEDUCTION = "deduction", _("Deduction")


class SheetStatus(models.TextChoices):
    """Where one unit's self-assessment sheet stands. "Not started" has no row; "late" is a submitted
    sheet marked late: their words and badges are scoring.wording's."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    REVIEWED = "reviewed", _("Reviewed")
    FINAL = "final", _("Final")


class ScoreField(models.TextChoices):
    SELF = "self", _("Self points")
    REVIEWED = "reviewed", _("Reviewed points")
