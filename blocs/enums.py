"""Choices of the blocs app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """Where an emulation year stands in its annual cycle."""

    LAUNCH = "launch", _("Launch and covenant")
    IN_PROGRESS = "in_progress", _("In progress")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    REVIEW = "review", _("Review")
    COMMENTS = "comments", _("Comment round")
    CONFERENCE = "conference", _("Conference")
    PROPOSAL = "proposal", _("Proposal to the province")
    CLOSED = "closed", _("Closed")


class DeadlineKind(models.TextChoices):
    YEAR_REPORT = "year_report", _("Year-end report")
    SUMMARY_REPORT = "summary_report", _("Summary report")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    COMPILE = "compile", _("Compile results")
    COMMENT_ROUND = "comment_round", _("Comment round")
    CONFERENCE = "conference", _("Conference")
    AWARD_DOSSIER = "award_dossier", _("Proposal dossier")
    LAUNCH_PLAN = "launch_plan", _("Launch plan")
    COVENANT = "covenant", _("Covenant registration")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    """Who a deadline applies to."""

    MEMBERS = "members", _("All member units")
    LEADER = "leader", _("The leader unit")
    NEXT_LEADER = "next_leader", _("Next year's leader unit")
    UNIT = "unit", _("One unit")


class LeaderSource(models.TextChoices):
    ROTATION = "rotation", _("Rotation")
    ELECTION = "election", _("Conference election")
    OVERRIDE = "override", _("Board decision")
    SETUP = "setup", _("Initial set-up")
