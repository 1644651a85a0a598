"""The words and badges of a self-assessment sheet's status: one definition for every page and export.

What a page shows of a sheet is its SheetStatus, with two more states: "not started" (the unit has no sheet yet)
and "late" (a sheet sent after its deadline and waiting for review; on a badge, the mark beside the status of any
sheet sent late).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .enums import SheetStatus

if TYPE_CHECKING:
    from .models import Sheet

NOT_STARTED, LATE = "not_started", "late"

LABELS: dict[str, Promise | str] = {
    NOT_STARTED: _("Not started"),
    **{status.value: status.label for status in SheetStatus},
    LATE: _("Submitted late"),
}

# The colour of each badge (Bootstrap's text-bg-*); the label always says the same in words.
BADGES = {
    NOT_STARTED: "secondary",
    SheetStatus.DRAFT: "secondary",
    SheetStatus.SUBMITTED: "primary",
    SheetStatus.REVIEWED: "primary",
    SheetStatus.RETURNED: "warning",
    SheetStatus.FINAL: "success",
    LATE: "danger",
}


@dataclass(frozen=True)
class Badge:
    status: str  # a SheetStatus, NOT_STARTED or LATE

    @property
    def label(self) -> str:
        """In the active language."""
        return str(LABELS[self.status])

    @property
    def css(self) -> str:
        return BADGES[self.status]


def sheet_status(sheet: "Sheet | None") -> str:
    """Where a sheet stands for a list of units: NOT_STARTED (no sheet), LATE (sent late, waiting for review) or
    its SheetStatus."""
    if sheet is None or sheet.pk is None:
        return NOT_STARTED
    if sheet.status == SheetStatus.SUBMITTED and sheet.is_late:
        return LATE
    return str(sheet.status)


def status_label(status: str) -> str:
    """The words of a status from `sheet_status`, in the active language."""
    return str(LABELS[status])


def sheet_badges(sheet: "Sheet | None") -> list[Badge]:
    """The badges of a sheet: its status ("not started" without a sheet), and "submitted late" beside it when it
    was sent late."""
    if sheet is None or sheet.pk is None:
        return [Badge(NOT_STARTED)]
    badges = [Badge(str(sheet.status))]
    if sheet.is_late and sheet.submitted_at:
        badges.append(Badge(LATE))
    return badges
