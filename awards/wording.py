"""The ballots in words for their pages: the rules in force, eligibility, the timeline, the next step."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blocs.models import EmulationYear
from core.i18n import grade_label
from core.templatetags.ktd import points

from . import selectors
from .enums import BallotKind, BallotMethod, BallotStatus, Eligibility
from .models import AwardKind, Ballot, BallotVoter

STEPS = [
    (BallotStatus.DRAFT, "created_at"),
    (BallotStatus.FROZEN, "frozen_at"),
    (BallotStatus.OPEN, "opened_at"),
    (BallotStatus.CLOSED, "closed_at"),
    (BallotStatus.TALLIED, "tallied_at"),
    (BallotStatus.PUBLISHED, "published_at"),
]
ORDER = [status for status, _field in STEPS]


def percent_text(value) -> str:
    return points(value)


def quorum_units(quorum_percent, members: int) -> int:
    """The fewest units present that reach the quorum."""
    needed = 0
    while Decimal(needed * 100) < Decimal(str(quorum_percent)) * members and needed < members:
        needed += 1
    return needed


def threshold_text(*, percent, strict: bool, denominator: str) -> str:
    p = percent_text(percent)
    if denominator == "present":
        if strict:
            return _("more than %(percent)s%% of the units present") % {"percent": p}
        return _("at least %(percent)s%% of the units present") % {"percent": p}
    if strict:
        return _("more than %(percent)s%% of all member units") % {"percent": p}
    return _("at least %(percent)s%% of all member units") % {"percent": p}


def rules_in_words(
    *,
    threshold_percent,
    threshold_strict: bool,
    denominator: str,
    quorum_percent,
    allow_self_vote: bool,
    tie_break: str,
    member_count: int | None = None,
    present_count: int | None = None,
    quota: int | None = None,
) -> list[tuple[str, str]]:
    """(label, sentence) pairs describing how a vote is decided, for the index (from the settings) and a ballot
    (from its snapshot)."""
    rules = []
    if quota is not None:
        rules.append(
            (
                _("Approvals per ballot"),
                ngettext(
                    "Each unit approves at most %(quota)s unit.", "Each unit approves at most %(quota)s units.", quota
                )
                % {"quota": quota},
            )
        )
    threshold = threshold_text(percent=threshold_percent, strict=threshold_strict, denominator=denominator)
    sentence = _("A unit is elected with the approval of %(threshold)s.") % {"threshold": threshold}
    count = present_count if denominator == "present" else member_count
    if count:
        probe = Ballot(threshold_percent=Decimal(str(threshold_percent)), threshold_strict=threshold_strict)
        needed = selectors.threshold_votes(probe, count)
        sentence += " " + ngettext(
            "That is at least %(needed)s approval out of %(count)s.",
            "That is at least %(needed)s approvals out of %(count)s.",
            needed,
        ) % {"needed": needed, "count": count}
    rules.append((_("Threshold"), sentence))
    rules.append(
        (
            _("Votes counted against"),
            _("the units present") if denominator == "present" else _("all member units"),
        )
    )
    quorum = _("At least %(percent)s%% of the member units must be present for the vote to open.") % {
        "percent": percent_text(quorum_percent)
    }
    if member_count:
        quorum += " " + _("That is %(needed)s of %(members)s units.") % {
            "needed": quorum_units(quorum_percent, member_count),
            "members": member_count,
        }
    rules.append((_("Quorum"), quorum))
    rules.append(
        (
            _("Voting for one's own unit"),
            _("A unit may vote for itself.") if allow_self_vote else _("A unit may not vote for itself."),
        )
    )
    if tie_break == "higher_score":
        tie = _(
            "Units tied for the last seat: the better rank in the published ranking wins; "
            "a run-off only if the ranks are equal too."
        )
    else:
        tie = _(
            "Units tied for the last seat, or too few units over the threshold: a run-off ballot among them "
            "for the seats left."
        )
    rules.append((_("Ties"), tie))
    rules.append((_("Secrecy"), _("The app records which units have voted, never what a unit chose.")))
    return rules


def year_rules(emulation_year: EmulationYear, member_count: int) -> list[tuple[str, str]]:
    s = emulation_year.setting
    return rules_in_words(
        threshold_percent=s("vote_threshold_percent"),
        threshold_strict=bool(s("vote_threshold_strict")),
        denominator=s("vote_denominator"),
        quorum_percent=s("quorum_percent"),
        allow_self_vote=bool(s("allow_self_vote")),
        tie_break=s("vote_tie_break"),
        member_count=member_count,
    )


def ballot_rules(ballot: Ballot) -> list[tuple[str, str]]:
    return rules_in_words(
        threshold_percent=ballot.threshold_percent,
        threshold_strict=ballot.threshold_strict,
        denominator=ballot.denominator,
        quorum_percent=ballot.quorum_percent,
        allow_self_vote=ballot.allow_self_vote,
        tie_break=ballot.year.setting("vote_tie_break"),
        member_count=ballot.member_count,
        present_count=ballot.present_count,
        quota=ballot.quota,
    )


def eligibility_in_words(kind: AwardKind, top: str) -> str:
    quota = ngettext("Up to %(quota)s unit is proposed.", "Up to %(quota)s units are proposed.", kind.quota) % {
        "quota": kind.quota
    }
    texts = {
        Eligibility.TOP_RANKED: ngettext(
            "Candidates: the unit ranked first in the published ranking, if it is classified “%(top)s” (units "
            "tied for first place all come in).",
            "Candidates: the units ranked in the first %(quota)s places of the published ranking and classified "
            "“%(top)s” (units tied for the last place all come in).",
            kind.quota,
        ),
        Eligibility.NEXT_IN_TOP_CLASS: _(
            "Candidates: the next-ranked units classified “%(top)s”, after those proposed for the award above."
        ),
        Eligibility.TOP_CLASS: _("Candidates: every unit classified “%(top)s” in the published ranking."),
        Eligibility.ANY_MEMBER: _("Candidates: any member unit in the published ranking."),
    }
    text = texts.get(kind.eligibility, kind.get_eligibility_display()) % {"quota": kind.quota, "top": grade_label(top)}
    return f"{quota} {text}"


# --- state helpers ----------------------------------------------------------------------------------------


def timeline(ballot: Ballot) -> list[dict]:
    current = ORDER.index(ballot.status)
    return [
        {
            "status": status,
            "label": BallotStatus(status).label,
            "at": getattr(ballot, field),
            "state": "done" if i < current else ("current" if i == current else "todo"),
        }
        for i, (status, field) in enumerate(STEPS)
    ]


def next_step(ballot: Ballot, *, has_runoff: bool) -> str:
    """What the leader does next with this ballot, in words."""
    status = ballot.status
    if status == BallotStatus.DRAFT:
        return _("Check the candidates and how the units vote, then freeze the ballot.")
    if status == BallotStatus.FROZEN:
        return _("At the conference: record the units present and open the vote.")
    if status == BallotStatus.OPEN:
        if ballot.is_paper:
            return _("The units vote on paper. When the papers are collected, close the vote.")
        return _("The units are voting. Close the vote when every unit present has voted.")
    if status == BallotStatus.CLOSED:
        if ballot.is_paper and ballot.paper_returned is None:
            return _("Enter the counts of the paper ballots, then count the votes.")
        return _("Count the votes.")
    if status == BallotStatus.TALLIED:
        return _("Check the results, then publish them to the member units.")
    if ballot.runoff_seats and not has_runoff and ballot.kind == BallotKind.AWARD:
        return _("Create the run-off ballot for the seats left.")
    return _("Nothing left to do: the results are published.")


def badge_class(ballot: Ballot) -> str:
    return {
        BallotStatus.DRAFT: "text-bg-secondary",
        BallotStatus.FROZEN: "text-bg-info",
        BallotStatus.OPEN: "text-bg-success",
        BallotStatus.CLOSED: "text-bg-warning",
        BallotStatus.TALLIED: "text-bg-primary",
        BallotStatus.PUBLISHED: "text-bg-dark",
    }[ballot.status]


def may_vote_now(ballot: Ballot, voter: BallotVoter | None) -> bool:
    return (
        ballot.status == BallotStatus.OPEN
        and ballot.method == BallotMethod.ONLINE
        and voter is not None
        and voter.present
        and voter.voted_at is None
    )


# --- the year's page ------------------------------------------------------------------------------------
