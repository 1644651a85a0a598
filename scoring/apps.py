"""Scoring: criteria tables, self-assessments, review, ranking and classification."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from blocs.pagecache import year_users
        from core import pagecache

        from . import permissions, signals  # noqa: F401  (registers the rules and the receivers)
        from .models import CriteriaTable

        # The ranking's publication opens the ranking to the members (the officer's home links it).
        pagecache.track(CriteriaTable, lambda table: year_users(table.year_id))
