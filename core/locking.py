"""Optimistic locking, once: a form carries the version of the record it was opened on; a save made from a form
opened before someone else's save is refused, and nothing changes.

A service calls `bump_version` inside its transaction (one conditional UPDATE: the check and the increment are one
statement, so two saves at the same moment cannot both pass), or `check_version` on a row it has already locked
with select_for_update. Either raises `StaleEdit` (a ValidationError, so views show it like any other refusal);
apps subclass it to say what was stale and, where a page needs it, to carry the record as it now is.
"""

from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils import timezone


class StaleEdit(ValidationError):
    """Someone saved the record after this form was opened: the save was refused and nothing changed."""


def check_version(current: int, expected: int | None, error: StaleEdit) -> None:
    """Refuse with `error` when the form's version (`expected`; None: not asked) is not the record's (`current`)."""
    if expected is not None and current != expected:
        raise error


def bump_version(
    instance: Model, expected: int | None, error: StaleEdit, *, field: str = "version", touch: str | None = None
) -> int:
    """Add one to `instance.<field>` in the database if it still is `expected` (any value when None), and refresh
    it on the instance; refuse with `error` otherwise. `touch` names a timestamp field set to now as well.
    Returns the new version."""
    query = type(instance)._default_manager.filter(pk=instance.pk)
    if expected is not None:
        query = query.filter(**{field: expected})
    values = {field: F(field) + 1}
    if touch:
        values[touch] = timezone.now()
    if query.update(**values) != 1:
        raise error
    instance.refresh_from_db(fields=[field, *([touch] if touch else [])])
    return getattr(instance, field)
