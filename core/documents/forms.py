"""The issue form of an issued document's page (core/_document_issue.html): the number to take in the register
(empty: the next free one, which the page suggests) and the version of the text the page shows, which the
lifecycle checks (core.documents.lifecycle.issue: a document changed since the page was read is not issued).
A kind's form names its register (`register_help`); one whose page does not carry the version says so; one that
sets fields of the record when issuing (the kind's `issue_fields`, e.g. the document's date) declares them and
`issue_values` hands them to the lifecycle."""

from django import forms
from django.utils.translation import gettext_lazy as _


class IssueForm(forms.Form):
    register_help = ""  # e.g. "Suggested: the next free number of the bloc's register of minutes. …"
    versioned = True  # False: the page does not ask the lifecycle to check the version
    issue_fields: tuple[str, ...] = ()  # the form's fields that issuing stores on the record

    number = forms.IntegerField(label=_("Number in the register"), min_value=1, max_value=9999, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].help_text = self.register_help
        if not self.versioned:
            del self.fields["version"]

    def issue_bound_fields(self) -> list:
        """The bound `issue_fields`, for the issue card (core/_document_issue.html)."""
        return [self[name] for name in self.issue_fields]

    def issue_values(self) -> dict:
        """The values of `issue_fields` (core.documents.lifecycle.issue's `values`), once the form is valid."""
        return {name: self.cleaned_data[name] for name in self.issue_fields}
