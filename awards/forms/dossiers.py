"""Forms of the proposal dossiers: a file for one part of the dossier, and the province's decision. The services
check what matters (the file's content, the decision's number and date); these forms only collect the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.forms import DateInput
from core.widgets import PrivateFileInput

from ..enums import DossierPart, ProposalStatus
from ..models import Proposal

APPROVED, NOT_APPROVED = "yes", "no"


class DossierUploadForm(forms.Form):
    part = forms.ChoiceField(
        label=_("Part of the dossier"),
        choices=[("", "---------"), *DossierPart.choices],
        error_messages={"required": _("Choose which part of the dossier this file is.")},
    )
    # An empty file reaches the model's UploadValidator, whose message names the file and the rule.
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,
        help_text=_("PDF or DOCX; the type is checked from the content."),
        widget=PrivateFileInput(attrs={"accept": ".pdf,.docx"}),
        error_messages={"required": _("Choose the file to upload.")},
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        # Each proposal's form has its own ids, so several can share a page.
        kwargs.setdefault("auto_id", f"id_p{proposal.pk}_%s")
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    """The province's decision on one proposal (Quyết định khen thưởng); a recorded one is corrected here too."""

    approved = forms.ChoiceField(
        label=_("The province's decision"),
        choices=[(APPROVED, _("Approved")), (NOT_APPROVED, _("Not approved"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the province approved the proposal.")},
    )
    # Not required here: the service says when they are needed (an approval needs the number and the date, a refusal
    # its reason, and both the number and the date if the province issued a decision saying so).
    number = forms.CharField(
        label=_("Decision number"),
        max_length=50,
        required=False,
        help_text=_(
            "As written on the decision, e.g. 2156/QĐ-UBND. Not approved: only if the province issued a decision."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date = forms.DateField(
        label=_("Decision date"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, e.g. 15/12/2020.")},
    )
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Not approved: the reason, which the unit is told. Approved: an optional note."),
    )

    @classmethod
    def initial_for(cls, proposal: Proposal) -> dict:
        """A recorded decision, to correct it; nothing for a proposal still waiting."""
        if proposal.decided_at is None:
            return {}
        return {
            "approved": APPROVED if proposal.status == ProposalStatus.APPROVED else NOT_APPROVED,
            "number": proposal.decision_number,
            "date": proposal.decision_date,
            "note": proposal.decision_note,
        }

    @property
    def is_approval(self) -> bool:
        return self.cleaned_data["approved"] == APPROVED
