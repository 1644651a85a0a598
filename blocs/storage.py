"""The storage quota of a unit in an emulation year: what its uploads (evidence, report files, award dossiers)
may take together, the bloc setting `storage_quota_mb`.

Each app that stores a unit's files registers, in its AppConfig.ready, how to find their sizes: a function
(unit id, year id) -> a queryset of its file rows with a `size` field. `storage_used` sums them all in one query
(one scalar subquery per registered kind); `check_storage_quota` refuses an upload that would pass the quota,
saying the quota and what is used. The check belongs in the service that saves the file, inside its transaction.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import F, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import EmulationYear, Unit

_SOURCES: dict[str, Callable[[int, int], QuerySet]] = {}


def register(name: str, sizes: Callable[[int, int], QuerySet]) -> None:
    """`sizes(unit_id, year_id)`: the rows of one kind of file a unit stored in a year (a `size` field each)."""
    _SOURCES[name] = sizes


def storage_used(*, unit: Unit, year: EmulationYear) -> int:
    """Bytes the unit's files of the year take, every registered kind together (one query)."""
    if not _SOURCES:
        return 0
    totals = {
        name: Coalesce(
            Subquery(
                sizes(unit.pk, year.pk).order_by().annotate(total=Func(F("size"), function="SUM")).values("total")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )
        for name, sizes in _SOURCES.items()
    }
    row = Unit.objects.filter(pk=unit.pk).annotate(**{f"used_{n}": e for n, e in totals.items()})
    values = row.values(*(f"used_{n}" for n in totals)).first() or {}
    return sum(int(v or 0) for v in values.values())


def storage_quota(year: EmulationYear) -> int:
    return int(float(year.setting("storage_quota_mb")) * 1024 * 1024)


def check_storage_quota(*, unit: Unit, year: EmulationYear, adding: int) -> None:
    """Refuse `adding` more bytes for the unit's year if they would pass the quota."""
    quota = storage_quota(year)
    used = storage_used(unit=unit, year=year)
    if used + adding > quota:
        raise ValidationError(
            _(
                "%(unit)s has used %(used)s of its %(quota)s of files for %(year)s; this upload (%(size)s) would go "
                "over it. Remove files no longer needed, or ask the bloc's leader to raise the quota."
            )
            % {
                "unit": unit.short_name,
                "used": filesizeformat(used),
                "quota": filesizeformat(quota),
                "year": year.year,
                "size": filesizeformat(adding),
            },
            code="quota",
        )
