"""Accessibility: axe-core (from npm, injected by this test) on every main page of every demo role, at 1366 and
390 px wide, with the menu and the account menu open; any WCAG 2.1 A or AA violation fails the test, and every one
found is listed: role, width, page, rule, and each element with what to fix.

The pages are those of the full demo (`seed_demo`): Khối thi đua Nội chính, its 2020 year (voted, in the proposal
phase) and 2021 (open, the covenant waiting).
"""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from awards.models import Ballot, Proposal
from blocs.models import Person, Unit

from ..conftest import MISSING_SERVICE
from .helpers import assert_healthy_page, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {1366: 900, 390: 844}
SLUG = "ktdnc"
Y2020 = {"slug": SLUG, "year": 2020}
Y2021 = {"slug": SLUG, "year": 2021}
NOT_FOUND = "/this-page-does-not-exist/"  # the 404 page is a page too

# The demo's logins, one per role.
ROLES = {
    "anonymous": None,
    "member": "tuphap",
    "leader": "thanhtra",  # leader unit of 2020
    "deputy": "congan",  # deputy of 2020, leader of 2021
    "board": "bantdkt",
    "admin": "admin",
}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160), summary: n.failureSummary})),
  }));
}"""


def bloc_reader_pages() -> list[str]:
    """What every officer of a member unit and the board read of the bloc's year."""
    ballot = Ballot.objects.filter(year__bloc__slug=SLUG, year__year=2020).order_by("pk").first()
    return [
        reverse("dashboards:home"),
        reverse("blocs:bloc-detail", kwargs={"slug": SLUG}),
        reverse("blocs:year-detail", kwargs=Y2020),
        reverse("blocs:covenant", kwargs=Y2020),
        reverse("blocs:covenant", kwargs=Y2021),
        reverse("scoring:table", kwargs=Y2020),
        reverse("scoring:ranking", kwargs=Y2020),
        reverse("awards:index", kwargs=Y2020),
        reverse("awards:ballot-detail", kwargs={**Y2020, "pk": ballot.pk}),
        reverse("awards:proposals", kwargs=Y2020),
        reverse("conference:plan", kwargs=Y2020),
        reverse("conference:draft-report", kwargs=Y2020),
        reverse("conference:summary", kwargs=Y2020),
        reverse("conference:minutes", kwargs=Y2020),
        reverse("core:notification-list"),
        reverse("password_change"),
    ]


def officer_pages() -> list[str]:
    return [
        reverse("scoring:my-sheet", kwargs=Y2020),
        reverse("reports:submissions", kwargs=Y2020),
        reverse("blocs:covenant-registration", kwargs=Y2021),
    ]


def proposal_page() -> str:
    """A proposal's dossier: the leader who sends it and the board who decides."""
    proposal = Proposal.objects.filter(ballot__year__bloc__slug=SLUG, ballot__year__year=2020).order_by("pk").first()
    return reverse("awards:proposal-detail", kwargs={**Y2020, "pk": proposal.pk})


def leader_pages() -> list[str]:
    member_unit = Unit.objects.get(officers__user__username=ROLES["member"])
    return [
        reverse("scoring:review-list", kwargs=Y2020),
        reverse("scoring:review-sheet", kwargs={**Y2020, "unit_id": member_unit.pk}),
        reverse("reports:submission-matrix", kwargs=Y2020),
        reverse("reports:reminders", kwargs=Y2020),
        reverse("dashboards:leader-dashboard", kwargs=Y2020),
        reverse("conference:delegates", kwargs=Y2020),
        proposal_page(),
    ]


def deputy_pages() -> list[str]:
    leader_unit = Unit.objects.get(officers__user__username=ROLES["leader"])
    return [
        reverse("scoring:review-sheet", kwargs={**Y2020, "unit_id": leader_unit.pk}),
        reverse("dashboards:leader-dashboard", kwargs=Y2021),
    ]


def board_pages() -> list[str]:
    return [
        reverse("dashboards:board-dashboard", args=[2020]),
        reverse("dashboards:board-bloc", args=[2020, SLUG]),
        reverse("blocs:unit-list"),
        reverse("accounts:people"),
        reverse("accounts:person", args=[Person.objects.get(user__username=ROLES["member"]).pk]),
        reverse("scoring:review-list", kwargs=Y2020),
        reverse("reports:submission-matrix", kwargs=Y2020),
        proposal_page(),
    ]


def pages_of(role: str) -> list[str]:
    if role == "anonymous":
        return [reverse("login"), reverse("password_reset"), NOT_FOUND]
    if role == "admin":
        return [reverse("dashboards:home"), reverse("accounts:system"), reverse("core:notification-list")]
    pages = bloc_reader_pages()
    if role in {"member", "leader", "deputy"}:
        pages += officer_pages()
    if role == "member":
        pages.append(NOT_FOUND)
    if role == "leader":
        pages += leader_pages()
    if role == "deputy":
        pages += deputy_pages()
    if role == "board":
        pages += board_pages()
    return pages


@dataclass
class Finding:
    role: str
    width: int
    path: str
    violation: dict

    def __str__(self) -> str:
        v = self.violation
        lines = [
            f"{self.role} · {self.width} px · {self.path}",
            f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})",
        ]
        for node in v["nodes"]:
            summary = " / ".join(line.strip() for line in (node["summary"] or "").splitlines()[1:] if line.strip())
            lines.append(f"    {node['target']}: {summary}")
            lines.append(f"      {node['html']}")
        return "\n".join(lines)


def open_menus(page) -> None:
    """The collapsed menu (on a phone) and the account menu, open: their colours and names are checked too."""
    toggler = page.locator(".navbar-toggler")
    if toggler.count() and toggler.is_visible():
        toggler.click()
        page.locator("#main-nav.show").wait_for()
    account = page.locator("#account-menu")
    if account.count():
        account.click()
        page.locator("#account-menu + .dropdown-menu.show").wait_for()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, TAGS)


@pytest.fixture
def axe_ready():
    if not AXE.exists():
        pytest.skip(f"{MISSING_SERVICE} axe-core not installed at {AXE} (npm ci)")


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", "--quiet-logins")


@pytest.fixture
def browser_context_of(browser, browser_context_args):
    """A context per login: the page's own strict CSP would refuse the injected axe-core, so it is bypassed; reduced
    motion, so that Bootstrap opens the collapsed menu at once (axe would judge it half-drawn otherwise)."""
    contexts = []

    def make(width: int):
        context = browser.new_context(
            **{**browser_context_args, "viewport": {"width": width, "height": WIDTHS[width]}},
            bypass_csp=True,
            reduced_motion="reduce",
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_axe_finds_a_violation_on_a_page_made_to_fail(axe_ready, browser_context_of, live_server):
    """The harness itself: a page with an image without a text alternative, an unnamed button and grey-on-white text
    must be reported, or a broken injection would pass every page."""
    page = browser_context_of(1366)
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><h1>t</h1><img src="x.png">'
        '<button></button><p style="color:#aaa">faint</p></main></body></html>'
    )

    found = {v["id"] for v in axe_violations(page)}

    assert found == {"image-alt", "button-name", "color-contrast"}


def test_every_main_page_of_every_role_is_accessible(axe_ready, demo_data, browser_context_of, live_server):
    findings: list[Finding] = []
    visited = 0
    for role, username in ROLES.items():
        paths = pages_of(role)
        for width in WIDTHS:
            page = browser_context_of(width)
            if username:
                login(page, live_server.url, username)
                assert "/accounts/login/" not in page.url, f"{username} could not log in"
            for path in paths:
                response = page.goto(live_server.url + path)
                expected = 404 if path == NOT_FOUND else 200
                assert response is not None and response.status == expected, f"{role} {path}: {response.status}"
                assert_healthy_page(page)
                open_menus(page)
                findings += [Finding(role, width, path, v) for v in axe_violations(page)]
                visited += 1
            page.context.close()

    report = "\n\n".join(str(f) for f in findings)
    summary = json.dumps(
        {
            rule: sum(len(f.violation["nodes"]) for f in findings if f.violation["id"] == rule)
            for rule in sorted({f.violation["id"] for f in findings})
        }
    )
    assert not findings, f"{len(findings)} page(s) of {visited} with WCAG 2.1 AA violations {summary}:\n\n{report}"


FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const text = (e.textContent || e.value || "").trim().slice(0, 30);
  return {
    element: `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} ${text}`,
    onTheRedBar: !!e.closest(".navbar.bg-brand") && !e.closest(".dropdown-menu"),
    ring: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
  };
}"""
BLUE_RING, WHITE_RING = "solid 3px rgb(10, 88, 202)", "solid 3px rgb(255, 255, 255)"


def test_keyboard_focus_is_clearly_visible_and_space_opens_the_account_menu(world, browser_context_of, live_server):
    """axe does not judge focus rings: every stop of the Tab key on a page of links, buttons and form fields shows the
    same 3 px ring, white on the red menu bar (9.3:1) and blue elsewhere (6.4:1 on white); the account menu is a
    button, which Space opens."""
    page = browser_context_of(1366)
    login(page, live_server.url, world.member.username, "pw")
    faint = []
    for path in (reverse("dashboards:home"), reverse("password_change")):
        page.goto(live_server.url + path)
        for _ in range(25):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused["element"].startswith("body"):
                break
            if focused["ring"] != (WHITE_RING if focused["onTheRedBar"] else BLUE_RING):
                faint.append(f"{path} {focused}")
    assert not faint, "\n".join(faint)

    menu = page.locator("#account-menu")
    assert menu.evaluate("e => e.tagName") == "BUTTON"
    menu.focus()
    page.keyboard.press("Space")
    page.locator("#account-menu + .dropdown-menu.show").wait_for()
    assert menu.get_attribute("aria-expanded") == "true"
