"""Every write of the scoring app: one transaction and one audit row each."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from blocs.deadlines import closes_at
from blocs.models import EmulationYear, Unit
from blocs.services import notify_unit
from blocs.storage import check_storage_quota
from core import locking, pending
from core.audit import audit
from core.i18n import later
from core.models import PendingUpload
from core.permissions import ensure_can

from . import excel
from .enums import CriterionKind, ScoreField, SheetStatus
from .models import CriteriaTable, Criterion, Evidence, Score, ScoreChange, Sheet, SheetVersion
from .selectors import criteria_tree, self_assessment_deadline, sheet_totals


class StaleEdit(locking.StaleEdit):
    """Someone saved the sheet after this form was opened."""

    # The sheet as they saved it, when the refusing service knows it (sheet_save_or_send sets it): the form that
    # was opened before the sheet's first save has no sheet of its own to show.
    sheet: Sheet | None = None


class NotSent(ValidationError):
    """The draft was saved, but sending it was refused: the errors say why, `sheet` is the saved sheet."""

    def __init__(self, error: ValidationError, *, sheet: Sheet):
        super().__init__(error)
        self.sheet = sheet


@dataclass(frozen=True)
class Entry:
    """What a person typed for one criterion."""

    points: Decimal | None
    text: str = ""


# --- criteria tables -----------------------------------------------------------------------------------


def table_for(year: EmulationYear) -> CriteriaTable:
    table, _created = CriteriaTable.objects.get_or_create(year=year)
    return table


def _check_tree(table: CriteriaTable) -> None:
    """Children's maxima may not add up to more than their standard parent's."""
    nodes = list(table.criteria.all())
    by_parent: dict[int, Decimal] = {}
    for node in nodes:
        if node.parent_id:
            by_parent[node.parent_id] = by_parent.get(node.parent_id, Decimal(0)) + node.max_points
    for node in nodes:
        if node.kind == CriterionKind.STANDARD and by_parent.get(node.pk, Decimal(0)) > node.max_points:
            raise ValidationError(
                _("The criteria under %(code)s add up to %(sum)s points, more than its maximum of %(max)s.")
                % {"code": node.code, "sum": by_parent[node.pk], "max": node.max_points}
            )


def _refresh_tree_fields(table: CriteriaTable) -> None:
    nodes = {n.pk: n for n in table.criteria.all()}
    parents = {n.parent_id for n in nodes.values() if n.parent_id}
    for node in nodes.values():
        root = node
        while root.parent_id:
            root = nodes[root.parent_id]
        node.group_id = root.pk
        node.is_leaf = node.pk not in parents
    Criterion.objects.bulk_update(nodes.values(), ["group", "is_leaf"])


@transaction.atomic
def criterion_save(*, criterion: Criterion, by) -> Criterion:
    ensure_can(by, "scoring.table.edit", criterion.table)
    if criterion.parent_id and criterion.parent.table_id != criterion.table_id:
        raise ValidationError({"parent": _("The parent belongs to another table.")})
    if criterion.parent_id and criterion.parent.kind != criterion.kind:
        raise ValidationError({"kind": _("A criterion has the kind of its group.")})
    created = criterion.pk is None
    old = None if created else Criterion.objects.filter(pk=criterion.pk).values().first()
    criterion.full_clean(exclude=["group"])
    criterion.save()
    _refresh_tree_fields(criterion.table)
    _check_tree(criterion.table)
    audit(
        by,
        "scoring.criterion.created" if created else "scoring.criterion.updated",
        criterion,
        old={k: str(v) for k, v in (old or {}).items()},
    )
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, by) -> None:
    table = criterion.table
    ensure_can(by, "scoring.table.edit", table)
    # The node and everything under it (a table has at most three levels).
    subtree = Criterion.objects.filter(
        models.Q(pk=criterion.pk) | models.Q(parent=criterion) | models.Q(parent__parent=criterion)
    )
    if Score.objects.filter(criterion__in=subtree).exists():
        raise ValidationError(_("Units have already scored this criterion; it cannot be deleted."))
    audit(by, "scoring.criterion.deleted", criterion, code=criterion.code, title=criterion.title)
    criterion.delete()
    _refresh_tree_fields(table)


def _ensure_replaceable(table: CriteriaTable) -> None:
    if Score.objects.filter(criterion__table=table).exists():
        raise ValidationError(_("Units have already scored against this table; it cannot be replaced."))


def table_import_file(*, table: CriteriaTable, file, by) -> list[Criterion]:
    """Replace the table with the criteria of an Excel file the leader uploaded: read it (excel.parse_table raises
    excel.TableImportError listing every problem with its row, and nothing is written), then `table_import`.
    The file is read before the transaction opens, and only for someone who may edit the table."""
    ensure_can(by, "scoring.table.edit", table)
    rows = excel.parse_table(file)
    return table_import(table=table, rows=rows, by=by)


@transaction.atomic
def table_import(*, table: CriteriaTable, rows: list, by) -> list[Criterion]:
    """Replace the table with rows parsed from Excel (all or nothing)."""
    ensure_can(by, "scoring.table.edit", table)
    _ensure_replaceable(table)
    created = excel.replace_criteria(table=table, rows=rows)
    audit(by, "scoring.table.imported", table, rows=len(rows))
    return created


@transaction.atomic
def table_copy_previous(*, table: CriteriaTable, by) -> list[Criterion]:
    """Copy the table of the bloc's previous year into this (empty or unscored) one."""
    ensure_can(by, "scoring.table.edit", table)
    _ensure_replaceable(table)
    created, previous = _copy_previous(table)
    if previous is None:
        raise ValidationError(_("There is no earlier table of this bloc to copy."))
    audit(by, "scoring.table.copied", table, source=previous.pk)
    return created


def _copy_previous(table: CriteriaTable) -> tuple[list[Criterion], CriteriaTable | None]:
    previous = (
        CriteriaTable.objects.filter(year__bloc_id=table.year.bloc_id, year__year__lt=table.year.year)
        .order_by("-year__year")
        .first()
    )
    if previous is None or not previous.criteria.exists():
        return [], None
    rows = [
        excel.CriterionRow(
            row=i,
            code=c.code,
            title=c.title,
            guidance=c.guidance,
            max_points=c.max_points,
            kind=c.kind,
            evidence_required=c.evidence_required,
        )
        for i, c in enumerate(criteria_tree(previous), start=1)
    ]
    created = excel.replace_criteria(table=table, rows=rows)
    table.copied_from = previous
    table.save(update_fields=["copied_from", "updated_at"])
    return created, previous


def copy_table_into_opened_year(*, year: EmulationYear, by) -> CriteriaTable | None:
    """Year N+1 has just opened (blocs.signals.year_opened): it starts with year N's criteria table, which
    its leader may then change until self-assessment opens."""
    table = table_for(year)
    if table.criteria.exists():
        return table
    _created, previous = _copy_previous(table)
    if previous is None:
        return None
    audit(by, "scoring.table.copied", table, source=previous.pk, on_open=True)
    return table


# --- the unit's sheet ----------------------------------------------------------------------------------


def sheet_for(*, year: EmulationYear, unit: Unit) -> Sheet:
    sheet, _created = Sheet.objects.get_or_create(year=year, unit=unit)
    return sheet


def _bump_version(sheet: Sheet, expected_version: int | None) -> None:
    """Optimistic lock: refuse a save made from a form opened before someone else's save."""
    locking.bump_version(
        sheet,
        expected_version,
        StaleEdit(
            _(
                "Someone else saved this sheet after you opened it, so your save was refused. Your input is kept "
                "below: compare it with their changes (open the sheet in a new tab), then save again to keep yours."
            )
        ),
        touch="updated_at",
    )


def _leaves(sheet: Sheet) -> dict[int, Criterion]:
    return {c.pk: c for c in sheet.year.criteria_table.criteria.filter(is_leaf=True)}


def _validate_points(leaves: dict[int, Criterion], entries: dict[int, Entry]) -> None:
    errors = {}
    for criterion_id, entry in entries.items():
        criterion = leaves.get(criterion_id)
        if criterion is None:
            raise ValidationError(_("The criteria table has changed; reload the page."))
        if entry.points is None:
            continue
        if entry.points < 0:
            errors[f"points_{criterion_id}"] = _("Points cannot be negative.")
        elif entry.points > criterion.max_points:
            errors[f"points_{criterion_id}"] = _("At most %(max)s points for %(code)s.") % {
                "max": criterion.max_points,
                "code": criterion.code,
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sheet_save(
    *,
    sheet: Sheet,
    entries: dict[int, Entry],
    files: dict[int, list[UploadedFile]] | None = None,
    remove_evidence: list[int] | None = None,
    expected_version: int | None,
    by,
) -> Sheet:
    """Save the unit's draft: points, explanations and new evidence; every change of points is kept."""
    ensure_can(by, "scoring.sheet.fill", sheet)
    leaves = _leaves(sheet)
    _validate_points(leaves, entries)
    _bump_version(sheet, expected_version)
    scores = {s.criterion_id: s for s in sheet.scores.all()}
    changes = []
    for criterion_id, entry in entries.items():
        score = scores.get(criterion_id)
        if score is None:
            if entry.points is None and not entry.text:
                continue
            score = Score.objects.create(sheet=sheet, criterion_id=criterion_id)
            scores[criterion_id] = score
        if score.self_points != entry.points:
            changes.append(
                ScoreChange(
                    score=score,
                    field=ScoreField.SELF,
                    old_value=score.self_points,
                    new_value=entry.points,
                    changed_by=by,
                )
            )
        if score.self_points != entry.points or score.explanation != entry.text:
            score.self_points, score.explanation = entry.points, entry.text
            score.save(update_fields=["self_points", "explanation"])
    ScoreChange.objects.bulk_create(changes)
    adding = sum(upload.size or 0 for uploads in (files or {}).values() for upload in uploads)
    if adding:
        removing = Evidence.objects.filter(pk__in=remove_evidence or [], score__sheet=sheet).aggregate(
            n=models.Sum("size")
        )["n"]
        check_storage_quota(unit=sheet.unit, year=sheet.year, adding=adding - (removing or 0))
    for criterion_id, uploads in (files or {}).items():
        if criterion_id not in leaves:
            continue
        score = scores.get(criterion_id) or Score.objects.create(sheet=sheet, criterion_id=criterion_id)
        scores[criterion_id] = score
        for upload in uploads:
            evidence = Evidence(score=score, original_name=upload.name[:255], size=upload.size, uploaded_by=by)
            evidence.file.save(upload.name, upload, save=False)
            evidence.save()
    if remove_evidence:
        doomed = Evidence.objects.filter(pk__in=remove_evidence, score__sheet=sheet)
        for evidence in doomed:
            evidence.file.delete(save=False)
        doomed.delete()
    audit(by, "scoring.sheet.saved", sheet, changed=len(changes))
    return sheet


def _snapshot(sheet: Sheet) -> tuple[dict, Decimal]:
    table = sheet.year.criteria_table
    tree = criteria_tree(table)
    scores = {s.criterion_id: s for s in sheet.scores.prefetch_related("evidence")}
    items = {}
    points = {}
    for node in tree:
        if not node.is_leaf:
            continue
        score = scores.get(node.pk)
        points[node.pk] = score.self_points if score else None
        items[node.code] = {
            "points": str(score.self_points) if score and score.self_points is not None else None,
            "explanation": score.explanation if score else "",
            "evidence": [e.original_name for e in score.evidence.all()] if score else [],
        }
    totals = sheet_totals(
        tree,
        points,
        bonus_cap=sheet.year.setting("bonus_cap"),
        deduction_cap=sheet.year.setting("deduction_cap"),
    )
    return items, totals["total"]


@transaction.atomic
def sheet_submit(
    *, sheet: Sheet, expected_version: int | None, by, at: datetime.datetime | None = None
) -> SheetVersion:
    """Send the sheet to the reviewer. After its due date (the unit's own entry in the calendar, its extension,
    if it has one) it is accepted and marked late for the bloc's grace period, then refused until the leader
    extends it (blocs.deadlines, the rule reports follow too). Each submission is kept as a version that never
    changes."""
    ensure_can(by, "scoring.sheet.fill", sheet)
    at = at or timezone.now()
    year = sheet.year
    deadline = self_assessment_deadline(year=year, unit=sheet.unit)
    first = sheet.versions.order_by("number").first()
    # A correction the reviewer asked for is never refused for the deadline, and late only if the first
    # sending was.
    late = first.is_late if first is not None else (deadline is not None and at > deadline.due_at)
    if first is None and late:
        deadline.year = year  # the closing reads the year's settings
        closed = closes_at(deadline)
        if at > closed:
            if year.setting("late_self_assessment") == "closed":
                raise ValidationError(
                    _("The self-assessment deadline has passed and this bloc accepts no late sheets.")
                )
            raise ValidationError(
                _(
                    "The self-assessment closed on %(date)s (late sheets are taken only during the bloc's grace "
                    "period after the due date); the leader unit can extend it for your unit."
                )
                % {"date": timezone.localtime(closed).strftime("%d/%m/%Y %H:%M")},
                code="closed",
            )
    if deadline is not None and deadline.opens_at and at < deadline.opens_at:
        raise ValidationError(_("Self-assessment is not open yet."))
    leaves = _leaves(sheet)
    scores = {s.criterion_id: s for s in sheet.scores.prefetch_related("evidence")}
    errors = {}
    for criterion in leaves.values():
        score = scores.get(criterion.pk)
        if criterion.kind == CriterionKind.STANDARD and (score is None or score.self_points is None):
            errors[f"points_{criterion.pk}"] = _("Score %(code)s before sending (0 is a score).") % {
                "code": criterion.code
            }
        elif (
            criterion.evidence_required
            and score is not None
            and (score.self_points or 0) > 0
            and not score.evidence.all()
        ):
            errors[f"evidence_{criterion.pk}"] = _("%(code)s needs evidence.") % {"code": criterion.code}
    if errors:
        raise ValidationError(errors)
    _bump_version(sheet, expected_version)
    items, total = _snapshot(sheet)
    number = (sheet.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = SheetVersion.objects.create(
        sheet=sheet,
        number=number,
        submitted_at=at,
        submitted_by=by,
        is_late=late,
        self_total=total,
        snapshot=items,
    )
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = at
    sheet.is_late = late
    sheet.return_note = ""
    sheet.save(update_fields=["status", "submitted_at", "is_late", "return_note", "updated_at"])
    audit(by, "scoring.sheet.submitted", sheet, version=number, late=late)
    reviewer_unit = sheet.reviewer_unit
    if reviewer_unit is not None:
        notify_unit(
            reviewer_unit,
            title=later(gettext_noop("%(unit)s sent its self-assessment"), unit=sheet.unit.short_name),
            body=later(
                gettext_noop("Version %(n)s, total %(total)s points, late.")
                if late
                else gettext_noop("Version %(n)s, total %(total)s points."),
                n=number,
                total=total,
            ),
            link=reverse(
                "scoring:review-sheet",
                kwargs={"slug": year.bloc.slug, "year": year.year, "unit_id": sheet.unit_id},
            ),
            key=f"sheet-submitted:{sheet.pk}:{number}",
        )
    return version


def sheet_save_or_send(
    *,
    sheet: Sheet,
    entries: dict[int, Entry],
    files: dict[int, list[UploadedFile]] | None = None,
    kept: dict[int, list[PendingUpload]] | None = None,
    remove_evidence: list[int] | None = None,
    expected_version: int | None,
    send: bool = False,
    by,
) -> Sheet:
    """The sheet page's "Save draft" and "Send for review": the draft is saved (its first save makes the sheet,
    which may still be unsaved here) and, with `send`, then sent.

    `kept`: by criterion, the files `by` chose on earlier refused posts of the page (core.pending), attached before
    the new `files` and no longer pending once the draft is saved.

    One transaction. A refused save stores nothing, not even the sheet (StaleEdit says who was first and carries
    the sheet they saved), and the kept files stay pending. A refused sending rolls back alone: the saved draft is
    kept and NotSent says why. Audit rows and the reviewer's notification are sheet_save's and sheet_submit's."""
    ensure_can(by, "scoring.sheet.fill", sheet)
    refused = None
    kept_rows = [row for rows in (kept or {}).values() for row in rows]
    try:
        with transaction.atomic(), pending.opened(kept_rows, owner=by) as kept_files:
            if sheet.pk is None:
                sheet = sheet_for(year=sheet.year, unit=sheet.unit)
            sheet_save(
                sheet=sheet,
                entries=entries,
                files=_kept_then_new(kept or {}, kept_files, files or {}),
                remove_evidence=remove_evidence,
                expected_version=expected_version,
                by=by,
            )
            pending.pending_attached(rows=[row for row in kept_rows if row.owner_id == by.pk])
            if send:
                try:
                    # Its own savepoint (sheet_submit is atomic): a refusal undoes the sending, not the save.
                    sheet_submit(sheet=sheet, expected_version=sheet.version, by=by)
                except ValidationError as error:
                    refused = error
    except StaleEdit as error:
        error.sheet = sheet
        raise
    if refused is not None:
        raise NotSent(refused, sheet=sheet) from refused
    return sheet


def _kept_then_new(kept: dict[int, list[PendingUpload]], opened: list[tuple[PendingUpload, File]], files: dict):
    """The files to attach by criterion: those kept from earlier refused posts (open), then the new ones."""
    criterion_of = {row.pk: criterion_id for criterion_id, rows in kept.items() for row in rows}
    merged: dict[int, list] = {}
    for row, file in opened:
        merged.setdefault(criterion_of[row.pk], []).append(file)
    for criterion_id, uploads in files.items():
        merged.setdefault(criterion_id, []).extend(uploads)
    return merged


# --- review --------------------------------------------------------------------------------------------


@transaction.atomic
def sheet_review(*, sheet: Sheet, entries: dict[int, Entry], expected_version: int | None, by) -> Sheet:
    """The reviewer's points beside the unit's: a value that differs needs a reason, deductions included."""
    ensure_can(by, "scoring.sheet.review", sheet)
    if sheet.status not in (SheetStatus.SUBMITTED, SheetStatus.REVIEWED):
        raise ValidationError(_("Only a submitted sheet can be reviewed."))
    leaves = _leaves(sheet)
    _validate_points(leaves, entries)
    scores = {s.criterion_id: s for s in sheet.scores.all()}
    errors = {}
    for criterion_id, entry in entries.items():
        score = scores.get(criterion_id)
        own = score.self_points if score else None
        if entry.points is not None and entry.points != (own or Decimal(0)) and not entry.text.strip():
            errors[f"reason_{criterion_id}"] = _("Give the reason for changing %(code)s.") % {
                "code": leaves[criterion_id].code
            }
    if errors:
        raise ValidationError(errors)
    _bump_version(sheet, expected_version)
    changes = []
    for criterion_id, entry in entries.items():
        score = scores.get(criterion_id)
        if score is None:
            if entry.points is None:
                continue
            score = Score.objects.create(sheet=sheet, criterion_id=criterion_id)
        own = score.self_points
        new = entry.points if entry.points is not None and entry.points != (own or Decimal(0)) else None
        if new != score.reviewed_points:
            changes.append(
                ScoreChange(
                    score=score,
                    field=ScoreField.REVIEWED,
                    old_value=score.reviewed_points,
                    new_value=new,
                    reason=entry.text,
                    changed_by=by,
                )
            )
            score.reviewed_points = new
            score.review_reason = entry.text if new is not None else ""
            score.save(update_fields=["reviewed_points", "review_reason"])
    ScoreChange.objects.bulk_create(changes)
    sheet.status = SheetStatus.REVIEWED
    sheet.save(update_fields=["status", "updated_at"])
    audit(by, "scoring.sheet.reviewed", sheet, changed=len(changes))
    return sheet


@transaction.atomic
def sheet_return(*, sheet: Sheet, note: str, by) -> Sheet:
    """Return for correction: the unit gets a new draft from its submitted version (kept unchanged)."""
    ensure_can(by, "scoring.sheet.review", sheet)
    if sheet.status not in (SheetStatus.SUBMITTED, SheetStatus.REVIEWED):
        raise ValidationError(_("Only a submitted sheet can be returned."))
    if not note.strip():
        raise ValidationError({"note": _("Say what the unit should correct.")})
    Sheet.objects.filter(pk=sheet.pk).update(version=F("version") + 1)
    sheet.status = SheetStatus.RETURNED
    sheet.return_note = note
    sheet.save(update_fields=["status", "return_note", "updated_at"])
    sheet.refresh_from_db(fields=["version"])
    audit(by, "scoring.sheet.returned", sheet, note=note)
    year = sheet.year
    notify_unit(
        sheet.unit,
        title=later(gettext_noop("Your self-assessment was returned for correction")),
        body=note,
        link=reverse("scoring:my-sheet", kwargs={"slug": year.bloc.slug, "year": year.year}),
        key=f"sheet-returned:{sheet.pk}:{sheet.version}",
    )
    return sheet


@transaction.atomic
def sheet_finalize(*, sheet: Sheet, by, at: datetime.datetime | None = None) -> Sheet:
    ensure_can(by, "scoring.sheet.review", sheet)
    if sheet.status not in (SheetStatus.SUBMITTED, SheetStatus.REVIEWED):
        raise ValidationError(_("Only a submitted or reviewed sheet can be finalized."))
    Sheet.objects.filter(pk=sheet.pk).update(version=F("version") + 1)
    sheet.status = SheetStatus.FINAL
    sheet.finalized_at = at or timezone.now()
    sheet.save(update_fields=["status", "finalized_at", "updated_at"])
    audit(by, "scoring.sheet.finalized", sheet)
    year = sheet.year
    notify_unit(
        sheet.unit,
        title=later(gettext_noop("Your self-assessment was finalized")),
        body=later(gettext_noop("The reviewer closed the review of your sheet for %(year)s."), year=year.year),
        link=reverse("scoring:my-sheet", kwargs={"slug": year.bloc.slug, "year": year.year}),
        key=f"sheet-final:{sheet.pk}",
    )
    return sheet


@transaction.atomic
def ranking_publish(*, year: EmulationYear, by, at: datetime.datetime | None = None) -> CriteriaTable:
    from .selectors import publishable

    ensure_can(by, "scoring.ranking.publish", year)
    ok, waiting = publishable(year)
    if not ok:
        if waiting:
            raise ValidationError(
                _("These sheets still wait for review or correction: %(units)s.")
                % {"units": ", ".join(u.short_name for u in waiting)}
            )
        raise ValidationError(_("No sheet has been finalized yet."))
    table = CriteriaTable.objects.select_for_update().get(year=year)
    if table.is_published:
        raise ValidationError(_("The ranking is already published."))
    table.ranking_published_at = at or timezone.now()
    table.ranking_published_by = by
    table.save(update_fields=["ranking_published_at", "ranking_published_by", "updated_at"])
    audit(by, "scoring.ranking.published", table)
    return table
