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


class MeetingKind(models.TextChoices):
    """The bloc's meetings other than the year-end conference (which keeps its own plan, draft and minutes)."""

    MID_YEAR = "mid_year", _("Mid-year review")
    THEMATIC = "thematic", _("Thematic meeting")
    EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")


class Presenter(models.TextChoices):
    """Which unit writes and presents a meeting's draft report (and answers its comments)."""

    LEADER = "leader", _("The leader unit")
    DEPUTY = "deputy", _("The deputy leader unit")
