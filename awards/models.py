"""Award kinds and quotas of a year, secret ballots (award nominations and the leader election), the
proposals they produce with their dossiers, and the province's decisions.

Secrecy: `BallotVoter` records WHO voted (the turnout register) and `BallotPaper`/`BallotChoice` record
WHAT was chosen. The two share only the ballot: no key, no timestamp and no sequence links a paper to a
voter (papers have random UUID keys and no time, and every cast writes all the ballot's papers again in a fresh
random order, so neither their keys nor their place in the table follow the order of the register's `voted_at`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from blocs.models import EmulationYear, Unit
from core.documents.records import IssuedRecord
from core.i18n import later
from core.models import TimeStampedModel
from core.validators import UploadValidator

from .enums import (
    BallotKind,
    BallotMethod,
    BallotStatus,
    CandidateRole,
    DossierPart,
    Eligibility,
    Outcome,
    ProposalStatus,
)


class AwardKind(models.Model):
    """A form of commendation the bloc proposes units for this year, with its quota and eligibility."""

    year = models.ForeignKey(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="award_kinds"
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    quota = models.PositiveSmallIntegerField(_("quota"), help_text=_("How many units the bloc may propose."))
    eligibility = models.CharField(_("eligible units"), max_length=30, choices=Eligibility.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("award kind")
        verbose_name_plural = _("award kinds")
        ordering = ["year", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="award_kind_code_once_per_year")]

    def __str__(self) -> str:
        return self.name


class Ballot(TimeStampedModel):
    """One secret ballot: an award nomination (bình xét, suy tôn) or the election of next year's leaders.

    The rules in force (quota, threshold, denominator, quorum, self-vote) are copied from the settings when
    the ballot is frozen, so a later change of settings never changes a ballot already under way."""

    year = models.ForeignKey(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.PROTECT, related_name="ballots"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BallotKind.choices)
    award_kind = models.ForeignKey(
        AwardKind, verbose_name=_("award kind"), on_delete=models.PROTECT, null=True, blank=True, related_name="ballots"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    parent = models.ForeignKey(
        "self", verbose_name=_("run-off of"), on_delete=models.PROTECT, null=True, blank=True, related_name="runoffs"
    )
    status = models.CharField(_("status"), max_length=20, choices=BallotStatus.choices, default=BallotStatus.DRAFT)
    method = models.CharField(
        _("voting method"), max_length=20, choices=BallotMethod.choices, default=BallotMethod.ONLINE
    )
    quota = models.PositiveSmallIntegerField(_("units each ballot may approve"))
    threshold_percent = models.DecimalField(_("threshold (%)"), max_digits=5, decimal_places=2)
    threshold_strict = models.BooleanField(_("strictly more than the threshold"), default=True)
    denominator = models.CharField(_("votes counted against"), max_length=20, default="members")
    quorum_percent = models.DecimalField(_("quorum (%)"), max_digits=5, decimal_places=2)
    allow_self_vote = models.BooleanField(_("a unit may vote for itself"), default=False)
    member_count = models.PositiveSmallIntegerField(_("member units"), null=True, blank=True)
    present_count = models.PositiveSmallIntegerField(_("units present"), null=True, blank=True)
    paper_issued = models.PositiveSmallIntegerField(_("ballot papers issued"), null=True, blank=True)
    paper_returned = models.PositiveSmallIntegerField(_("ballot papers returned"), null=True, blank=True)
    paper_invalid = models.PositiveSmallIntegerField(_("invalid ballot papers"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    tallied_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    runoff_seats = models.PositiveSmallIntegerField(_("seats left for a run-off"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["year", "kind", "award_kind__order", "round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "award_kind", "round"],
                condition=Q(award_kind__isnull=False),
                name="one_award_ballot_per_round",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "round"],
                condition=Q(award_kind__isnull=True),
                name="one_election_ballot_per_round",
            ),
            models.CheckConstraint(
                condition=(Q(kind=BallotKind.AWARD) & Q(award_kind__isnull=False))
                | (Q(kind=BallotKind.ELECTION) & Q(award_kind__isnull=True)),
                name="award_ballot_has_award_kind",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self):
        """Said in the reader's language (a lazy string), from what the ballot is about."""
        year = self.year.year
        if self.kind == BallotKind.ELECTION:
            return later(gettext_noop("Election of the leader and deputy leader units for %(year)s"), year=year + 1)
        if self.round > 1:
            return later(
                gettext_noop("Run-off (round %(round)s) for the %(kind)s, %(year)s"),
                round=self.round,
                kind=self.award_kind.name,
                year=year,
            )
        return later(gettext_noop("Ballot for the %(kind)s, %(year)s"), kind=self.award_kind.name, year=year)

    @property
    def is_paper(self) -> bool:
        return self.method == BallotMethod.PAPER

    @property
    def results_visible(self) -> bool:
        """Counts exist only from the tally on; before that nobody sees them."""
        return self.status in (BallotStatus.TALLIED, BallotStatus.PUBLISHED)


class BallotCandidate(models.Model):
    """A unit on the ballot, with its rank and score when the ballot was frozen and, once counted, its
    votes and outcome."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="candidates")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=CandidateRole.choices, blank=True, default="")
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    total = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    classification = models.CharField(_("classification"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    paper_votes = models.PositiveSmallIntegerField(_("approvals on paper"), null=True, blank=True)
    votes = models.PositiveSmallIntegerField(_("approvals"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["ballot", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "unit"], name="candidate_once_per_ballot")]

    def __str__(self) -> str:
        return str(self.unit)


class BallotVoter(models.Model):
    """The turnout register: a unit entitled to vote, whether it was present and whether it has voted.
    One row per unit per ballot, enforced by the database; it never says what the unit chose."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="voters")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=True)
    voted_at = models.DateTimeField(_("voted at"), null=True, blank=True)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cast by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        ordering = ["ballot", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["ballot", "unit"], name="one_vote_per_unit_per_ballot")]

    def __str__(self) -> str:
        return str(self.unit)


class BallotPaper(models.Model):
    """One anonymous ballot paper: no voter, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="papers")

    class Meta:
        verbose_name = _("ballot paper")
        verbose_name_plural = _("ballot papers")

    def __str__(self) -> str:
        return str(self.pk)


class BallotChoice(models.Model):
    """One approval written on an anonymous paper."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    paper = models.ForeignKey(BallotPaper, on_delete=models.CASCADE, related_name="choices")
    candidate = models.ForeignKey(BallotCandidate, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(fields=["paper", "candidate"], name="one_approval_per_candidate_per_paper")
        ]

    def __str__(self) -> str:
        return str(self.pk)


def decision_file_path(instance: "AwardDecision", filename: str) -> str:
    return f"awards/decisions/{instance.province_id}/{instance.year}/{uuid.uuid4().hex}/{filename}"


class AwardDecision(TimeStampedModel):
    """A decision of the province (Quyết định khen thưởng) recorded once, with its number, date, signer and file,
    for every proposal it decides (`Proposal.decision`); each proposal keeps its own copy of the number and date
    and its outcome, which the pages read."""

    province = models.ForeignKey(
        "blocs.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="award_decisions"
    )
    year = models.PositiveSmallIntegerField(_("emulation year"))
    number = models.CharField(_("decision number"), max_length=50)
    date = models.DateField(_("decision date"))
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=150, blank=True)
    file = models.FileField(
        _("decision file"),
        upload_to=decision_file_path,
        max_length=300,
        blank=True,
        validators=[UploadValidator(("pdf",))],
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision of the province")
        verbose_name_plural = _("decisions of the province")
        ordering = ["province", "-date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "number", "date"], name="award_decision_once_per_number_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"


class Proposal(TimeStampedModel):
    """The bloc's proposal of a unit for an award, from a published ballot, and the province's decision."""

    award_kind = models.ForeignKey(
        AwardKind, verbose_name=_("award kind"), on_delete=models.PROTECT, related_name="proposals"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="award_proposals")
    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.PROTECT, related_name="proposals")
    votes = models.PositiveSmallIntegerField(_("approvals"))
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PREPARING
    )
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    decided_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The decision recorded once for many proposals (the board's bulk form or import); the number and date above
    # are its copy. Empty for a decision recorded one proposal at a time, or a refusal without a decision.
    decision = models.ForeignKey(
        AwardDecision,
        verbose_name=_("decision of the province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["award_kind__year", "award_kind__order", "-votes", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["award_kind", "unit"], name="one_proposal_per_unit_and_kind")]

    def __str__(self) -> str:
        return f"{self.award_kind} – {self.unit}"

    @property
    def year(self) -> EmulationYear:
        return self.award_kind.year


def dossier_path(instance: "DossierFile", filename: str) -> str:
    proposal = instance.proposal
    return f"awards/{proposal.award_kind.year_id}/{proposal.pk}/{instance.part}/{uuid.uuid4().hex}/{filename}"


class DossierFile(models.Model):
    """A file uploaded into a proposal's dossier. Every upload is kept; the latest of a part counts."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="files")
    part = models.CharField(_("part of the dossier"), max_length=20, choices=DossierPart.choices)
    file = models.FileField(
        _("file"), upload_to=dossier_path, max_length=300, validators=[UploadValidator(("pdf", "docx"))]
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier file")
        verbose_name_plural = _("dossier files")
        ordering = ["proposal", "part", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class AwardYearSettings(TimeStampedModel):
    """What the bloc's award documents of one year say besides the ballots: the legal bases (căn cứ) its
    submissions cite. Empty: the law in force on each letter's date (settings.AWARDS_LEGAL_BASES)."""

    year = models.OneToOneField(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="award_settings"
    )
    legal_bases = models.JSONField(_("legal bases"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("award settings of a year")
        verbose_name_plural = _("award settings of the years")

    def __str__(self) -> str:
        return str(self.year)


# --- the official documents the bloc issues about the awards (core/documents/lifecycle.py) ----------------------


class VoteCountMinutes(IssuedRecord):
    """Biên bản kiểm phiếu of a year: it reads the year's published ballots (those published before it was issued,
    once issued); issuing numbers it in the bloc's register of minutes (BB) and freezes it; a correction (a run-off
    published later, say) reopens it as its next revision under the same number."""

    doc_type = "BB"

    year = models.OneToOneField(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="vote_count_minutes"
    )
    # Set when issued (the issue form's date); before that the minutes are dated the conference's day.
    dated = models.DateField(_("date of the document"), null=True, blank=True)
    # The vote-counting committee and the minutes' secretary, as the conference chose them, in the order printed:
    # [{"name": "Nguyễn Thị Thu Hà", "unit": "Thanh tra tỉnh Tuyên Quang", "role": "chair"}], role one of
    # COUNTING_ROLES (one chair, who signs as TRƯỞNG BAN KIỂM PHIẾU, one secretary, who signs as THƯ KÝ, any members).
    # One list for the whole year's minutes: the conference elects one committee that counts all its ballots.
    # Empty on a draft: the defaults (awards.documents.default_counting_people); on minutes issued before it
    # existed: blanks to write in by hand.
    counting_people = models.JSONField(_("vote-counting committee and secretary"), default=list, blank=True)

    class Meta:
        verbose_name = _("vote-count minutes")
        verbose_name_plural = _("vote-count minutes")

    def __str__(self) -> str:
        return f"{self.year} – {self.number_text}"

    def register_code(self) -> str:
        return self.year.bloc.code


class SubmissionLetter(IssuedRecord):
    """Tờ trình: the bloc asks the province to grant one proposal's award. Issuing numbers it in the bloc's
    register of submissions (TTr) and freezes it; a correction reopens it as its next revision."""

    doc_type = "TTr"

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="submission_letter"
    )
    # Both set when issued: the issue form's date (before that, the day the ballot was published), and the legal
    # bases in force then, so that the issued letter keeps citing them whatever its year's settings say later.
    dated = models.DateField(_("date of the document"), null=True, blank=True)
    legal_bases = models.JSONField(_("legal bases"), default=list, blank=True)
    # Who signs for the bloc, set when issued from the year's records (awards.documents.letter_signer: the chair of
    # the year's conference minutes, else its plan's signer), so the issued letter keeps naming them.
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("submission letter")
        verbose_name_plural = _("submission letters")

    def __str__(self) -> str:
        return f"{self.proposal} – {self.number_text}"

    def register_code(self) -> str:
        return self.proposal.award_kind.year.bloc.code
