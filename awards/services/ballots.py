"""Award kinds and creating ballots: candidates from the published ranking (or the rotation, for the
election), the voting method, and the helpers every step of the lifecycle shares."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from blocs.models import EmulationYear, Unit
from blocs.selectors import members_in_year, next_leaders_from_rotation
from core.audit import audit
from core.collation import vi_sort_key
from core.permissions import ensure_can
from scoring.selectors import ranking_for_year

from ..enums import (
    BallotKind,
    BallotMethod,
    BallotStatus,
    CandidateRole,
    Eligibility,
)
from ..models import AwardKind, Ballot, BallotCandidate
from ..selectors import eligible_rows, ranking_is_published

DEFAULT_KINDS = (
    # code, name, quota setting, eligibility
    ("flag", "Cờ thi đua của UBND tỉnh", "flag_quota", Eligibility.TOP_RANKED),
    ("merit", "Bằng khen của Chủ tịch UBND tỉnh", "merit_quota", Eligibility.NEXT_IN_TOP_CLASS),
)


# --- award kinds ----------------------------------------------------------------------------------------


def award_kinds_ensure(*, year: EmulationYear) -> list[AwardKind]:
    """The year's award kinds, creating the Flag and the Certificate of Merit from the settings the first time."""
    kinds = list(year.award_kinds.all())
    if kinds:
        return kinds
    with transaction.atomic():
        for order, (code, name, quota_key, eligibility) in enumerate(DEFAULT_KINDS, start=1):
            AwardKind.objects.get_or_create(
                year=year,
                code=code,
                defaults={
                    "name": name,
                    "quota": int(year.setting(quota_key)),
                    "eligibility": eligibility,
                    "order": order,
                },
            )
    return list(year.award_kinds.all())


@transaction.atomic
def award_kind_save(*, kind: AwardKind, by) -> AwardKind:
    """Add or change an award kind while none of its ballots is frozen."""
    ensure_can(by, "awards.ballot.manage", kind.year)
    if kind.pk and kind.ballots.exclude(status=BallotStatus.DRAFT).exists():
        raise ValidationError(_("A ballot for this award is already under way: its quota and rules are fixed."))
    if not kind.pk:
        kind.order = (kind.year.award_kinds.aggregate(m=Max("order"))["m"] or 0) + 1
    kind.full_clean()
    kind.save()
    audit(by, "awards.kind.saved", kind, quota=kind.quota, eligibility=kind.eligibility)
    return kind


# --- creating ballots -------------------------------------------------------------------------------------


def _rules_from_settings(ballot: Ballot) -> None:
    year = ballot.year
    ballot.threshold_percent = Decimal(str(year.setting("vote_threshold_percent")))
    ballot.threshold_strict = bool(year.setting("vote_threshold_strict"))
    ballot.denominator = year.setting("vote_denominator")
    ballot.quorum_percent = Decimal(str(year.setting("quorum_percent")))
    ballot.allow_self_vote = bool(year.setting("allow_self_vote"))


def _ensure_open_year(year: EmulationYear) -> None:
    if year.is_closed:
        raise ValidationError(_("The year %(year)s is closed: nothing in it can change.") % {"year": year.year})


@transaction.atomic
def ballot_create_award(*, award_kind: AwardKind, by, method: str = BallotMethod.ONLINE) -> Ballot:
    """A draft ballot for an award, its candidates the eligible units of the published ranking."""
    year = award_kind.year
    ensure_can(by, "awards.ballot.manage", year)
    _ensure_open_year(year)
    if not ranking_is_published(year):
        raise ValidationError(_("Publish the ranking first: the candidates come from it."))
    if Ballot.objects.filter(award_kind=award_kind, round=1).exists():
        raise ValidationError(_("The ballot for “%(kind)s” already exists.") % {"kind": award_kind.name})
    if award_kind.quota < 1:
        raise ValidationError(
            _("The quota of “%(kind)s” is 0: there is nothing to vote on.") % {"kind": award_kind.name}
        )
    ranking = ranking_for_year(year)
    rows = eligible_rows(award_kind, ranking)
    if not rows:
        raise ValidationError(
            _("No unit is eligible for “%(kind)s” in the published ranking.") % {"kind": award_kind.name}
        )
    ballot = Ballot(
        year=year,
        kind=BallotKind.AWARD,
        award_kind=award_kind,
        round=1,
        method=method,
        quota=award_kind.quota,
    )
    _rules_from_settings(ballot)
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError as exc:
        raise ValidationError(_("The ballot for “%(kind)s” already exists.") % {"kind": award_kind.name}) from exc
    BallotCandidate.objects.bulk_create(
        BallotCandidate(
            ballot=ballot, unit=r.unit, rank=r.rank, total=r.reviewed_total, classification=r.classification, order=i
        )
        for i, r in enumerate(rows, start=1)
    )
    audit(by, "awards.ballot.created", ballot, candidates=[r.unit.pk for r in rows], method=method)
    return ballot


def election_candidates(year: EmulationYear) -> tuple[Unit | None, Unit | None]:
    return next_leaders_from_rotation(current=year)


@transaction.atomic
def ballot_create_election(*, year: EmulationYear, by, method: str = BallotMethod.ONLINE) -> Ballot:
    """A draft ballot confirming next year's leader and deputy as the rotation proposes them."""
    ensure_can(by, "awards.ballot.manage", year)
    _ensure_open_year(year)
    if Ballot.objects.filter(year=year, kind=BallotKind.ELECTION).exists():
        raise ValidationError(_("The election ballot of this year already exists."))
    leader, deputy = election_candidates(year)
    if leader is None:
        raise ValidationError(_("The rotation proposes no leader for next year: the board sets the rotation order."))
    candidates = [(leader, CandidateRole.LEADER)] + ([(deputy, CandidateRole.DEPUTY)] if deputy else [])
    ballot = Ballot(
        year=year,
        kind=BallotKind.ELECTION,
        round=1,
        method=method,
        quota=len(candidates),
    )
    _rules_from_settings(ballot)
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError as exc:
        raise ValidationError(_("The election ballot of this year already exists.")) from exc
    BallotCandidate.objects.bulk_create(
        BallotCandidate(ballot=ballot, unit=unit, role=role, order=i) for i, (unit, role) in enumerate(candidates, 1)
    )
    audit(by, "awards.ballot.created", ballot, candidates=[u.pk for u, _r in candidates], method=method)
    return ballot


def _locked(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update(of=("self",)).select_related("year__bloc", "award_kind").get(pk=ballot.pk)


OUT_OF_ORDER = {
    # (wanted step, current status) -> message; anything else out of order gets the generic message
    ("open", BallotStatus.DRAFT): gettext_noop("Freeze the candidates and voters before opening the ballot."),
    ("publish", BallotStatus.CLOSED): gettext_noop("Count the votes before publishing the results."),
    ("publish", BallotStatus.OPEN): gettext_noop("Close the ballot and count the votes before publishing the results."),
    ("open", BallotStatus.CLOSED): gettext_noop("A closed ballot can never be reopened."),
    ("open", BallotStatus.TALLIED): gettext_noop("A closed ballot can never be reopened."),
    ("open", BallotStatus.PUBLISHED): gettext_noop("A closed ballot can never be reopened."),
    ("tally", BallotStatus.OPEN): gettext_noop("Close the ballot before counting the votes."),
}


def _require(ballot: Ballot, step: str, status: str) -> None:
    if ballot.status == status:
        return
    message = OUT_OF_ORDER.get((step, ballot.status))
    if message:
        raise ValidationError(_(message))
    raise ValidationError(
        _("This ballot is “%(status)s”: that step is not possible now.") % {"status": ballot.get_status_display()}
    )


@transaction.atomic
def ballot_candidates_set(*, ballot: Ballot, unit_ids: list[int], by) -> Ballot:
    """The leader adjusts an award ballot's candidates while it is a draft (only member units of the year)."""
    ensure_can(by, "awards.ballot.manage", ballot.year)
    ballot = _locked(ballot)
    _require(ballot, "edit", BallotStatus.DRAFT)
    if ballot.kind != BallotKind.AWARD:
        raise ValidationError(_("The election's candidates come from the rotation; the board may override it."))
    members = {u.pk: u for u in members_in_year(bloc=ballot.year.bloc, year=ballot.year.year)}
    unknown = [pk for pk in unit_ids if pk not in members]
    if unknown:
        raise ValidationError(_("Only member units of the year can be candidates."))
    if not unit_ids:
        raise ValidationError(_("A ballot needs at least one candidate."))
    ranking = {r.unit.pk: r for r in ranking_for_year(ballot.year)}
    old = list(ballot.candidates.values_list("unit_id", flat=True))
    ballot.candidates.all().delete()
    ordered = sorted(
        set(unit_ids), key=lambda pk: (ranking[pk].rank if pk in ranking else 10_000, vi_sort_key(members[pk].name))
    )
    BallotCandidate.objects.bulk_create(
        BallotCandidate(
            ballot=ballot,
            unit=members[pk],
            rank=ranking[pk].rank if pk in ranking else None,
            total=ranking[pk].reviewed_total if pk in ranking else None,
            classification=ranking[pk].classification if pk in ranking else "",
            order=i,
        )
        for i, pk in enumerate(ordered, start=1)
    )
    audit(by, "awards.ballot.candidates", ballot, old=old, new=ordered)
    return ballot


@transaction.atomic
def ballot_method_set(*, ballot: Ballot, method: str, by) -> Ballot:
    ensure_can(by, "awards.ballot.manage", ballot.year)
    ballot = _locked(ballot)
    _require(ballot, "edit", BallotStatus.DRAFT)
    if method not in BallotMethod.values:
        raise ValidationError(_("Choose how the units vote."))
    old, ballot.method = ballot.method, method
    ballot.save(update_fields=["method", "updated_at"])
    audit(by, "awards.ballot.method", ballot, old=old, new=method)
    return ballot
