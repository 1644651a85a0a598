"""When a deadline of the calendar closes for a unit: the one rule for reports (reports.services.submissions) and
self-assessment sheets (scoring.services), read by the pages and reports.obligations.

A unit's due date is the deadline's, or its extension's when the leader gave it one (a report's `Extension`; for
the self-assessment, an entry of the calendar for that unit alone, which scoring.selectors.self_assessment_deadline
picks). After its due date a unit may still send, marked late, for the bloc's grace period
(`late_submission_grace_days`, a setting of the bloc with a per-year override; its default is
settings.BLOC_SETTING_DEFAULTS); then the deadline is closed for it until the leader extends it. A bloc whose
regulation refuses late self-assessments (`late_self_assessment` = "closed") gives sheets no grace at all.
"""

import datetime

from .enums import DeadlineKind
from .models import Deadline, EmulationYear

GRACE_SETTING = "late_submission_grace_days"


def grace_period(year: EmulationYear, kind: str) -> datetime.timedelta:
    """How long after its due date a deadline of `kind` still takes a late answer in `year`."""
    if kind == DeadlineKind.SELF_ASSESSMENT and year.setting("late_self_assessment") == "closed":
        return datetime.timedelta(0)
    return datetime.timedelta(days=int(year.setting(GRACE_SETTING)))


def closes_at(deadline: Deadline, *, extension_until: datetime.datetime | None = None) -> datetime.datetime:
    """The moment after which a unit can no longer answer `deadline`: its due date (the extension's, if it has
    one) plus the grace period. Reads `deadline.year` (load it with the deadline where many are asked)."""
    due = extension_until if extension_until is not None else deadline.due_at
    return due + grace_period(deadline.year, deadline.kind)


def is_closed(deadline: Deadline, *, at: datetime.datetime, extension_until: datetime.datetime | None = None) -> bool:
    """Whether `deadline` no longer takes an answer at `at` (its closing minute still does)."""
    return at > closes_at(deadline, extension_until=extension_until)
