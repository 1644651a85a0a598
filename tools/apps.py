"""Tools: what is not the domain — the national data generator, the benchmarks and the demo's orchestration.

It may import any app; no app imports it (tests/core/test_architecture.py)."""

from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "tools"
    # Not translated: the app has no models, so its name appears on no page (not even the admin's).
    verbose_name = "Tools"
