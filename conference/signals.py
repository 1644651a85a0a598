"""Receivers of other apps' signals."""

from django.dispatch import receiver

from blocs.signals import year_opened


@receiver(year_opened, dispatch_uid="conference.next_leader_tasks_on_open")
def next_leader_tasks_on_open(sender, *, year, previous, by, **kwargs) -> None:
    from .services.plan import next_leader_tasks_into

    next_leader_tasks_into(opened=year, previous=previous, by=by)
