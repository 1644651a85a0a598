"""Pages of the ballots: the year's awards and elections, one ballot with the leader's controls (each step a POST
calling one service), the secret vote of a member unit, the turnout polled while the vote is open, and the
board's override of the election. Nobody sees counts before the tally; the templates ask `may_results`."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs.models import EmulationYear, Unit
from blocs.roles import facts
from blocs.selectors import members_in_year
from blocs.shortcuts import year_or_404
from core.forms import apply_service_errors
from core.permissions import can, ensure_can
from scoring.selectors import ranking_for_year

from .. import selectors, services
from ..enums import BallotKind, BallotMethod, BallotStatus, Outcome
from ..forms.ballots import BallotCreateForm, CandidatesForm, MethodForm, OpenForm, OverrideForm, PaperForm, VoteForm
from ..models import AwardKind, Ballot, BallotVoter
from ..wording import (
    badge_class,
    ballot_rules,
    eligibility_in_words,
    may_vote_now,
    next_step,
    timeline,
    year_rules,
)


def _ballot(emulation_year: EmulationYear, pk: int) -> Ballot:
    ballot = get_object_or_404(Ballot.objects.select_related("award_kind", "parent"), year=emulation_year, pk=pk)
    ballot.year = emulation_year
    return ballot


def _detail_url(ballot: Ballot) -> str:
    return reverse(
        "awards:ballot-detail", kwargs={"slug": ballot.year.bloc.slug, "year": ballot.year.year, "pk": ballot.pk}
    )


def _to_detail(ballot: Ballot, anchor: str = ""):
    return redirect(_detail_url(ballot) + anchor)


def _to_index(emulation_year: EmulationYear):
    return redirect("awards:index", slug=emulation_year.bloc.slug, year=emulation_year.year)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _form_error_text(form) -> str:
    texts = list(form.non_field_errors())
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        label = form.fields[name].label if name in form.fields else name
        texts.extend(f"{label}: {e}" for e in errors)
    return " ".join(str(t) for t in texts)


# --- the rules in words ---------------------------------------------------------------------------------


@login_required
@require_GET
def ballot_index(request, slug, year):
    emulation_year = year_or_404(slug, year)
    user = request.user
    ensure_can(user, "awards.view", emulation_year)
    if emulation_year.is_closed:
        kinds = list(emulation_year.award_kinds.all())
    else:
        kinds = services.award_kinds_ensure(year=emulation_year)
    may_manage = can(user, "awards.ballot.manage", emulation_year)
    members = list(members_in_year(bloc=emulation_year.bloc, year=emulation_year.year))
    ballots = list(selectors.ballots_for_year(emulation_year))
    unit_id = facts(user).unit_id
    my_voters = {}
    if unit_id is not None:
        my_voters = {v.ballot_id: v for v in BallotVoter.objects.filter(ballot__year=emulation_year, unit_id=unit_id)}
    parents_with_runoff = {b.parent_id for b in ballots if b.parent_id}
    for b in ballots:
        b.year = emulation_year
        b.turnout = selectors.turnout(b)
        b.badge = badge_class(b)
        b.may_results = can(user, "awards.ballot.results", b)
        b.elected = [c for c in b.candidates.all() if c.outcome == Outcome.ELECTED] if b.may_results else []
        b.next_step = next_step(b, has_runoff=b.pk in parents_with_runoff) if may_manage else ""
        b.my_voter = my_voters.get(b.pk)
        b.should_vote = may_vote_now(b, b.my_voter)
    top = selectors.top_classification(emulation_year)
    with_ballot = {b.award_kind_id for b in ballots if b.award_kind_id and b.round == 1}
    ranking_published = selectors.ranking_is_published(emulation_year)
    ranking = ranking_for_year(emulation_year) if may_manage and ranking_published else []
    for kind in kinds:
        kind.year = emulation_year
        kind.words = eligibility_in_words(kind, top)
        kind.has_ballot = kind.pk in with_ballot
        kind.eligible_now = (
            list(selectors.eligible_rows(kind, ranking, kinds)) if ranking and not kind.has_ballot else []
        )
    has_election = any(b.kind == BallotKind.ELECTION for b in ballots)
    proposal = services.election_candidates(emulation_year) if may_manage and not has_election else (None, None)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "kinds": kinds,
        "ballots": ballots,
        "to_vote": [b for b in ballots if b.should_vote],
        "rules": year_rules(emulation_year, len(members)),
        "member_count": len(members),
        "may_manage": may_manage,
        "may_override": can(user, "awards.election.override", emulation_year),
        "may_edit_bases": can(user, "awards.legal_bases.edit", emulation_year),
        "ranking_published": ranking_published,
        "has_election": has_election,
        "anything_to_create": has_election is False or any(not k.has_ballot for k in kinds),
        "proposal_leader": proposal[0],
        "proposal_deputy": proposal[1],
        "next_year": emulation_year.year + 1,
        "methods": BallotMethod.choices,
    }
    return render(request, "awards/ballots/index.html", context)


@login_required
@require_POST
def ballot_create(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.ballot.manage", emulation_year)
    form = BallotCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the ballot to create and how the units vote."))
        return _to_index(emulation_year)
    code, method = form.cleaned_data["kind"], form.cleaned_data["method"]
    try:
        if code == "election":
            ballot = services.ballot_create_election(year=emulation_year, by=request.user, method=method)
        else:
            award_kind = get_object_or_404(AwardKind, year=emulation_year, code=code)
            award_kind.year = emulation_year
            ballot = services.ballot_create_award(award_kind=award_kind, by=request.user, method=method)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _to_index(emulation_year)
    ballot.year = emulation_year
    messages.success(request, _("The ballot was created as a draft: check its candidates, then freeze it."))
    return _to_detail(ballot)


# --- one ballot -----------------------------------------------------------------------------------------


def _results(ballot: Ballot, candidates) -> dict:
    den = selectors.denominator_count(ballot)
    rows = []
    for c in candidates:
        votes = c.votes or 0
        share = (Decimal(votes * 100) / den).quantize(Decimal("0.01")) if den else None
        rows.append({"candidate": c, "votes": votes, "percent": share})
    rows.sort(key=lambda r: (-r["votes"], r["candidate"].order))
    return {
        "rows": rows,
        "denominator": den,
        "needed": selectors.threshold_votes(ballot, den) if den else None,
    }


def _detail_context(request, ballot: Ballot, **bound) -> dict:
    user = request.user
    emulation_year = ballot.year
    may_manage = can(user, "awards.ballot.manage", emulation_year)
    may_results = can(user, "awards.ballot.results", ballot)
    candidates = list(ballot.candidates.select_related("unit"))
    voter = selectors.ballot_voter_for(ballot, user)
    runoffs = list(ballot.runoffs.all())
    status = ballot.status
    forms = {}
    if may_manage and status == BallotStatus.DRAFT:
        if ballot.kind == BallotKind.AWARD:
            forms["candidates_form"] = bound.get("candidates_form") or CandidatesForm(
                members=members_in_year(bloc=emulation_year.bloc, year=emulation_year.year),
                initial={"units": [c.unit_id for c in candidates]},
            )
        forms["method_form"] = bound.get("method_form") or MethodForm(initial={"method": ballot.method})
    if may_manage and status == BallotStatus.FROZEN:
        forms["open_form"] = bound.get("open_form") or OpenForm(units=_voter_units(ballot))
    if may_manage and status == BallotStatus.CLOSED and ballot.is_paper:
        forms["paper_form"] = bound.get("paper_form") or PaperForm(
            candidates=candidates,
            initial={"issued": ballot.paper_issued, "returned": ballot.paper_returned, "invalid": ballot.paper_invalid},
        )
    own_unit = facts(user).unit_id
    for c in candidates:
        c.is_own = c.unit_id == own_unit
    return {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "ballot": ballot,
        "badge": badge_class(ballot),
        "candidates": candidates,
        "is_election": ballot.kind == BallotKind.ELECTION,
        "rules": ballot_rules(ballot),
        "rules_fixed": status != BallotStatus.DRAFT,
        "timeline": timeline(ballot),
        "turnout": selectors.turnout(ballot),
        "may_manage": may_manage,
        "may_results": may_results,
        "results": _results(ballot, candidates) if may_results else None,
        "voter": voter,
        "may_vote_now": may_vote_now(ballot, voter),
        "runoffs": runoffs,
        "runoff_tied": any(c.outcome == Outcome.RUNOFF for c in candidates),
        "may_runoff": may_manage
        and ballot.kind == BallotKind.AWARD
        and ballot.runoff_seats > 0
        and status in (BallotStatus.TALLIED, BallotStatus.PUBLISHED)
        and not runoffs,
        "next_step": next_step(ballot, has_runoff=bool(runoffs)) if may_manage else "",
        "paper_recorded": ballot.paper_returned is not None,
        **forms,
    }


def _voter_units(ballot: Ballot):
    """The units on the turnout register (fixed at the freeze); before it, the member units of the year, so that
    an early request reaches the service and gets its reason rather than a form error."""
    if ballot.status == BallotStatus.DRAFT:
        return members_in_year(bloc=ballot.year.bloc, year=ballot.year.year)
    return Unit.objects.filter(pk__in=ballot.voters.values("unit_id")).order_by("name")


def _render_detail(request, ballot: Ballot, status: int = 200, **bound):
    return render(request, "awards/ballots/detail.html", _detail_context(request, ballot, **bound), status=status)


@login_required
@require_GET
def ballot_detail(request, slug, year, pk):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.view", emulation_year)
    return _render_detail(request, _ballot(emulation_year, pk))


@login_required
@require_GET
def ballot_turnout(request, slug, year, pk):
    """The turnout as numbers, polled by the detail page while the vote is open."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.view", emulation_year)
    ballot = _ballot(emulation_year, pk)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "ballot": ballot,
        "turnout": selectors.turnout(ballot),
    }
    return render(request, "awards/ballots/_turnout.html", context)


# --- the leader's steps: each a POST calling one service ----------------------------------------------------


def _managed_ballot(request, slug, year, pk) -> Ballot:
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.ballot.manage", emulation_year)
    return _ballot(emulation_year, pk)


def _form_step(request, ballot: Ballot, form, form_name: str, call, success: str):
    """Bind, call the service, redirect with a message. A refused input is shown again on its form when the
    form is on the page in the ballot's current state; otherwise the reason comes as a message."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return _to_detail(ballot)
    fresh = _ballot(ballot.year, ballot.pk)
    context = _detail_context(request, fresh, **{form_name: form})
    if form_name not in context:
        messages.error(request, _form_error_text(form))
        return _to_detail(fresh)
    context[form_name] = form
    return render(request, "awards/ballots/detail.html", context)


def _simple_step(request, ballot: Ballot, call, success):
    try:
        result = call()
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _to_detail(ballot)
    messages.success(request, success(result) if callable(success) else success)
    return _to_detail(ballot)


@login_required
@require_POST
def ballot_candidates(request, slug, year, pk):
    ballot = _managed_ballot(request, slug, year, pk)
    form = CandidatesForm(request.POST, members=members_in_year(bloc=ballot.year.bloc, year=ballot.year.year))
    return _form_step(
        request,
        ballot,
        form,
        "candidates_form",
        lambda data: services.ballot_candidates_set(
            ballot=ballot, unit_ids=[u.pk for u in data["units"]], by=request.user
        ),
        _("The candidates were saved."),
    )


@login_required
@require_POST
def ballot_method(request, slug, year, pk):
    ballot = _managed_ballot(request, slug, year, pk)
    return _form_step(
        request,
        ballot,
        MethodForm(request.POST),
        "method_form",
        lambda data: services.ballot_method_set(ballot=ballot, method=data["method"], by=request.user),
        _("The voting method was saved."),
    )


@login_required
@require_POST
def ballot_freeze(request, slug, year, pk):
    ballot = _managed_ballot(request, slug, year, pk)
    return _simple_step(
        request,
        ballot,
        lambda: services.ballot_freeze(ballot=ballot, by=request.user),
        _("The ballot is frozen: its candidates, voters and rules are fixed."),
    )


@login_required
@require_POST
def ballot_open(request, slug, year, pk):
    ballot = _managed_ballot(request, slug, year, pk)
    form = OpenForm(request.POST, units=_voter_units(ballot))
    return _form_step(
        request,
        ballot,
        form,
        "open_form",
        lambda data: services.ballot_open(
            ballot=ballot, present_unit_ids=[u.pk for u in data["present"]], by=request.user
        ),
        lambda opened: (
            _("The vote is open: %(present)s of %(members)s member units are present.")
            % {"present": opened.present_count, "members": opened.member_count}
        ),
    )


@login_required
@require_POST
def ballot_close(request, slug, year, pk):
    ballot = _managed_ballot(request, slug, year, pk)
    return _simple_step(
        request,
        ballot,
        lambda: services.ballot_close(ballot=ballot, by=request.user),
        _("The vote is closed. Count the votes next."),
    )


@login_required
@require_POST
def ballot_paper(request, slug, year, pk):
    ballot = _managed_ballot(request, slug, year, pk)
    form = PaperForm(request.POST, candidates=ballot.candidates.select_related("unit"))
    return _form_step(
        request,
        ballot,
        form,
        "paper_form",
        lambda data: services.ballot_record_paper(
            ballot=ballot,
            issued=data["issued"],
            returned=data["returned"],
            invalid=data["invalid"],
            votes=form.votes(),
            by=request.user,
        ),
        _("The counts of the paper ballots were saved. Count the votes next."),
    )


@login_required
@require_POST
def ballot_tally(request, slug, year, pk):
    ballot = _managed_ballot(request, slug, year, pk)

    def success(counted: Ballot) -> str:
        text = _("The votes were counted. Check the results, then publish them.")
        n = counted.runoff_seats
        if n and counted.candidates.filter(outcome=Outcome.RUNOFF).exists():
            text += " " + ngettext(
                "Tied units go to a run-off for %(n)s seat.", "Tied units go to a run-off for %(n)s seats.", n
            ) % {"n": n}
        elif n:
            text += " " + ngettext(
                "Too few units passed the threshold: a run-off for %(n)s seat left.",
                "Too few units passed the threshold: a run-off for the %(n)s seats left.",
                n,
            ) % {"n": n}
        return text

    return _simple_step(request, ballot, lambda: services.ballot_tally(ballot=ballot, by=request.user), success)


@login_required
@require_POST
def ballot_publish(request, slug, year, pk):
    ballot = _managed_ballot(request, slug, year, pk)
    return _simple_step(
        request,
        ballot,
        lambda: services.ballot_publish(ballot=ballot, by=request.user),
        _("The results were published to every member unit."),
    )


@login_required
@require_POST
def ballot_runoff(request, slug, year, pk):
    ballot = _managed_ballot(request, slug, year, pk)
    try:
        runoff = services.ballot_runoff_create(ballot=ballot, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _to_detail(ballot)
    runoff.year = ballot.year
    messages.success(request, _("The run-off ballot was created as a draft."))
    return _to_detail(runoff)


# --- the vote ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ballot_vote(request, slug, year, pk):
    emulation_year = year_or_404(slug, year)
    ballot = _ballot(emulation_year, pk)
    ensure_can(request.user, "awards.ballot.cast", ballot)
    if request.method == "POST":
        form = VoteForm(request.POST)
        if form.is_valid():
            try:
                services.ballot_cast(ballot=ballot, candidate_ids=form.cleaned_data["candidates"], by=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Your unit's ballot was recorded. Thank you."))
                return redirect("awards:ballot-vote", slug=slug, year=year, pk=pk)
        ballot = _ballot(emulation_year, pk)  # the ballot may have closed meanwhile
    else:
        form = VoteForm()
    voter = selectors.ballot_voter_for(ballot, request.user)
    own_unit = facts(request.user).unit_id
    candidates = list(ballot.candidates.select_related("unit"))
    for c in candidates:
        c.is_own = c.unit_id == own_unit
        c.locked = c.is_own and not ballot.allow_self_vote
    selected = set()
    if form.is_bound:
        for value in form.data.getlist("candidates"):
            if value.isdigit():
                selected.add(int(value))
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "ballot": ballot,
        "badge": badge_class(ballot),
        "form": form,
        "voter": voter,
        "candidates": candidates,
        "selected": selected,
        "is_election": ballot.kind == BallotKind.ELECTION,
        "may_vote_now": may_vote_now(ballot, voter),
        "own_is_candidate": any(c.is_own for c in candidates),
    }
    return render(request, "awards/ballots/vote.html", context)


# --- the board's override of the election ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def election_override(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.election.override", emulation_year)
    units = members_in_year(bloc=emulation_year.bloc, year=emulation_year.year + 1)
    next_year = (
        emulation_year.bloc.years.select_related("leader", "deputy").filter(year=emulation_year.year + 1).first()
    )
    proposal = services.election_candidates(emulation_year)
    if request.method == "POST":
        form = OverrideForm(request.POST, units=units)
        if form.is_valid():
            try:
                opened = services.election_override(
                    year=emulation_year,
                    leader=form.cleaned_data["leader"],
                    deputy=form.cleaned_data["deputy"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(year)s: the leader unit is %(leader)s.") % {"year": opened.year, "leader": opened.leader.name},
                )
                return redirect("blocs:year-detail", slug=slug, year=opened.year)
    else:
        if next_year is not None:
            initial = {"leader": next_year.leader_id, "deputy": next_year.deputy_id}
        else:
            initial = {
                "leader": proposal[0].pk if proposal[0] else None,
                "deputy": proposal[1].pk if proposal[1] else None,
            }
        form = OverrideForm(units=units, initial=initial)
    election = Ballot.objects.filter(year=emulation_year, kind=BallotKind.ELECTION).order_by("-round").first()
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "form": form,
        "next_year": next_year,
        "next_year_number": emulation_year.year + 1,
        "proposal_leader": proposal[0],
        "proposal_deputy": proposal[1],
        "election": election,
    }
    return render(request, "awards/ballots/override.html", context)
