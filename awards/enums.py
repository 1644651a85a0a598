"""Choices of the awards app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Eligibility(models.TextChoices):
    """Which units an award kind proposes as candidates, from the published ranking."""

    TOP_RANKED = "top_ranked", _("The leading units of the top classification")
    NEXT_IN_TOP_CLASS = "next_in_top_class", _("The next-ranked units of the top classification")
    TOP_CLASS = "top_class", _("Every unit of the top classification")
    ANY_MEMBER = "any_member", _("Any member unit")


class BallotKind(models.TextChoices):
    AWARD = "award", _("Award nomination")
    ELECTION = "election", _("Election of next year's leader")


class BallotStatus(models.TextChoices):
    """draft → frozen → open → closed → tallied → published; never backwards."""

    DRAFT = "draft", _("Draft")
    FROZEN = "frozen", _("Frozen")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    TALLIED = "tallied", _("Counted")
    PUBLISHED = "published", _("Published")


class BallotMethod(models.TextChoices):
    ONLINE = "online", _("Online, each unit from its own login")
    PAPER = "paper", _("Paper ballots counted at the conference")


class CandidateRole(models.TextChoices):
    NONE = "", _("Candidate")
    LEADER = "leader", _("Leader unit")
    DEPUTY = "deputy", _("Deputy leader unit")


class Outcome(models.TextChoices):
    ELECTED = "elected", _("Elected")
    RUNOFF = "runoff", _("Tied: goes to a run-off")
    NOT_ELECTED = "not_elected", _("Not elected")
    BELOW_THRESHOLD = "below_threshold", _("Below the threshold")


class ProposalStatus(models.TextChoices):
    PREPARING = "preparing", _("Dossier in preparation")
    SUBMITTED = "submitted", _("Sent to the board")
    APPROVED = "approved", _("Approved by the province")
    REJECTED = "rejected", _("Not approved by the province")


class DossierPart(models.TextChoices):
    SUBMISSION = "submission", _("Submission (tờ trình)")
    ACHIEVEMENTS = "achievements", _("Report of achievements (báo cáo thành tích)")
    MINUTES = "minutes", _("Vote-count minutes with the results (biên bản bình xét)")
    OTHER = "other", _("Other documents")
