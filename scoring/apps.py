"""Scoring: criteria tables, self-assessments, review, ranking and classification."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from . import permissions, signals  # noqa: F401  (registers the rules and the receivers)
