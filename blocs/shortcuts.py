"""Lookups every app's views share: a bloc's year from the URL, with what its pages and rules read."""

from django.shortcuts import get_object_or_404

from .models import EmulationYear

YEAR_RELATED = ("bloc__province", "leader", "deputy")


def year_or_404(slug: str, year: int, *related: str) -> EmulationYear:
    """The year of the bloc at /blocs/<slug>/years/<year>/ with its bloc, province, leader and deputy (and any
    `related` one-to-one or foreign keys), or a 404."""
    return get_object_or_404(EmulationYear.objects.select_related(*YEAR_RELATED, *related), bloc__slug=slug, year=year)
