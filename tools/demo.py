"""The demo's orchestration (`manage.py seed_demo`): each app builds its own part of the demo, in the order of the
apps; this only calls them one after the other. Safe to run again: every builder is idempotent."""

from awards import demo as awards_demo
from blocs import demo as blocs_demo
from blocs.covenant_demo import seed_covenant_demo
from blocs.models import EmulationYear
from conference import demo as conference_demo
from conference.demo.minutes import seed_minutes_demo
from conference.demo.summary import seed_summary_demo
from core import pagecache
from reports import demo as reports_demo
from scoring import demo as scoring_demo

DEMO_PASSWORD = blocs_demo.DEMO_PASSWORD


def seed() -> dict:
    """Build (or bring back) the demo data; returns blocs.demo's result: the demo's "blocs" and its "logins"."""
    result = blocs_demo.seed()
    scoring_demo.seed()
    conference_demo.seed()
    reports_demo.seed_submissions()
    # The 2020 conference: ballots, run-off, the election that opens 2021, dossiers and decisions; its
    # minutes; and 2021's covenant registrations from every member (the new leader has yet to issue it).
    awards_demo.seed()
    seed_minutes_demo(EmulationYear.objects.get(bloc__slug="ktdnc", year=2020))
    seed_summary_demo(EmulationYear.objects.get(bloc__slug="ktdnc", year=2020))  # a draft for the leader
    seed_covenant_demo(EmulationYear.objects.get(bloc__slug="ktdnc", year=2021))
    pagecache.touch(pagecache.GLOBAL)  # parts of the demo are bulk inserts, which no model signal sees
    return result
