"""Choices of the conference app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan status", "Draft")
    ISSUED = "issued", pgettext_lazy("plan status", "Issued")


class Actor(models.TextChoices):
    """Who carries out a task of the plan (section III of the plan)."""

    LEADER = "leader", _("The leader unit")
    MEMBERS = "members", _("The member units")
    NEXT_LEADER = "next_leader", _("Next year's leader unit")


class AnswerStatus(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", pgettext_lazy("comment answer", "Accepted")
    DECLINED = "declined", pgettext_lazy("comment answer", "Declined")
