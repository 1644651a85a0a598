"""The awards app's official documents as kinds of the one lifecycle (core/documents/lifecycle.py): the year's
vote-count minutes (Biên bản kiểm phiếu, register BB) and each proposal's submission letter (Tờ trình, register
TTr). Their text is built from the ballots (awards/documents.py); the only thing written by hand is who counted the
votes and who wrote the minutes (the minutes' editor, awards/forms/minutes.py). The leader unit reads the preview and
issues them with their date (the issue form's, by default the conference's day for the minutes and the ballot's
publication day for a letter), which numbers them in the register of that date's year and freezes them, with the
people they name; a correction reopens one as its next revision under the same number. Before its first issue,
save or rendering a document has no row: its page shows the text as it stands (`stored` creates the row when a
file is asked for)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.models import EmulationYear
from blocs.services import register_next_number, register_take
from core.documents.lifecycle import REVISE, IssuedKind, Register
from core.documents.records import DocumentStatus

from .. import documents as texts
from ..models import Proposal, SubmissionLetter, VoteCountMinutes
from ..selectors import legal_bases_for


class AwardsKind(IssuedKind):
    register = Register(next_number=register_next_number, take=register_take)
    issue_fields = ("dated",)  # the leader dates the document when issuing it
    corrections = REVISE
    issued_status = DocumentStatus.ISSUED
    draft_status = DocumentStatus.DRAFT
    pages = ("page", "preview", "issue", "new_version", "render")  # no editor: the text comes from the ballots
    problems_on_page = True
    already_issued = gettext_lazy("This document is already issued.")
    frozen = gettext_lazy("This document is issued and cannot change in place: create a new version to correct it.")
    stale = stale_issue = gettext_lazy(
        "The document changed after you opened this page; read the preview again before issuing."
    )
    not_issued = gettext_lazy("Only an issued document needs a new version.")
    reopened_message = gettext_lazy(
        "The document is a draft again (version %(version)s): read it again and issue it when it is right."
    )

    def before_issue(self, record: Model, by) -> None:
        """Issued straight from the text the page shows: its row is made first (or the one made meanwhile is
        taken, whose version the issue then checks)."""
        if record.pk is None:
            record.pk = store(self, self.scope(record)).pk

    def default_day(self, record: Model) -> datetime.date:
        """The document's date until it is issued with one."""
        raise NotImplementedError

    def document_day(self, record: Model) -> datetime.date:
        return record.dated or self.default_day(record)

    def emulation_year(self, record: Model) -> EmulationYear:
        return record.year

    def issue_values(self, record: Model, values: dict[str, Any]) -> dict[str, Any]:
        """The date the issue form gives (without one: the date it was issued with before, else the default), never
        later than today nor before the year the document is about."""
        day = values.get("dated") or self.document_day(record)
        year = self.emulation_year(record).year
        if day > timezone.localdate():
            raise ValidationError({"dated": _("The date of the document cannot be later than today.")})
        if day.year < year:
            raise ValidationError(
                {
                    "dated": _("The date of the document cannot be before the year %(year)s it is about.")
                    % {"year": year}
                }
            )
        return {"dated": day}


class VoteCountMinutesKind(AwardsKind):
    """The minutes of the year's published ballots, issued once no ballot is being voted on or counted."""

    name = "awards.vote_count_minutes"
    slug = "minutes"
    model = VoteCountMinutes
    url_prefix = "awards:minutes"
    page_action = "awards.view"
    edit_action = "awards.documents.issue"
    document_action = "awards.minutes.document"
    doc_type = "BB"
    load_related = ("year__bloc__province", "year__leader", "year__deputy")
    issued_message = gettext_lazy("The vote-count minutes were issued as number %(number)s.")
    preview_title = gettext_lazy("Preview of the minutes as they will be printed")
    saved_message = gettext_lazy("The vote-counting committee and the secretary are saved.")
    templates = {"page": "awards/documents/minutes.html", "edit": "awards/documents/minutes_edit.html"}
    # The editor writes who counted the votes and who wrote the minutes; the rest of the text comes from the ballots.
    pages = ("page", "edit", "preview", "issue", "new_version", "render")
    saved_fields = ("counting_people", "updated_by", "updated_at")

    def current(self, year: EmulationYear) -> VoteCountMinutes | None:
        """The stored minutes, else the text as it stands once a ballot is published (unsaved), else None."""
        record = self.in_scope(year).first()
        if record is None:
            if not texts.has_published_ballot(year):
                return None
            record = VoteCountMinutes(year=year)
        return self.adopt(record, year)

    def issue_problems(self, record: VoteCountMinutes) -> list[str]:
        year = record.year
        if not texts.has_published_ballot(year):
            return [_("No ballot of this year is published yet: the minutes have nothing to record.")]
        waiting = texts.ballots_in_progress(year)
        if waiting:
            return [
                _("Wait until these ballots are counted and published: %(ballots)s.")
                % {"ballots": ", ".join(str(b.title) for b in waiting)}
            ]
        return []

    def initial(self, year: EmulationYear) -> VoteCountMinutes:
        return self.adopt(VoteCountMinutes(year=year), year)

    def default_day(self, record: VoteCountMinutes) -> datetime.date:
        return texts.minutes_day(record.year, texts.minutes_ballots(record.year, record))

    def issue_values(self, record: VoteCountMinutes, values: dict[str, Any]) -> dict[str, Any]:
        """The date, and the people the minutes name (the defaults, if nobody changed them), which the issued
        minutes keep naming."""
        stored = super().issue_values(record, values)
        stored["counting_people"] = texts.counting_people(record.year, record)
        return stored

    def register_year(self, record: VoteCountMinutes) -> int:
        return self.document_day(record).year

    def register_title(self, record: VoteCountMinutes) -> str:
        return f"Biên bản kiểm phiếu năm {record.year.year}"

    def build(self, record: VoteCountMinutes):
        return texts.minutes_document(record.year, record)


class SubmissionLetterKind(AwardsKind):
    """The letter of one proposal; its scope is the proposal (its rights are asked with it)."""

    name = "awards.submission_letter"
    slug = "letter"
    model = SubmissionLetter
    url_prefix = "awards:submission"
    page_action = "awards.dossier.view"
    edit_action = "awards.letter.issue"
    document_action = "awards.letter.document"
    doc_type = "TTr"
    load_related = (
        "proposal__award_kind__year__bloc__province",
        "proposal__award_kind__year__leader",
        "proposal__unit",
        "proposal__ballot",
    )
    issued_message = gettext_lazy("The submission letter was issued as number %(number)s.")
    preview_title = gettext_lazy("Preview of the submission letter as it will be printed")
    templates = {"page": "awards/documents/submission.html"}

    def scope(self, record: SubmissionLetter) -> Proposal:
        return record.proposal

    def adopt(self, record: SubmissionLetter, proposal: Proposal) -> SubmissionLetter:
        record.proposal = proposal
        return record

    def in_scope(self, proposal: Proposal):
        return SubmissionLetter.objects.filter(proposal=proposal)

    def current(self, proposal: Proposal) -> SubmissionLetter:
        """Never None: a proposal exists only from a published ballot, so its letter can always be read."""
        return self.adopt(self.in_scope(proposal).first() or SubmissionLetter(proposal=proposal), proposal)

    def bloc(self, record: SubmissionLetter):
        return record.proposal.award_kind.year.bloc

    def emulation_year(self, record: SubmissionLetter) -> EmulationYear:
        return record.proposal.award_kind.year

    def default_day(self, record: SubmissionLetter) -> datetime.date:
        return texts.submission_day(record.proposal)

    def issue_values(self, record: SubmissionLetter, values: dict[str, Any]) -> dict[str, Any]:
        """The date, and the legal bases in force on it, which the issued letter keeps citing."""
        stored = super().issue_values(record, values)
        year = self.emulation_year(record)
        stored["legal_bases"] = legal_bases_for(year, stored["dated"])
        stored["signer_name"], stored["signer_position"] = texts.letter_signer(year)
        return stored

    def register_year(self, record: SubmissionLetter) -> int:
        return self.document_day(record).year

    def register_title(self, record: SubmissionLetter) -> str:
        proposal = record.proposal
        award = proposal.award_kind
        return f"Tờ trình đề nghị tặng {award.name} năm {award.year.year} cho {proposal.unit.name}"

    def build(self, record: SubmissionLetter):
        return texts.submission_document(record.proposal, record)

    def url_args(self, proposal: Proposal) -> tuple:
        year = proposal.award_kind.year
        return (year.bloc.slug, year.year, proposal.pk)

    def scope_context(self, proposal: Proposal) -> dict:
        year = proposal.award_kind.year
        return {"year": year, "bloc": year.bloc, "proposal": proposal}


VOTE_COUNT_MINUTES = VoteCountMinutesKind()
SUBMISSION_LETTER = SubmissionLetterKind()


def store(kind: AwardsKind, scope) -> Model:
    """The scope's record, made from the text as it stands if it has none yet (two first requests at once make
    one row)."""
    record = kind.in_scope(scope).first()
    if record is not None:
        return kind.adopt(record, scope)
    fresh = kind.current(scope)
    try:
        with transaction.atomic():
            fresh.save()
    except IntegrityError:
        fresh = kind.in_scope(scope).get()
    return kind.adopt(fresh, scope)
