"""The work of a year, as links on the year's page: each app adds its own pages (in its AppConfig.ready), with the
permission rule that decides who sees each, so that the blocs app names no later app's URL or rule.

    year_link(order=20, label=_("Criteria table"), url_name="scoring:table", action="scoring.table.view")
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from core.permissions import can

from .roles import facts


@dataclass(frozen=True)
class YearLink:
    order: int
    label: str | Promise
    url_name: str  # reversed with the bloc's slug and the year
    action: str | None = None  # asked with the year; None: whoever sees the year
    officers_only: bool = False  # a unit's own page (the board has none)


_links: list[YearLink] = []


def year_link(*, order: int, label, url_name: str, action: str | None = None, officers_only: bool = False) -> None:
    link = YearLink(order=order, label=label, url_name=url_name, action=action, officers_only=officers_only)
    if any(existing.url_name == url_name for existing in _links):
        return  # ready() may run twice in a process (tests); one link per page
    _links.append(link)
    _links.sort(key=lambda item: item.order)


def links_for(user, year) -> list[tuple[str, str]]:
    """(label, URL) of each page of the year this user may open, in the apps' order."""
    is_officer = facts(user).is_officer
    kwargs = {"slug": year.bloc.slug, "year": year.year}
    return [
        (str(link.label), reverse(link.url_name, kwargs=kwargs))
        for link in _links
        if (is_officer or not link.officers_only) and (link.action is None or can(user, link.action, year))
    ]
