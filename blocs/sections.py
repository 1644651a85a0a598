"""The work of a year, as the sections of the year's page: each app adds its own pages (in its AppConfig.ready), with
the permission rule that decides who sees each, so that the blocs app names no later app's URL, rule or relation.

    year_link(
        stage=Stage.START,
        order=20,
        label=_("Criteria table"),
        description=_("The criteria, their points and the bonuses and deductions."),
        url_name="scoring:table",
        action="scoring.table.view",
    )

A section may show a state badge (`state`): a function of the year that reads only the one-to-one relations it names
in `related`, which the page loads with the year in its one query, so the page costs the same whatever it shows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from core.permissions import can

from .roles import facts


class Stage(IntEnum):
    """When in the year a section's work happens (the order of the year's page)."""

    START = 1
    DURING = 2
    END = 3

    @property
    def label(self) -> str:
        return str(_STAGE_LABELS[self])


_STAGE_LABELS = {
    Stage.START: pgettext_lazy("stage of the year", "Start of the year"),
    Stage.DURING: pgettext_lazy("stage of the year", "During the year"),
    Stage.END: pgettext_lazy("stage of the year", "End of the year"),
}


@dataclass(frozen=True)
class Badge:
    """A section's state, in words (colour never alone): tone is a Bootstrap colour name."""

    label: str | Promise
    tone: str = "secondary"


State = Callable[[object], Badge | None]


@dataclass(frozen=True)
class YearLink:
    order: int
    label: str | Promise
    url_name: str  # reversed with the bloc's slug and the year
    action: str | None = None  # asked with the year; None: whoever sees the year
    officers_only: bool = False  # a unit's own page (the board has none)
    stage: Stage = Stage.DURING
    description: str | Promise = ""
    fragment: str = ""  # a part of the page ("calendar": the year's page itself)
    related: tuple[str, ...] = ()  # the year's one-to-one relations `state` reads
    state: State | None = None


@dataclass(frozen=True)
class Section:
    """One section of the year's page as a reader sees it."""

    label: str
    url: str
    url_name: str
    description: str
    badge: Badge | None


@dataclass(frozen=True)
class StageGroup:
    stage: Stage
    label: str
    sections: list[Section]


_links: list[YearLink] = []


def year_link(
    *,
    order: int,
    label,
    url_name: str,
    action: str | None = None,
    officers_only: bool = False,
    stage: Stage = Stage.DURING,
    description="",
    fragment: str = "",
    related: tuple[str, ...] = (),
    state: State | None = None,
) -> None:
    link = YearLink(
        order=order,
        label=label,
        url_name=url_name,
        action=action,
        officers_only=officers_only,
        stage=stage,
        description=description,
        fragment=fragment,
        related=tuple(related),
        state=state,
    )
    if any(existing.url_name == url_name for existing in _links):
        return  # ready() may run twice in a process (tests); one link per page
    _links.append(link)
    _links.sort(key=lambda item: (item.stage, item.order))


def related_names() -> tuple[str, ...]:
    """The year's one-to-one relations the sections' states read, to load with the year (select_related)."""
    return tuple(dict.fromkeys(name for link in _links for name in link.related))


def _visible(user, year) -> list[YearLink]:
    is_officer = facts(user).is_officer
    return [
        link
        for link in _links
        if (is_officer or not link.officers_only) and (link.action is None or can(user, link.action, year))
    ]


def _url(link: YearLink, year) -> str:
    url = reverse(link.url_name, kwargs={"slug": year.bloc.slug, "year": year.year})
    return f"{url}#{link.fragment}" if link.fragment else url


def sections_for(user, year) -> list[StageGroup]:
    """The sections of the year this user may open, grouped by stage of the year (stages with none left out). The
    year must come with `related_names()` loaded: the states read nothing else."""
    groups: dict[Stage, list[Section]] = {}
    for link in _visible(user, year):
        groups.setdefault(link.stage, []).append(
            Section(
                label=str(link.label),
                url=_url(link, year),
                url_name=link.url_name,
                description=str(link.description),
                badge=link.state(year) if link.state else None,
            )
        )
    return [StageGroup(stage=stage, label=stage.label, sections=items) for stage, items in sorted(groups.items())]


def unfinished(user, year) -> list[Section]:
    """The end-of-year sections whose work is not done (not started, or a state other than done): what the board is
    warned of before it opens the next year. The year must come with `related_names()` loaded."""
    result = []
    for link in _visible(user, year):
        if link.stage != Stage.END or link.state is None:
            continue
        badge = link.state(year)
        if badge is None or badge.tone != "success":
            result.append(
                Section(
                    label=str(link.label),
                    url=_url(link, year),
                    url_name=link.url_name,
                    description=str(link.description),
                    badge=badge or Badge(pgettext_lazy("section state", "Not started")),
                )
            )
    return result


# --- states the apps share ---------------------------------------------------------------------------------------

DRAFT = Badge(pgettext_lazy("plan status", "Draft"), "secondary")
ISSUED = Badge(pgettext_lazy("plan status", "Issued"), "success")


def one_to_one(year, relation: str):
    """The year's record behind a one-to-one relation (loaded with the year), or None when there is none."""
    try:
        return getattr(year, relation)
    except ObjectDoesNotExist:  # loaded with the year and absent: no query, the record does not exist (yet)
        return None


def document_state(relation: str) -> State:
    """The state of an issued document that is the year's one-to-one record (`is_issued`): draft or issued; no badge
    before anyone drafted it."""

    def state(year) -> Badge | None:
        record = one_to_one(year, relation)
        if record is None:
            return None
        return ISSUED if record.is_issued else DRAFT

    return state
