"""The board's imports from Excel: the units and officers of its province, the members and rotation of a bloc.

Upload: the file is read and checked, against the database too, and kept as an ImportBatch (privately) for
the preview; nothing else is written, and a file with any problem is not kept at all. Confirm: the stored file
is read and checked again (the database may have changed since the preview), then everything is created in
one transaction, or nothing is. A batch is confirmed once; a cancelled one cannot be confirmed any more.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import ensure_can
from core.spreadsheets import fold, upload_bytes

from .. import services as bloc_services
from ..accounts.services import account_create, invitations_send
from ..models import Bloc, ImportBatch, Membership, Person, Province, Unit
from .parse import (
    MEMBERS_SHEET,
    OFFICERS_SHEET,
    UNITS_SHEET,
    ImportRefused,
    MemberRow,
    OfficerRow,
    RowError,
    UnitRow,
    period_text,
    read_members,
    read_people,
)

User = get_user_model()
LOOKUP_CHUNK = 500  # values per IN (…) when looking logins and addresses up


class BatchClosed(Exception):
    """The batch was already imported or cancelled: confirming or cancelling it again does nothing."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        super().__init__(batch.status)


# --- what a file will create ---------------------------------------------------------------------------------


@dataclass
class PlannedOfficer:
    data: OfficerRow
    unit_name: str  # the unit the account will belong to: one of the file, or an existing one
    unit: Unit | None  # the existing unit, if it is one


@dataclass
class PeoplePlan:
    units: list[UnitRow]
    officers: list[PlannedOfficer]


@dataclass
class PlannedMember:
    data: MemberRow
    unit: Unit

    @property
    def period(self) -> str:
        return period_text(self.data)


@dataclass
class MembersPlan:
    rows: list[PlannedMember]
    rotation: list[Unit] | None  # None: the rotation order stays as it is
    current_rotation: list[Unit] = field(default_factory=list)


def _taken(field_name: str, values: Iterable[str]) -> set[str]:
    """Which of these logins (or addresses) an account of ANY province already has, case-insensitively."""
    wanted = sorted({v.lower() for v in values if v})  # lower(), as the database's LOWER() does
    found: set[str] = set()
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        found.update(
            v.lower()
            for v in User.objects.annotate(key=Lower(field_name))
            .filter(key__in=chunk)
            .values_list(field_name, flat=True)
        )
    return found


def people_check(*, province: Province, data: bytes) -> PeoplePlan:
    """Read a units-and-officers workbook and check it against the province's units and every account;
    raise ImportRefused listing every problem. Writes nothing."""
    parsed = read_people(data, province=province)
    errors = list(parsed.errors)
    existing = {u.code.upper(): u for u in Unit.objects.filter(province=province)}
    existing_names = {fold(u.name): u for u in existing.values()}

    for row in parsed.units:
        if row.code and row.code in existing:
            errors.append(
                RowError(
                    _("The code “%(code)s” is already used by %(unit)s.")
                    % {"code": row.code, "unit": existing[row.code].name},
                    sheet=UNITS_SHEET,
                    row=row.row,
                )
            )
        if row.name and fold(row.name) in existing_names:
            errors.append(
                RowError(
                    _("The province already has a unit named “%(name)s” (code %(code)s).")
                    % {"name": existing_names[fold(row.name)].name, "code": existing_names[fold(row.name)].code},
                    sheet=UNITS_SHEET,
                    row=row.row,
                )
            )

    file_units = {row.code: row for row in parsed.units if row.code}
    logins = _taken("username", (o.username for o in parsed.officers))
    emails = _taken("email", (o.email for o in parsed.officers))
    officers: list[PlannedOfficer] = []
    for row in parsed.officers:

        def error(message: str, row=row) -> None:
            errors.append(RowError(message, sheet=OFFICERS_SHEET, row=row.row))

        # The messages say that a login or an address is taken, never by whom nor in which province.
        if row.username and row.username.lower() in logins:
            error(_("The login “%(username)s” is already taken.") % {"username": row.username})
        if row.email and row.email.lower() in emails:
            error(_("The address %(email)s is already used by another account.") % {"email": row.email})
        unit, unit_name = None, ""
        if row.unit_code in file_units:
            unit_name = file_units[row.unit_code].name or row.unit_code
        elif row.unit_code in existing:
            unit = existing[row.unit_code]
            unit_name = unit.name
            if not unit.is_active:
                error(_("The unit %(unit)s is inactive.") % {"unit": unit.name})
        elif row.unit_code:
            error(
                _(
                    "No unit has the code “%(code)s”: it is neither in the sheet “%(sheet)s” "
                    "nor among the active units of the province."
                )
                % {"code": row.unit_code, "sheet": UNITS_SHEET}
            )
        officers.append(PlannedOfficer(data=row, unit_name=unit_name, unit=unit))

    if errors:
        raise ImportRefused(errors)
    return PeoplePlan(units=parsed.units, officers=officers)


def members_check(*, bloc: Bloc, data: bytes) -> MembersPlan:
    """Read a members workbook and check it against the province's units and the bloc's memberships; raise
    ImportRefused listing every problem. Writes nothing."""
    parsed = read_members(data)
    errors = list(parsed.errors)
    units = {u.code.upper(): u for u in Unit.objects.filter(province_id=bloc.province_id)}
    memberships: dict[int, list[Membership]] = {}
    for membership in Membership.objects.filter(bloc=bloc):
        memberships.setdefault(membership.unit_id, []).append(membership)

    rows: list[PlannedMember] = []
    for row in parsed.rows:
        if not row.unit_code:
            continue
        unit = units.get(row.unit_code)
        if unit is None:
            errors.append(
                RowError(
                    _("No unit of the province has the code “%(code)s”.") % {"code": row.unit_code},
                    sheet=MEMBERS_SHEET,
                    row=row.row,
                )
            )
            continue
        if row.start_year is not None:
            far = 9999
            clash = [
                m
                for m in memberships.get(unit.pk, [])
                if m.start_year <= (row.end_year or far) and row.start_year <= (m.end_year or far)
            ]
            if clash:
                errors.append(
                    RowError(
                        _("%(unit)s is already a member of this bloc for %(period)s; the periods overlap.")
                        % {"unit": unit.short_name, "period": clash[0].period},
                        sheet=MEMBERS_SHEET,
                        row=row.row,
                    )
                )
        rows.append(PlannedMember(data=row, unit=unit))

    if errors:
        raise ImportRefused(errors)
    numbered = sorted((r for r in rows if r.data.rotation is not None), key=lambda r: r.data.rotation)
    current = [slot.unit for slot in bloc.rotation.select_related("unit").order_by("position")]
    return MembersPlan(rows=rows, rotation=[r.unit for r in numbered] or None, current_rotation=current)


def batch_plan(batch: ImportBatch) -> PeoplePlan | MembersPlan:
    """What the batch's file would create now (for the preview); raises ImportRefused if it no longer can."""
    data = _stored_bytes(batch)
    if batch.kind == ImportBatch.Kind.PEOPLE:
        return people_check(province=batch.province, data=data)
    return members_check(bloc=batch.bloc, data=data)


# --- upload --------------------------------------------------------------------------------------------------


def people_upload(*, province: Province, file, by) -> ImportBatch:
    """Check an uploaded workbook of units and officers and keep it for the preview (raises ImportRefused)."""
    ensure_can(by, "blocs.people.manage", province)
    data = upload_bytes(file)
    people_check(province=province, data=data)
    return _batch_create(kind=ImportBatch.Kind.PEOPLE, province=province, bloc=None, data=data, file=file, by=by)


def members_upload(*, bloc: Bloc, file, by) -> ImportBatch:
    """Check an uploaded workbook of a bloc's members and keep it for the preview (raises ImportRefused)."""
    ensure_can(by, "blocs.bloc.manage", bloc)
    data = upload_bytes(file)
    members_check(bloc=bloc, data=data)
    return _batch_create(kind=ImportBatch.Kind.MEMBERS, province=bloc.province, bloc=bloc, data=data, file=file, by=by)


@transaction.atomic
def _batch_create(*, kind: str, province: Province, bloc: Bloc | None, data: bytes, file, by) -> ImportBatch:
    name = getattr(file, "name", "") or "import.xlsx"
    batch = ImportBatch(
        province=province,
        bloc=bloc,
        kind=kind,
        file_name=name[-ImportBatch._meta.get_field("file_name").max_length :],
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    batch.file.save(f"{kind}.xlsx", ContentFile(data), save=False)
    batch.save()
    return batch


def _stored_bytes(batch: ImportBatch) -> bytes:
    try:
        with batch.file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, ValueError):  # ValueError: no file at all
        raise ImportRefused([RowError(_("The uploaded file is no longer there; upload it again."))]) from None


# --- confirm and cancel ---------------------------------------------------------------------------------------


def _ensure_may(by, batch: ImportBatch) -> None:
    if batch.kind == ImportBatch.Kind.PEOPLE:
        ensure_can(by, "blocs.people.manage", batch.province)
    else:
        ensure_can(by, "blocs.bloc.manage", batch.bloc)


def batch_confirm(*, batch: ImportBatch, by, invite: bool = False) -> ImportBatch:
    """Import the batch: read and check its file again, create everything in one transaction, mark it imported
    with what was created and write the audit row; then (`invite`, units and officers only) mail each new
    account its invitation after commit. Raises ImportRefused (nothing was created, and the batch is cancelled:
    its file must be corrected) or BatchClosed (it was already imported or cancelled)."""
    _ensure_may(by, batch)
    try:
        with transaction.atomic():
            locked = (
                ImportBatch.objects.select_for_update(of=("self",)).select_related("province", "bloc").get(pk=batch.pk)
            )
            if locked.status != ImportBatch.Status.PREVIEWED:
                raise BatchClosed(locked)
            data = _stored_bytes(locked)
            if locked.kind == ImportBatch.Kind.PEOPLE:
                locked.summary = _import_people(locked, data, invite=invite, by=by)
            else:
                locked.summary = _import_members(locked, data, by=by)
            locked.status = ImportBatch.Status.IMPORTED
            locked.imported_at = timezone.now()
            locked.save(update_fields=["summary", "status", "imported_at", "updated_at"])
    except ImportRefused:
        _close(batch)
        raise
    return locked


def _row_errors(error: ValidationError, *, sheet: str, row: int) -> list[RowError]:
    return [RowError(message, sheet=sheet, row=row) for message in error.messages]


def _import_people(batch: ImportBatch, data: bytes, *, invite: bool, by) -> dict:
    plan = people_check(province=batch.province, data=data)
    errors: list[RowError] = []
    units: dict[str, Unit] = {}
    for row in plan.units:
        unit = Unit(
            province=batch.province,
            name=row.name,
            short_name=row.short_name,
            code=row.code,
            parent_body=row.parent_body,
            email=row.email,
        )
        try:
            bloc_services.unit_save(unit=unit, by=by)
        except ValidationError as error:
            errors += _row_errors(error, sheet=UNITS_SHEET, row=row.row)
        except IntegrityError:  # created at the same moment by someone else
            errors.append(
                RowError(_("The code or the name of the unit is already used."), sheet=UNITS_SHEET, row=row.row)
            )
        else:
            units[row.code] = unit
    people: list[Person] = []
    for planned in plan.officers:
        row = planned.data
        unit = units.get(row.unit_code) or planned.unit
        if unit is None:
            continue  # its unit failed above, and says so
        try:
            person = account_create(
                by=by,
                username=row.username,
                full_name=row.full_name,
                email=row.email,
                position=row.position,
                phone=row.phone,
                unit=unit,
                invite=False,
            )
        except ValidationError as error:
            errors += _row_errors(error, sheet=OFFICERS_SHEET, row=row.row)
        else:
            people.append(person)
    if errors:
        raise ImportRefused(errors)
    sent = invitations_send(people=people, by=by) if invite else []
    summary = {
        "units": len(units),
        "officers": len(people),
        "invitations": len(sent),
        "unit_ids": [u.pk for u in units.values()],
        "person_ids": [p.pk for p in people],
    }
    audit(
        by,
        "blocs.import.people",
        batch,
        units=summary["units"],
        officers=summary["officers"],
        invitations=summary["invitations"],
        file_name=batch.file_name,
    )
    return summary


def _import_members(batch: ImportBatch, data: bytes, *, by) -> dict:
    bloc = batch.bloc
    plan = members_check(bloc=bloc, data=data)
    errors: list[RowError] = []
    created: list[Membership] = []
    for planned in plan.rows:
        row = planned.data
        try:
            created.append(
                bloc_services.membership_add(
                    bloc=bloc, unit=planned.unit, start_year=row.start_year, end_year=row.end_year, by=by
                )
            )
        except ValidationError as error:
            errors += _row_errors(error, sheet=MEMBERS_SHEET, row=row.row)
    if errors:
        raise ImportRefused(errors)
    if plan.rotation is not None:
        try:
            bloc_services.rotation_set(bloc=bloc, units=plan.rotation, by=by)
        except ValidationError as error:
            raise ImportRefused([RowError(message, sheet=MEMBERS_SHEET) for message in error.messages]) from None
    summary = {
        "members": len(created),
        "rotation": len(plan.rotation) if plan.rotation is not None else None,
        "membership_ids": [m.pk for m in created],
        "rotation_unit_ids": [u.pk for u in plan.rotation] if plan.rotation is not None else None,
    }
    audit(
        by,
        "blocs.import.members",
        batch,
        bloc=bloc.pk,
        members=summary["members"],
        rotation=summary["rotation_unit_ids"],
        file_name=batch.file_name,
    )
    return summary


@transaction.atomic
def batch_discard(*, batch: ImportBatch, by) -> ImportBatch:
    """Cancel a batch that was previewed and not imported; its file is deleted."""
    _ensure_may(by, batch)
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportBatch.Status.PREVIEWED:
        raise BatchClosed(locked)
    _close(locked)
    audit(by, "blocs.import.discarded", locked, kind=locked.kind, file_name=locked.file_name)
    locked.status = ImportBatch.Status.DISCARDED
    return locked


def _close(batch: ImportBatch) -> None:
    """Mark a batch cancelled, if it still was only previewed, and delete its file once that is committed: the
    file holds people's addresses and telephone numbers, and nobody will read it again."""
    changed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.DISCARDED, updated_at=timezone.now()
    )
    if changed and batch.file.name:
        storage, name = batch.file.storage, batch.file.name
        transaction.on_commit(lambda: storage.delete(name))


# --- what an import created ------------------------------------------------------------------------------------


@dataclass
class PeopleResult:
    units: list[Unit]
    people: list[Person]
    invitations: int


@dataclass
class MembersResult:
    memberships: list[Membership]
    rotation: list[Unit] | None


def batch_result(batch: ImportBatch) -> PeopleResult | MembersResult:
    """The records an imported batch created (those still there), for its result page."""
    summary = batch.summary or {}
    if batch.kind == ImportBatch.Kind.PEOPLE:
        return PeopleResult(
            units=list(Unit.objects.filter(pk__in=summary.get("unit_ids", [])).order_by("name")),
            people=list(
                Person.objects.filter(pk__in=summary.get("person_ids", []))
                .select_related("user", "unit")
                .order_by("unit__name", "user__full_name", "pk")
            ),
            invitations=summary.get("invitations", 0),
        )
    rotation_ids = summary.get("rotation_unit_ids")
    rotation = None
    if rotation_ids is not None:
        by_pk = Unit.objects.in_bulk(rotation_ids)
        rotation = [by_pk[pk] for pk in rotation_ids if pk in by_pk]
    return MembersResult(
        memberships=list(
            Membership.objects.filter(pk__in=summary.get("membership_ids", []))
            .select_related("unit")
            .order_by("unit__name", "start_year")
        ),
        rotation=rotation,
    )
