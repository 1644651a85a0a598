"""Forms of the ballot pages: creating a ballot, its candidates, method, attendance, paper counts, the vote and
the board's override of the election. They only parse the input; every rule is the service's to check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import BallotMethod


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class BallotCreateForm(forms.Form):
    """`kind` is an award kind's code, or "election"."""

    kind = forms.SlugField(max_length=30)
    method = forms.ChoiceField(label=_("How the units vote"), choices=BallotMethod.choices, initial=BallotMethod.ONLINE)


class MethodForm(forms.Form):
    method = forms.ChoiceField(label=_("How the units vote"), choices=BallotMethod.choices, widget=forms.RadioSelect)


class CandidatesForm(forms.Form):
    """The member units of the year as checkboxes; the service refuses an empty list with its own message."""

    units = UnitsField(
        label=_("Member units of the year"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = members


class OpenForm(forms.Form):
    """Which member units are present when the vote opens (all ticked by default)."""

    present = UnitsField(label=_("Units present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = units
        if not self.is_bound:
            self.initial.setdefault("present", [u.pk for u in units])


def _count_field(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=1000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
    )


class PaperForm(forms.Form):
    """The vote-counting committee's figures: papers issued, returned, invalid and approvals per candidate."""

    issued = _count_field(_("Ballot papers issued"))
    returned = _count_field(_("Ballot papers returned"))
    invalid = _count_field(_("Invalid ballot papers"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for c in self.candidates:
            field = _count_field(_("Approvals for %(unit)s") % {"unit": c.unit.name})
            field.initial = c.paper_votes
            self.fields[self.vote_key(c)] = field

    @staticmethod
    def vote_key(candidate) -> str:
        return f"votes_{candidate.pk}"

    def vote_fields(self):
        return [self[self.vote_key(c)] for c in self.candidates]

    def votes(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[self.vote_key(c)] for c in self.candidates}


class CandidateIdsField(forms.MultipleChoiceField):
    """The ticked candidates as ids. Which ids are allowed is the service's to say, with its own message
    ("only the candidates on this ballot"), so any whole number passes here."""

    default_error_messages = {"invalid_id": _("This choice is not a candidate on this ballot.")}

    def valid_value(self, value):
        return True

    def to_python(self, value):
        values = super().to_python(value)
        try:
            return [int(v) for v in values]
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(self.error_messages["invalid_id"], code="invalid_id") from exc


class VoteForm(forms.Form):
    candidates = CandidateIdsField(label=_("Units you approve"), required=False, widget=forms.CheckboxSelectMultiple)


class OverrideForm(forms.Form):
    leader = UnitChoiceField(label=_("Leader unit"), queryset=None, empty_label=_("Choose a unit"))
    deputy = UnitChoiceField(
        label=_("Deputy leader unit"), queryset=None, required=False, empty_label=_("No deputy leader unit")
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the board sets them instead of the rotation and the conference; it is kept in the log."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = units
        self.fields["deputy"].queryset = units
