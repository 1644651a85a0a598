"""Every write of the blocs app that carries a business rule: one transaction, one audit row each."""

import datetime
import re
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.audit import audit
from core.notifications import notify
from core.permissions import ensure_can

from .enums import LeaderSource, Phase
from .models import (
    Bloc,
    Deadline,
    EmulationYear,
    LeaderTerm,
    Membership,
    Person,
    RegisterEntry,
    RotationSlot,
    Unit,
)
from .pagecache import touch_bloc
from .selectors import members_in_year, next_leaders_from_rotation
from .signals import year_opened


def ascii_slug(text: str) -> str:
    return slugify(text.replace("Đ", "D").replace("đ", "d"), allow_unicode=False)


@transaction.atomic
def unit_save(*, unit: Unit, by) -> Unit:
    ensure_can(by, "blocs.setup", unit.province)
    unit.code = unit.code.strip().upper()
    unit.full_clean()
    created = unit.pk is None
    unit.save()
    audit(by, "blocs.unit.created" if created else "blocs.unit.updated", unit)
    return unit


@transaction.atomic
def bloc_save(*, bloc: Bloc, by) -> Bloc:
    ensure_can(by, "blocs.setup", bloc.province)
    bloc.code = bloc.code.strip().upper()
    if not bloc.slug:
        base = ascii_slug(bloc.code) or "khoi"
        slug = base
        if Bloc.objects.filter(slug=slug).exclude(pk=bloc.pk).exists():
            slug = f"{ascii_slug(bloc.province.code)}-{base}"
        suffix = 2
        while Bloc.objects.filter(slug=slug).exclude(pk=bloc.pk).exists():
            slug = f"{ascii_slug(bloc.province.code)}-{base}-{suffix}"
            suffix += 1
        bloc.slug = slug
    bloc.full_clean()
    created = bloc.pk is None
    bloc.save()
    audit(by, "blocs.bloc.created" if created else "blocs.bloc.updated", bloc)
    return bloc


@transaction.atomic
def bloc_settings_set(*, bloc: Bloc, values: dict, by) -> Bloc:
    ensure_can(by, "blocs.bloc.manage", bloc)
    old = dict(bloc.settings)
    bloc.settings = {**bloc.settings, **values}
    bloc.save(update_fields=["settings", "updated_at"])
    changed = {k: {"old": old.get(k), "new": v} for k, v in values.items() if old.get(k) != v}
    audit(by, "blocs.bloc.settings_changed", bloc, changed=changed)
    return bloc


@transaction.atomic
def year_settings_set(*, emulation_year: EmulationYear, values: dict, by) -> EmulationYear:
    """Override the bloc's settings for one year: only the values that differ from the bloc's are kept."""
    ensure_can(by, "blocs.year.manage", emulation_year)
    old = dict(emulation_year.settings_override)
    override = {k: v for k, v in values.items() if v != emulation_year.bloc.setting(k)}
    emulation_year.settings_override = override
    emulation_year.save(update_fields=["settings_override", "updated_at"])
    audit(by, "blocs.year.settings_changed", emulation_year, old=old, new=override)
    return emulation_year


def _lock_bloc(bloc: Bloc) -> Bloc:
    """Serialise writers of one bloc's memberships, rotation and years (a row lock on PostgreSQL)."""
    return Bloc.objects.select_for_update().get(pk=bloc.pk)


def _overlapping(bloc: Bloc, unit: Unit, start: int, end: int | None, exclude_pk=None):
    qs = Membership.objects.filter(bloc=bloc, unit=unit).exclude(pk=exclude_pk)
    far = 9999
    return [m for m in qs if m.start_year <= (end or far) and start <= (m.end_year or far)]


@transaction.atomic
def membership_add(
    *, bloc: Bloc, unit: Unit, start_year: int, end_year: int | None = None, note: str = "", by
) -> Membership:
    ensure_can(by, "blocs.bloc.manage", bloc)
    _lock_bloc(bloc)
    if unit.province_id != bloc.province_id:
        raise ValidationError({"unit": _("The unit belongs to another province.")})
    if end_year is not None and end_year < start_year:
        raise ValidationError({"end_year": _("The last year cannot come before the first year.")})
    clash = _overlapping(bloc, unit, start_year, end_year)
    if clash:
        raise ValidationError(
            {
                "start_year": _("%(unit)s is already a member of this bloc for %(period)s; the periods overlap.")
                % {"unit": unit.short_name, "period": clash[0].period}
            }
        )
    membership = Membership.objects.create(bloc=bloc, unit=unit, start_year=start_year, end_year=end_year, note=note)
    audit(by, "blocs.membership.added", membership, unit=unit.pk, start_year=start_year, end_year=end_year)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, end_year: int, by) -> Membership:
    ensure_can(by, "blocs.bloc.manage", membership.bloc)
    _lock_bloc(membership.bloc)
    if end_year < membership.start_year:
        raise ValidationError({"end_year": _("The last year cannot come before the first year.")})
    led = (
        EmulationYear.objects.filter(bloc=membership.bloc, year__gt=end_year, year__gte=membership.start_year)
        .filter(models.Q(leader=membership.unit) | models.Q(deputy=membership.unit))
        .order_by("year")
        .first()
    )
    if led is not None:
        raise ValidationError(
            {
                "end_year": _("%(unit)s leads or deputises the bloc in %(year)s; change that year first.")
                % {"unit": membership.unit.short_name, "year": led.year}
            }
        )
    clash = _overlapping(membership.bloc, membership.unit, membership.start_year, end_year, exclude_pk=membership.pk)
    if clash:
        raise ValidationError({"end_year": _("The periods of this unit's memberships would overlap.")})
    old = membership.end_year
    membership.end_year = end_year
    membership.save(update_fields=["end_year", "updated_at"])
    audit(by, "blocs.membership.ended", membership, old_end_year=old, end_year=end_year)
    return membership


@transaction.atomic
def rotation_set(*, bloc: Bloc, units: Sequence[Unit], by) -> list[RotationSlot]:
    """Replace the bloc's rotation order; a unit may appear once."""
    ensure_can(by, "blocs.bloc.manage", bloc)
    _lock_bloc(bloc)
    seen: set[int] = set()
    for unit in units:
        if unit.pk in seen:
            raise ValidationError(_("%(unit)s appears twice in the rotation order.") % {"unit": unit.short_name})
        if unit.province_id != bloc.province_id:
            raise ValidationError(_("%(unit)s belongs to another province.") % {"unit": unit.short_name})
        seen.add(unit.pk)
    old = list(bloc.rotation.values_list("unit_id", flat=True))
    bloc.rotation.all().delete()
    slots = RotationSlot.objects.bulk_create(
        RotationSlot(bloc=bloc, unit=unit, position=i) for i, unit in enumerate(units, start=1)
    )
    audit(by, "blocs.rotation.set", bloc, old=old, new=[u.pk for u in units])
    return slots


def _check_leaders(bloc: Bloc, year: int, leader: Unit | None, deputy: Unit | None) -> None:
    members = {u.pk for u in members_in_year(bloc=bloc, year=year)}
    errors = {}
    if leader is None:
        errors["leader"] = _("Choose the leader unit.")
    elif leader.pk not in members:
        errors["leader"] = _("%(unit)s is not a member of the bloc in %(year)s.") % {
            "unit": leader.short_name,
            "year": year,
        }
    if deputy is not None:
        if deputy.pk not in members:
            errors["deputy"] = _("%(unit)s is not a member of the bloc in %(year)s.") % {
                "unit": deputy.short_name,
                "year": year,
            }
        elif leader is not None and deputy.pk == leader.pk:
            errors["deputy"] = _("The deputy leader unit must differ from the leader unit.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def year_create(
    *,
    bloc: Bloc,
    year: int,
    leader: Unit,
    deputy: Unit | None,
    by,
    source: str = LeaderSource.SETUP,
    note: str = "",
    phase: str = Phase.LAUNCH,
) -> EmulationYear:
    ensure_can(by, "blocs.bloc.manage", bloc)
    return _year_create(
        bloc=bloc, year=year, leader=leader, deputy=deputy, by=by, source=source, note=note, phase=phase
    )


def _year_create(
    *, bloc: Bloc, year: int, leader: Unit, deputy: Unit | None, by, source: str, note: str, phase: str
) -> EmulationYear:
    _lock_bloc(bloc)
    if EmulationYear.objects.filter(bloc=bloc, year=year).exists():
        raise ValidationError({"year": _("The bloc already has the year %(year)s.") % {"year": year}})
    _check_leaders(bloc, year, leader, deputy)
    try:
        with transaction.atomic():
            emulation_year = EmulationYear.objects.create(
                bloc=bloc, year=year, leader=leader, deputy=deputy, phase=phase
            )
    except IntegrityError as exc:  # a concurrent request created it first
        raise ValidationError({"year": _("The bloc already has the year %(year)s.") % {"year": year}}) from exc
    LeaderTerm.objects.create(
        bloc=bloc, year=year, leader=leader, deputy=deputy, source=source, note=note, recorded_by=by
    )
    audit(by, "blocs.year.created", emulation_year, leader=leader.pk, deputy=deputy.pk if deputy else None)
    return emulation_year


@transaction.atomic
def year_update(
    *, emulation_year: EmulationYear, leader: Unit, deputy: Unit | None, phase: str, note: str = "", by
) -> EmulationYear:
    ensure_can(by, "blocs.year.manage", emulation_year)
    _lock_bloc(emulation_year.bloc)
    _check_leaders(emulation_year.bloc, emulation_year.year, leader, deputy)
    old = {
        "leader": emulation_year.leader_id,
        "deputy": emulation_year.deputy_id,
        "phase": emulation_year.phase,
    }
    leaders_changed = (leader.pk, deputy.pk if deputy else None) != (old["leader"], old["deputy"])
    emulation_year.leader, emulation_year.deputy, emulation_year.phase = leader, deputy, phase
    emulation_year.save(update_fields=["leader", "deputy", "phase", "updated_at"])
    if leaders_changed:
        LeaderTerm.objects.create(
            bloc=emulation_year.bloc,
            year=emulation_year.year,
            leader=leader,
            deputy=deputy,
            source=LeaderSource.OVERRIDE,
            note=note,
            recorded_by=by,
        )
    audit(
        by,
        "blocs.year.updated",
        emulation_year,
        old=old,
        new={"leader": leader.pk, "deputy": deputy.pk if deputy else None, "phase": phase},
        note=note,
    )
    return emulation_year


def _shift_years_in_text(text: str, base_year: int) -> str:
    """Move every year near the base year one year on: "năm 2020, phương hướng năm 2021" becomes
    "năm 2021, phương hướng năm 2022" (dates like 20/10/2020 included)."""

    def shift(match: re.Match) -> str:
        year = int(match.group(0))
        return str(year + 1) if base_year - 1 <= year <= base_year + 5 else match.group(0)

    return re.sub(r"(?<!\d)(?:19|20)\d{2}(?!\d)", shift, text)


def _shift_one_year(moment: datetime.datetime | None) -> datetime.datetime | None:
    if moment is None:
        return None
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year + 1)
    except ValueError:  # 29 February
        return local.replace(year=local.year + 1, day=28)


@transaction.atomic
def year_open_next(
    *,
    current: EmulationYear,
    by,
    leader: Unit | None = None,
    deputy: Unit | None = None,
    source: str = LeaderSource.ROTATION,
    note: str = "",
    copy_calendar: bool = True,
) -> EmulationYear:
    """Open year N+1 (the board): leader and deputy from the rotation unless chosen."""
    ensure_can(by, "blocs.bloc.manage", current.bloc)
    return _open_next(
        current=current, by=by, leader=leader, deputy=deputy, source=source, note=note, copy_calendar=copy_calendar
    )


@transaction.atomic
def year_open_elected(
    *, current: EmulationYear, leader: Unit, deputy: Unit | None, by, note: str = ""
) -> EmulationYear:
    """The conference of year N confirmed next year's leader and deputy: open N+1 with them, or, if the board
    already opened it, put them in place. The leader unit of year N runs the election, so it may do this."""
    ensure_can(by, "blocs.year.open_elected", current)
    existing = EmulationYear.objects.filter(bloc=current.bloc, year=current.year + 1).first()
    if existing is None:
        return _open_next(current=current, by=by, leader=leader, deputy=deputy, source=LeaderSource.ELECTION, note=note)
    _lock_bloc(existing.bloc)
    _check_leaders(existing.bloc, existing.year, leader, deputy)
    old = {"leader": existing.leader_id, "deputy": existing.deputy_id}
    existing.leader, existing.deputy = leader, deputy
    existing.save(update_fields=["leader", "deputy", "updated_at"])
    LeaderTerm.objects.create(
        bloc=existing.bloc,
        year=existing.year,
        leader=leader,
        deputy=deputy,
        source=LeaderSource.ELECTION,
        note=note,
        recorded_by=by,
    )
    audit(
        by, "blocs.year.elected", existing, old=old, new={"leader": leader.pk, "deputy": deputy.pk if deputy else None}
    )
    return existing


def _open_next(
    *,
    current: EmulationYear,
    by,
    leader: Unit | None,
    deputy: Unit | None,
    source: str,
    note: str,
    copy_calendar: bool = True,
) -> EmulationYear:
    """Memberships carry forward (open-ended memberships simply continue; those that ended with year N do
    not), the history is recorded, the calendar is seeded from year N's dates moved one year on, and the
    `year_opened` signal lets later apps copy what they own (the criteria table, the plan's tasks for the
    next leader)."""
    bloc = current.bloc
    next_year = current.year + 1
    if leader is None:
        proposed_leader, proposed_deputy = next_leaders_from_rotation(current=current)
        leader = proposed_leader
        deputy = deputy or proposed_deputy
    if leader is None:
        raise ValidationError(_("The rotation proposes no leader: set the rotation order or choose a leader."))
    opened = _year_create(
        bloc=bloc, year=next_year, leader=leader, deputy=deputy, by=by, source=source, note=note, phase=Phase.LAUNCH
    )
    opened.settings_override = dict(current.settings_override)
    opened.save(update_fields=["settings_override"])
    if copy_calendar:
        members = {u.pk for u in members_in_year(bloc=bloc, year=next_year)}
        touch_bloc(bloc.pk)  # bulk_create sends no signal
        Deadline.objects.bulk_create(
            Deadline(
                year=opened,
                kind=d.kind,
                title=_shift_years_in_text(d.title, current.year),
                description=_shift_years_in_text(d.description, current.year),
                audience=d.audience,
                unit=d.unit,
                opens_at=_shift_one_year(d.opens_at),
                due_at=_shift_one_year(d.due_at),
            )
            for d in current.deadlines.all()
            if d.unit_id is None or d.unit_id in members
        )
    audit(by, "blocs.year.opened_next", opened, previous=current.pk)
    year_opened.send(sender=EmulationYear, year=opened, previous=current, by=by)
    return opened


@transaction.atomic
def deadline_save(*, deadline: Deadline, by) -> Deadline:
    ensure_can(by, "blocs.calendar.edit", deadline.year)
    deadline.full_clean()
    created = deadline.pk is None
    deadline.save()
    audit(by, "blocs.deadline.created" if created else "blocs.deadline.updated", deadline)
    return deadline


@transaction.atomic
def deadline_delete(*, deadline: Deadline, by) -> None:
    ensure_can(by, "blocs.calendar.edit", deadline.year)
    audit(by, "blocs.deadline.deleted", deadline, title=deadline.title, due_at=deadline.due_at.isoformat())
    deadline.delete()


def register_next_number(*, bloc: Bloc, year: int, doc_type: str) -> int:
    last = (
        RegisterEntry.objects.filter(bloc=bloc, year=year, doc_type=doc_type)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def register_take(*, bloc: Bloc, year: int, doc_type: str, number: int, title: str, by) -> RegisterEntry:
    """Record a number in the bloc's register; a number already used is refused."""
    _lock_bloc(bloc)
    taken = RegisterEntry.objects.filter(bloc=bloc, year=year, doc_type=doc_type, number=number).first()
    if taken is not None:
        raise ValidationError(
            {
                "number": _("Number %(number)s/%(type)s-%(code)s of %(year)s is already used for “%(title)s”.")
                % {"number": f"{number:02d}", "type": doc_type, "code": bloc.code, "year": year, "title": taken.title}
            }
        )
    entry = RegisterEntry.objects.create(bloc=bloc, year=year, doc_type=doc_type, number=number, title=title)
    audit(by, "blocs.register.taken", entry)
    return entry


def notify_unit(unit: Unit, *, title, body, link: str, key: str) -> None:
    """Notify every active officer of a unit (in-app and by e-mail through the outbox)."""
    users = [p.user for p in Person.objects.filter(unit=unit, user__is_active=True).select_related("user")]
    if users:
        notify(users=users, title=title, body=body, link=link, dedupe_key=key)
