"""Scoring: criteria tables, self-assessments, review, ranking and classification."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from blocs.pagecache import year_users
        from blocs.sections import year_link
        from core import pagecache

        from . import permissions, signals  # noqa: F401  (registers the rules and the receivers)

        year_link(order=20, label=_("Criteria table"), url_name="scoring:table")
        year_link(order=30, label=_("My self-assessment sheet"), url_name="scoring:my-sheet", officers_only=True)
        year_link(order=40, label=_("Sheets and review"), url_name="scoring:review-list", action="scoring.review.list")
        year_link(order=50, label=_("Ranking"), url_name="scoring:ranking", action="scoring.ranking.view")
        from .models import CriteriaTable

        # The ranking's publication opens the ranking to the members (the officer's home links it).
        pagecache.track(CriteriaTable, lambda table: year_users(table.year_id))
