"""The officer's home as a to-do list, in a browser, on the demo built around today (`seed_demo --today`, the same
day as the live server's clock).

The unit is Công an tỉnh (congan), the demo's unit that sent its year-end report within the extension the leader
gave it. Through the services, the leader unit (quansu) then extends the unit's summary report by five days and asks
it alone for a file due two days ago, which it has not sent. The officer's home must show, from the top: the summary
line counting the same list, what is due next (the self-assessment sheet, with its button and the days left), the
overdue file in red with what to do, the extended summary report with its new date, and below them the done items
(the year-end report under its extension, the covenant registered on the covenant page). The overdue item's button
opens the reports page at that deadline. The leader's home shows its own work. Screenshots of the officer's home at
1366 and 390 px wide and of the leader's go to test-artifacts/ (todo-home-1366.png, todo-home-390.png,
todo-home-leader.png).
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect

from blocs.enums import Audience, DeadlineKind
from blocs.models import Deadline, EmulationYear
from blocs.services import deadline_save
from core.models import User
from reports.obligations import sent_registrations
from reports.services.submissions import extension_grant
from tools import demo

from .helpers import assert_healthy_page, assert_vietnamese, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFICER, LEADER = "congan", "quansu"
DAY = datetime.timedelta(days=1)


def vi(text: str, **values) -> str:
    with translation.override("vi"):
        return gettext(text) % values if values else gettext(text)


def vi_n(singular: str, plural: str, n: int) -> str:
    with translation.override("vi"):
        return ngettext(singular, plural, n) % {"n": n}


def dmy(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def days_until(moment: datetime.datetime) -> int:
    return (timezone.localtime(moment).date() - timezone.localdate()).days


@pytest.fixture
def year_in_progress(transactional_db):
    today = timezone.localdate()
    call_command("seed_demo", "--today", today.isoformat(), "--quiet-logins")
    year = EmulationYear.objects.select_related("bloc", "leader", "deputy").get(
        bloc__slug="ktdnc", year=demo.current_year_for(today)
    )
    leader = User.objects.get(username=LEADER)
    unit = User.objects.get(username=OFFICER).person.unit
    calendar = {d.kind: d for d in year.deadlines.filter(audience=Audience.MEMBERS)}
    summary = calendar[DeadlineKind.SUMMARY_REPORT]
    extension = extension_grant(
        deadline=summary, unit=unit, due_at=summary.due_at + 5 * DAY, reason="Đơn vị đề nghị gia hạn.", by=leader
    )
    two_days_ago = timezone.localtime().replace(hour=23, minute=59, second=0, microsecond=0) - 2 * DAY
    asked = deadline_save(
        deadline=Deadline(
            year=year,
            kind=DeadlineKind.OTHER,
            audience=Audience.UNIT,
            unit=unit,
            title="Bổ sung hồ sơ đề nghị khen thưởng đột xuất",
            opens_at=two_days_ago - 20 * DAY,
            due_at=two_days_ago,
        ),
        by=leader,
    )
    return SimpleNamespace(
        year=year,
        unit=unit,
        sheet=calendar[DeadlineKind.SELF_ASSESSMENT],
        summary=summary,
        extension=extension,
        asked=asked,
        report=calendar[DeadlineKind.YEAR_REPORT],
        covenant=calendar[DeadlineKind.COVENANT],
    )


def top(locator) -> float:
    box = locator.bounding_box()
    assert box is not None, "not displayed"
    return box["y"]


def is_red(css_colour: str) -> bool:
    r, g, b = (int(v) for v in re.findall(r"\d+", css_colour)[:3])
    return r > 150 and g < 100 and b < 110


def test_the_officers_home_is_its_to_do_list(year_in_progress, browser, browser_context_args, live_server, artifacts):
    y = year_in_progress
    kwargs = {"slug": y.year.bloc.slug, "year": y.year.year}
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    login(page, live_server.url, OFFICER)
    page.goto(live_server.url + reverse("dashboards:home"))
    page.wait_for_load_state()
    assert_healthy_page(page)
    assert_vietnamese(page)
    home = page.locator(f"section.home-year[data-year='{y.year.year}']")

    # the summary line counts the same list: one overdue, the sheet and the summary report to do, two done
    summary_line = home.locator("[data-summary]")
    expect(summary_line).to_have_attribute("data-overdue", "1")
    expect(summary_line).to_have_attribute("data-todo", "2")
    expect(summary_line).to_have_attribute("data-done", "2")
    expect(summary_line).to_contain_text(vi_n("%(n)s item overdue", "%(n)s items overdue", 1))
    expect(summary_line).not_to_contain_text(vi("Nothing left to do this year."))

    # due next, on top: the self-assessment sheet, with the button that fills it in and the days left
    due_next = home.locator("[data-item=next]")
    expect(due_next).to_have_attribute("data-deadline", str(y.sheet.pk))
    expect(due_next.locator("a.btn")).to_have_attribute("href", reverse("scoring:my-sheet", kwargs=kwargs))
    expect(due_next).to_contain_text(vi_n("%(n)d day left", "%(n)d days left", days_until(y.sheet.due_at)))

    # the file asked two days ago and not sent: red, overdue by two days, still taken late
    overdue = home.locator(f"[data-item=overdue][data-deadline='{y.asked.pk}']")
    expect(overdue).to_contain_text(vi_n("Overdue by %(n)d day", "Overdue by %(n)d days", 2))
    expect(overdue).to_contain_text(vi("Still taken, marked late, until %(when)s.", when=dmy(y.asked.due_at + 7 * DAY)))
    assert is_red(overdue.evaluate("el => getComputedStyle(el).borderTopColor"))
    assert is_red(overdue.locator("a.btn").evaluate("el => getComputedStyle(el).backgroundColor"))

    # the summary report under its extension: its new date, counted from it
    extended = home.locator(f"[data-item=todo][data-deadline='{y.summary.pk}']")
    expect(extended.locator("[data-extended]")).to_contain_text(
        vi("Extended to %(until)s", until=dmy(y.extension.due_at))
    )
    expect(extended).to_contain_text(vi_n("%(n)d day left", "%(n)d days left", days_until(y.extension.due_at)))

    # done, grey and below: the year-end report within its extension, the covenant registered on its page
    done = home.locator("[data-group=done]")
    report = done.locator(f"[data-item=done][data-deadline='{y.report.pk}']")
    covenant = done.locator(f"[data-item=done][data-deadline='{y.covenant.pk}']")
    expect(report.locator("[data-answer=on_time]")).to_be_visible()
    expect(report.locator("[data-extended]")).to_be_visible()
    registered = sent_registrations([y.year.pk], unit_ids=[y.unit.pk])[y.year.pk, y.unit.pk]
    expect(covenant).to_contain_text(vi("Registered on the covenant page on %(when)s", when=dmy(registered)))
    assert "text-body-secondary" in (report.get_attribute("class") or "")
    assert top(summary_line) < top(due_next) < top(overdue) < top(extended) < top(done) <= top(report)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=artifacts / "todo-home-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert top(due_next) < top(overdue) < top(extended) < top(done)
    page.screenshot(path=artifacts / "todo-home-390.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"

    # the overdue item's button opens the reports page at that deadline, with its upload form
    page.set_viewport_size({"width": 1366, "height": 900})
    with page.expect_navigation():
        overdue.locator("a.btn").click()
    assert_healthy_page(page)
    assert page.url.endswith(reverse("reports:submissions", kwargs=kwargs) + f"#deadline-{y.asked.pk}")
    expect(page.locator(f"#upload-{y.asked.pk}")).to_be_visible()
    context.close()


def test_the_leaders_home_shows_its_own_work(year_in_progress, browser, browser_context_args, live_server, artifacts):
    y = year_in_progress
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    login(page, live_server.url, LEADER)
    page.goto(live_server.url + reverse("dashboards:home"))
    page.wait_for_load_state()
    assert_healthy_page(page)
    home = page.locator(f"section.home-year[data-year='{y.year.year}']")

    work = home.locator("[data-group=leader]")
    # the demo leaves the year-end reports waiting for the leader's decision, and one sheet to review
    expect(work.locator("[data-todo=decisions]")).to_be_visible()
    expect(work.locator("[data-todo=review]")).to_be_visible()
    expect(work.locator("[data-todo=decisions] a.btn")).to_have_attribute(
        "href", reverse("reports:submission-matrix", kwargs={"slug": y.year.bloc.slug, "year": y.year.year})
    )
    # the file it asked of Công an is overdue: on the leader's list too, first, in red
    first = work.locator("[data-todo]").first
    expect(first).to_have_attribute("data-urgency", "overdue")
    expect(first).to_contain_text(y.asked.title)
    assert top(home.locator("[data-item=next]")) < top(work) < top(home.locator("[data-group=done]"))
    page.screenshot(path=artifacts / "todo-home-leader.png", full_page=True)
    context.close()
