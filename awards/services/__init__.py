"""Every write of the awards app, one transaction and one audit row each: `ballots` (award kinds, creating
ballots), `counting` (the lifecycle, casting, counting, run-offs, publishing), `proposals` (the election's
override, dossiers, the province's decisions), `year_settings` (the legal bases the year's submissions cite).
Callers use `awards.services.<name>`."""

from .ballots import (
    DEFAULT_KINDS,
    award_kind_save,
    award_kinds_ensure,
    ballot_candidates_set,
    ballot_create_award,
    ballot_create_election,
    ballot_method_set,
    election_candidates,
)
from .counting import (
    ballot_cast,
    ballot_close,
    ballot_freeze,
    ballot_open,
    ballot_publish,
    ballot_record_paper,
    ballot_runoff_create,
    ballot_tally,
)
from .proposals import (
    dossier_checklist,
    dossier_upload,
    election_override,
    proposal_decide,
    proposal_submit,
)
from .year_settings import legal_bases_set

__all__ = [
    "DEFAULT_KINDS",
    "award_kind_save",
    "award_kinds_ensure",
    "ballot_candidates_set",
    "ballot_cast",
    "ballot_close",
    "ballot_create_award",
    "ballot_create_election",
    "ballot_freeze",
    "ballot_method_set",
    "ballot_open",
    "ballot_publish",
    "ballot_record_paper",
    "ballot_runoff_create",
    "ballot_tally",
    "dossier_checklist",
    "dossier_upload",
    "election_candidates",
    "election_override",
    "legal_bases_set",
    "proposal_decide",
    "proposal_submit",
]
