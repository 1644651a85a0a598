"""Forms of the board's page of the province's proposals: the filter, one decision for the proposals ticked, and
the Excel import of decisions. They collect the input; the services (awards/services/decisions.py) check what
matters (the decision's number and date, each proposal's status, the file's content)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.forms import DateInput
from blocs.imports.forms import validate_workbook_upload
from core.widgets import PrivateFileInput

from ..enums import ProposalStatus
from .dossiers import APPROVED, NOT_APPROVED


class ProposalFilterForm(forms.Form):
    """Which of the province's proposals the page shows (GET): a bloc, an award kind, a status."""

    bloc = forms.ChoiceField(label=_("Bloc"), required=False)
    kind = forms.ChoiceField(label=_("Award kind"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Every status")), *ProposalStatus.choices]
    )

    def __init__(self, *args, blocs: list[tuple[str, str]], kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bloc"].choices = [("", _("Every bloc")), *blocs]
        self.fields["kind"].choices = [("", _("Every award kind")), *kinds]


class BulkDecisionForm(forms.Form):
    """One decision of the province (Quyết định khen thưởng) for every proposal ticked on the page."""

    proposals = forms.TypedMultipleChoiceField(
        coerce=int,
        required=True,
        error_messages={"required": _("Tick the proposals the decision applies to.")},
    )
    approved = forms.ChoiceField(
        label=_("The province's decision"),
        choices=[(APPROVED, _("Approved")), (NOT_APPROVED, _("Not approved"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the province approved the proposal.")},
    )
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
    signer_name = forms.CharField(label=_("Signed by"), max_length=150, required=False)
    signer_position = forms.CharField(
        label=_("Signer's position"),
        max_length=150,
        required=False,
        help_text=_("E.g. Phó Chủ tịch UBND tỉnh."),
    )
    file = forms.FileField(
        label=_("Decision file (PDF)"),
        required=False,
        allow_empty_file=True,
        help_text=_("Optional; the type is checked from the content."),
        widget=PrivateFileInput(attrs={"accept": ".pdf"}),
    )
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Not approved: the reason, which the unit is told. Approved: an optional note."),
    )
    correct = forms.BooleanField(
        label=_("Correct decisions already recorded"),
        required=False,
        help_text=_("Without it, a proposal already decided is refused; with it, its decision is replaced."),
    )

    def __init__(self, *args, proposal_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(pk, pk) for pk in proposal_ids]
        self.fields["proposals"].error_messages["invalid_choice"] = _(
            "Some of the proposals ticked are not the province's proposals of this year."
        )

    @property
    def is_approval(self) -> bool:
        return self.cleaned_data["approved"] == APPROVED


class DecisionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        validators=[validate_workbook_upload],
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    correct = forms.BooleanField(
        label=_("Correct decisions already recorded"),
        required=False,
        help_text=_("Without it, a proposal already decided is refused; with it, its decision is replaced."),
    )
