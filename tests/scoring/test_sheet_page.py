"""The sheet and review pages hold together on a long form: the error summary links to each refused field (and is
the page's focus), Save / Send sit in a bar at the bottom of the window, sending asks first and says what cannot be
undone, and the review's reason is a full-width box."""

import re
from html.parser import HTMLParser

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from .helpers import P, fill_and_submit, vi

Y = {"slug": "ktdnc", "year": 2020}
MY_SHEET = reverse("scoring:my-sheet", kwargs=Y)
EXE = b"MZ\x90\x00" + b"\x00" * 200


class Page(HTMLParser):
    """The ids on a page, the error summary's attributes and links, the action bar's buttons, and the textareas."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: set[str] = set()
        self.summary: dict | None = None
        self.links: list[tuple[str, str]] = []
        self.bar_buttons: list[dict] = []
        self.textareas: dict[str, dict] = {}
        self.reason_cells: list[str] = []
        self._in_summary = 0
        self._in_bar = 0
        self._link: str | None = None
        self._text = ""
        self._cell_colspan: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "data-error-summary" in attrs:
            self.summary, self._in_summary = attrs, 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if "action-bar" in (attrs.get("class") or "").split():
            self._in_bar = 1
        elif self._in_bar and tag == "div":
            self._in_bar += 1
        if self._in_summary and tag == "a":
            self._link, self._text = attrs["href"], ""
        if self._in_bar and tag == "button":
            self.bar_buttons.append(attrs)
        if tag == "td":
            self._cell_colspan = attrs.get("colspan")
        if tag == "textarea":
            self.textareas[attrs["name"]] = attrs
            if attrs["name"].startswith("reason_"):
                self.reason_cells.append(self._cell_colspan)

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._link, self._text.strip()))
            self._link = None
        if tag == "div":
            if self._in_summary:
                self._in_summary -= 1
            if self._in_bar:
                self._in_bar -= 1

    def handle_data(self, data):
        if self._link is not None:
            self._text += data


def typed(w, **extra) -> dict:
    c = w.c
    data = {"version": "1", "action": "save"}
    for code, value in (("I.1", "18"), ("I.2", "36"), ("II.1", "36"), ("III.1", ""), ("IV.1", "")):
        data[f"points_{c[code].pk}"] = value
        data[f"explanation_{c[code].pk}"] = ""
    data.update(extra)
    return data


# --- the error summary ---------------------------------------------------------------------------------


def test_the_error_summary_links_to_each_refused_field_in_the_order_of_the_page(scored_world, client_as):
    w = scored_world
    c = w.c
    exe = SimpleUploadedFile("so-lieu.pdf", EXE, content_type="application/pdf")
    data = typed(w, **{f"points_{c['II.1'].pk}": "abc", f"points_{c['I.2'].pk}": "41", f"evidence_{c['I.1'].pk}": exe})

    response = client_as(w.member).post(MY_SHEET, data)

    assert response.status_code == 400
    page = Page(response.content.decode())
    assert page.summary is not None
    assert (page.summary["id"], page.summary["tabindex"], page.summary["role"]) == ("sheet-errors", "-1", "alert")
    bad_file = vi("The file “%(name)s” is not a valid %(allowed)s file (its content was checked, not its name).") % {
        "name": "so-lieu.pdf",
        "allowed": vi("%(first)s or %(last)s") % {"first": "PDF, DOCX, XLSX, JPG", "last": "PNG"},
    }
    assert page.links == [
        (f"#id_evidence_{c['I.1'].pk}", f"I.1: {bad_file}"),
        (f"#id_points_{c['I.2'].pk}", "I.2: " + vi("At most %(max)s points.") % {"max": "40"}),
        (f"#id_points_{c['II.1'].pk}", "II.1: " + vi("Write a number of points, e.g. 7,5.")),
    ]
    assert all(href[1:] in page.ids for href, _text in page.links)  # every link lands on its field


def test_a_refusal_of_the_service_links_to_its_rows_too(scored_world, client_as):
    """Sending refused for missing evidence and a missing score: the summary links to those rows' fields."""
    w = scored_world
    c = w.c

    response = client_as(w.member).post(MY_SHEET, typed(w, action="submit", **{f"points_{c['II.1'].pk}": ""}))

    page = Page(response.content.decode())
    assert page.links == [
        (f"#id_evidence_{c['I.1'].pk}", "I.1: " + vi("%(code)s needs evidence.") % {"code": "I.1"}),
        (
            f"#id_points_{c['II.1'].pk}",
            "II.1: " + vi("Score %(code)s before sending (0 is a score).") % {"code": "II.1"},
        ),
    ]


def test_a_page_without_errors_has_no_summary(scored_world, client_as):
    w = scored_world

    page = Page(client_as(w.member).get(MY_SHEET).content.decode())

    assert (page.summary, page.links) == (None, [])


class NameForm(forms.Form):
    name = forms.CharField()

    def clean(self):
        if self.data.get("name") == "taken":
            raise forms.ValidationError("Taken.")


def partial(data: dict, **context) -> str:
    form = NameForm(data)
    form.is_valid()
    with translation.override("en"):
        return render_to_string("_form_errors.html", {"form": form, **context}).strip()


def test_the_shared_partial_is_unchanged_where_no_links_are_given():
    """Every other form that includes templates/_form_errors.html: the same alert as before, no focus taken."""
    alert = '<div class="alert alert-danger" role="alert">%s</div>'
    assert partial({}) == alert % "Please correct the fields marked below; nothing was saved yet."
    assert partial({}, message="Check the name.") == alert % "Check the name."
    assert partial({}, non_field_only=True) == ""
    assert partial({"name": "taken"}, non_field_only=True) == (
        '<div class="alert alert-danger" role="alert"><div>Taken.</div></div>'
    )
    assert partial({"name": "ok"}) == ""


def test_the_shared_partial_with_links_and_a_summary_id():
    assert partial({}, links=[("id_name", "Name: required")], summary="errs", classes="col-12") == (
        '<div class="col-12 alert alert-danger" role="alert" id="errs" tabindex="-1" data-error-summary>'
        "Please correct the fields marked below; nothing was saved yet."
        '<ul class="mb-0 mt-1"><li><a href="#id_name">Name: required</a></li></ul></div>'
    )


# --- the action bar and the confirmation before sending ------------------------------------------------


def test_save_and_send_sit_in_the_action_bar_and_only_send_asks_first(scored_world, client_as):
    w = scored_world

    page = Page(client_as(w.member).get(MY_SHEET).content.decode())

    assert [(b["value"], b.get("data-confirm")) for b in page.bar_buttons] == [
        ("save", None),
        (
            "submit",
            vi(
                "Send the self-assessment sheet to the leader unit, %(unit)s? Once it is sent, your unit can no "
                "longer change it, unless the leader unit returns it."
            )
            % {"unit": w.leader_unit.short_name},
        ),
    ]


def test_the_leader_units_own_sheet_is_sent_to_the_deputy(scored_world, client_as):
    w = scored_world

    page = Page(client_as(w.leader).get(MY_SHEET).content.decode())

    assert page.bar_buttons[1]["data-confirm"] == vi(
        "Send the self-assessment sheet to the deputy leader unit, %(unit)s? Once it is sent, your unit can no "
        "longer change it, unless the deputy leader unit returns it."
    ) % {"unit": w.deputy_unit.short_name}


def test_a_sheet_that_cannot_be_changed_has_no_action_bar(scored_world, client_as):
    w = scored_world
    fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    response = client_as(w.member).get(MY_SHEET)

    assert Page(response.content.decode()).bar_buttons == []
    assert 'class="action-bar"' not in response.content.decode()


# --- the review ----------------------------------------------------------------------------------------


def review_url(w) -> str:
    return reverse("scoring:review-sheet", kwargs={**Y, "unit_id": w.member_unit.pk})


def test_the_reason_is_a_full_width_box_of_three_rows_and_a_missing_one_is_linked(scored_world, client_as):
    w = scored_world
    c = w.c
    fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    data = {"version": "2", f"reviewed_{c['I.2'].pk}": "30", f"reason_{c['I.2'].pk}": ""}

    response = client_as(w.leader).post(review_url(w), data)

    assert response.status_code == 400
    page = Page(response.content.decode())
    reasons = {name: attrs for name, attrs in page.textareas.items() if name.startswith("reason_")}
    assert sorted(reasons) == sorted(f"reason_{c[code].pk}" for code in ("I.1", "I.2", "II.1", "III.1", "IV.1"))
    assert {attrs["rows"] for attrs in reasons.values()} == {"3"}
    assert set(page.reason_cells) == {"4"}  # the whole width of the table (four columns)
    assert [href for href, _text in page.links] == [f"#id_reason_{c['I.2'].pk}"]
    assert page.summary["id"] == "review-errors"
    assert [b.get("type") for b in page.bar_buttons] == ["submit"]


def test_finalizing_says_what_cannot_be_undone(scored_world, client_as):
    w = scored_world
    fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    html = client_as(w.leader).get(review_url(w)).content.decode()

    question = vi(
        "Finalize the sheet of %(unit)s? Its points become final: they can no longer be changed, by the unit or by you."
    ) % {"unit": w.member_unit.short_name}
    assert re.search(r'data-confirm="([^"]*)"', html).group(1) == escape(question)
