"""Signals of the blocs app, for later apps to add what they own without blocs importing them."""

from django.dispatch import Signal

# Sent inside the transaction that opened year N+1: year=the new EmulationYear, previous=year N, by=the user.
year_opened = Signal()
