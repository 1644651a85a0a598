"""Scoring: criteria tables, self-assessments, review, ranking and classification."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from blocs.pagecache import year_users
        from blocs.sections import Badge, Stage, one_to_one, year_link
        from core import pagecache

        from . import permissions, signals  # noqa: F401  (registers the rules and the receivers)

        year_link(
            stage=Stage.START,
            order=20,
            label=_("Criteria table"),
            description=_("The criteria, their maximum points, bonuses and deductions."),
            url_name="scoring:table",
            action="scoring.table.view",
            related=("criteria_table",),
            state=lambda year: (
                None if one_to_one(year, "criteria_table") else Badge(_("No criteria table yet"), "warning")
            ),
        )
        year_link(
            stage=Stage.DURING,
            order=30,
            label=_("My self-assessment sheet"),
            description=_("Your unit's scores with explanations and evidence."),
            url_name="scoring:my-sheet",
            officers_only=True,
        )
        year_link(
            stage=Stage.DURING,
            order=40,
            label=_("Sheets and review"),
            description=_("Every unit's sheet: review, return for correction, finalize."),
            url_name="scoring:review-list",
            action="scoring.review.list",
        )
        year_link(
            stage=Stage.END,
            order=20,
            label=_("Ranking"),
            description=_("The units' reviewed scores, rank and classification."),
            url_name="scoring:ranking",
            action="scoring.ranking.view",
            related=("criteria_table",),
            state=lambda year: (
                Badge(_("Published"), "success")
                if getattr(one_to_one(year, "criteria_table"), "is_published", False)
                else Badge(_("Not published yet"), "secondary")
            ),
        )
        from .models import CriteriaTable

        # The ranking's publication opens the ranking to the members (the officer's home links it).
        pagecache.track(CriteriaTable, lambda table: year_users(table.year_id))
        from blocs import storage

        from .models import Evidence

        # A unit's evidence counts against its storage quota of the year (blocs.storage).
        storage.register(
            "evidence",
            lambda unit_id, year_id: Evidence.objects.filter(
                score__sheet__unit_id=unit_id, score__sheet__year_id=year_id
            ),
        )
