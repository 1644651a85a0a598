"""What the conference's issued documents (the plan, the minutes, the summary report) share as kinds of the one
lifecycle (core/documents/lifecycle.py): a year's document, numbered in its bloc's register, drafted → issued
(`PlanStatus`), its pages named "conference:<slug>…". Each kind is declared beside its writes (services/plan.py,
services/minutes.py, services/summary.py) and registered in apps.py."""

from blocs.services import register_next_number, register_take
from core.documents.lifecycle import IssuedKind, Register

from ..enums import PlanStatus

BLOC_REGISTER = Register(next_number=register_next_number, take=register_take)


class ConferenceKind(IssuedKind):
    register = BLOC_REGISTER
    issued_status = PlanStatus.ISSUED
    draft_status = PlanStatus.DRAFT
    load_related = ("year__bloc__province", "year__leader")

    @property
    def url_prefix(self) -> str:
        return f"conference:{self.slug}"
