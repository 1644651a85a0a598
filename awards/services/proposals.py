"""The board's override of the election, the proposals' dossiers and the province's decisions."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from blocs.models import EmulationYear, Person, Unit
from blocs.services import notify_unit, year_open_next
from blocs.storage import check_storage_quota
from core.audit import audit
from core.i18n import later
from core.notifications import notify
from core.permissions import ensure_can

from ..enums import (
    DossierPart,
    ProposalStatus,
)
from ..models import AwardDecision, DossierFile, Proposal


@transaction.atomic
def election_override(*, year: EmulationYear, leader: Unit, deputy: Unit | None, reason: str, by) -> EmulationYear:
    """The board sets next year's leader and deputy itself, with its reason (e.g. the conference did not
    confirm the rotation's proposal)."""
    ensure_can(by, "awards.election.override", year)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for overriding the rotation and the conference.")})
    if deputy is not None and deputy.pk == leader.pk:
        raise ValidationError({"deputy": _("The deputy leader unit must differ from the leader unit.")})
    next_year = year.bloc.years.filter(year=year.year + 1).first()
    if next_year is None:
        opened = year_open_next(current=year, by=by, leader=leader, deputy=deputy, source="override", note=reason)
    else:
        from blocs.services import year_update

        opened = year_update(
            emulation_year=next_year, leader=leader, deputy=deputy, phase=next_year.phase, note=reason, by=by
        )
    audit(by, "awards.election.overridden", year, leader=leader.pk, deputy=deputy.pk if deputy else None, reason=reason)
    return opened


# --- proposals, dossiers, decisions -----------------------------------------------------------------------


def dossier_checklist(proposal: Proposal) -> dict[str, dict]:
    """Each part of the dossier and whether it is ready: the submission (tờ trình) and the vote-count minutes
    are generated from the data; the report of achievements is uploaded by the leader (or a file may replace a
    generated part)."""
    files: dict[str, DossierFile] = {}
    for f in proposal.files.all():  # newest first
        files.setdefault(f.part, f)
    generated = {DossierPart.SUBMISSION, DossierPart.MINUTES}
    checklist = {}
    for part in (DossierPart.SUBMISSION, DossierPart.ACHIEVEMENTS, DossierPart.MINUTES):
        upload = files.get(part)
        checklist[part] = {
            "label": DossierPart(part).label,
            "file": upload,
            "generated": part in generated,
            "ready": upload is not None or part in generated,
        }
    return checklist


@transaction.atomic
def dossier_upload(*, proposal: Proposal, part: str, upload, by) -> DossierFile:
    year = proposal.award_kind.year
    ensure_can(by, "awards.dossier.manage", year)
    if proposal.status != ProposalStatus.PREPARING:
        raise ValidationError(_("The dossier was already sent to the board: it can no longer change."))
    if part not in DossierPart.values:
        raise ValidationError({"part": _("Choose which part of the dossier this file is.")})
    check_storage_quota(unit=proposal.unit, year=year, adding=upload.size or 0)
    item = DossierFile(
        proposal=proposal,
        part=part,
        file=upload,
        original_name=upload.name[:255],
        size=upload.size,
        uploaded_by=by,
    )
    item.full_clean()
    item.save()
    audit(by, "awards.dossier.uploaded", proposal, part=part, file=item.original_name, size=item.size)
    return item


def _notify_board(proposal: Proposal) -> None:
    """Tell each board staff of the bloc's province that the dossier arrived, with a link to it."""
    year = proposal.award_kind.year
    bloc = year.bloc
    users = [p.user for p in Person.objects.filter(board_province_id=bloc.province_id).select_related("user")]
    if not users:
        return
    notify(
        users=users,
        title=later(
            gettext_noop("Dossier received: %(unit)s, %(kind)s"), unit=proposal.unit.name, kind=proposal.award_kind.name
        ),
        body=later(
            gettext_noop("%(bloc)s sent the dossier proposing %(unit)s for the %(kind)s, %(year)s."),
            bloc=bloc.name,
            unit=proposal.unit.name,
            kind=proposal.award_kind.name,
            year=year.year,
        ),
        link=reverse("awards:proposal-detail", kwargs={"slug": bloc.slug, "year": year.year, "pk": proposal.pk}),
        dedupe_key=f"awards.proposal.submitted:{proposal.pk}",
    )


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by) -> Proposal:
    """The leader sends a complete dossier to the board, whose staff are told (in the app and by e-mail)."""
    year = proposal.award_kind.year
    ensure_can(by, "awards.dossier.manage", year)
    proposal = Proposal.objects.select_for_update().select_related("award_kind__year__bloc", "unit").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PREPARING:
        raise ValidationError(_("This dossier was already sent to the board."))
    missing = [item["label"] for item in dossier_checklist(proposal).values() if not item["ready"]]
    if missing:
        raise ValidationError(
            _("The dossier is not complete: %(parts)s.") % {"parts": "; ".join(str(m) for m in missing)}
        )
    proposal.status, proposal.submitted_at, proposal.submitted_by = ProposalStatus.SUBMITTED, timezone.now(), by
    proposal.save()
    audit(by, "awards.proposal.submitted", proposal)
    _notify_board(proposal)
    return proposal


def decision_errors(*, approved: bool, number: str, date: datetime.date | None, note: str) -> dict[str, str]:
    """What is wrong with a decision of the province (by field; empty when nothing is), whether it is recorded for
    one proposal or many (awards/services/decisions.py). `number` and `note` already stripped."""
    errors = {}
    # A decision has both a number and a date: an approval always, a refusal when the province issued one.
    if (approved or date is not None) and not number:
        errors["number"] = _("Enter the number of the province's decision.")
    if (approved or number) and date is None:
        errors["date"] = _("Enter the date of the province's decision.")
    if not approved and not note:
        errors["note"] = _("Give the reason the province did not approve the proposal.")
    if date is not None and date > timezone.localdate():
        errors["date"] = _("The decision's date cannot be in the future.")
    return errors


@transaction.atomic
def proposal_decide(
    *, proposal: Proposal, approved: bool, number: str, date: datetime.date | None, note: str = "", by
) -> Proposal:
    """The board records the province's decision on a proposal: approved, with the decision's number and date; or
    not approved, with the reason (`note`) and, when the province issued a decision saying so, its number and date
    (both or neither). A recorded decision may be corrected; every version stays in the audit log."""
    year = proposal.award_kind.year
    ensure_can(by, "awards.decision.record", year)
    proposal = Proposal.objects.select_for_update().select_related("award_kind__year__bloc", "unit").get(pk=proposal.pk)
    if proposal.status == ProposalStatus.PREPARING:
        raise ValidationError(_("The leader has not sent this dossier yet."))
    number, note = number.strip(), note.strip()
    errors = decision_errors(approved=approved, number=number, date=date, note=note)
    if errors:
        raise ValidationError(errors)
    old = {
        "status": proposal.status,
        "number": proposal.decision_number,
        "date": str(proposal.decision_date or ""),
        "note": proposal.decision_note,
    }
    proposal.status = ProposalStatus.APPROVED if approved else ProposalStatus.REJECTED
    proposal.decision_number, proposal.decision_date, proposal.decision_note = number, date, note
    proposal.decided_at, proposal.decided_by = timezone.now(), by
    if proposal.decision_id is not None and not (
        number and AwardDecision.objects.filter(pk=proposal.decision_id, number=number, date=date).exists()
    ):
        proposal.decision = None  # corrected to another decision (or none): no longer the recorded one's
    proposal.save()
    audit(
        by,
        "awards.proposal.decided",
        proposal,
        old=old,
        new={"status": proposal.status, "number": number, "date": str(date or ""), "note": note},
    )
    link = reverse("awards:proposals", kwargs={"slug": year.bloc.slug, "year": year.year})
    notify_unit(
        proposal.unit,
        title=later(gettext_noop("The province's decision: %(kind)s"), kind=proposal.award_kind.name),
        body=later(
            gettext_noop("Approved, decision %(number)s.") if approved else gettext_noop("Not approved: %(reason)s"),
            number=number,
            reason=note,
        ),
        link=link,
        key=f"awards.proposal.decided:{proposal.pk}:{proposal.status}:{number}",
    )
    return proposal
