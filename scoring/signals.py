"""Receivers of other apps' signals."""

from django.dispatch import receiver

from blocs.signals import year_opened


@receiver(year_opened, dispatch_uid="scoring.copy_table_on_open")
def copy_table_on_open(sender, *, year, previous, by, **kwargs) -> None:
    from .services import copy_table_into_opened_year

    copy_table_into_opened_year(year=year, by=by)
