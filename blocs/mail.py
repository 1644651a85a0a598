"""Whose undelivered mail the board and a leader unit see (core's pages of undelivered mail, core.notifications):
the board, every user of its province; a bloc-year's leader unit, the officers of that year's member units."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from core.notifications import MailAudience, register_mail_audience

from .models import EmulationYear, Person, Province
from .selectors import members_in_year


def _province_users(province: Province):
    return Person.objects.filter(Q(unit__province=province) | Q(board_province=province)).values("user_id")


def _year_officers(year: EmulationYear):
    units = members_in_year(bloc=year.bloc, year=year.year).values("pk")
    return Person.objects.filter(unit_id__in=units).values("user_id")


def _load_year(key: str) -> EmulationYear:
    slug, _sep, number = key.rpartition("-")
    return EmulationYear.objects.select_related("bloc__province", "leader").get(bloc__slug=slug, year=int(number))


PROVINCE = MailAudience(
    name="province",
    load=lambda key: Province.objects.get(pk=int(key)),
    key=lambda province: str(province.pk),
    recipients=_province_users,
    view_action="blocs.mail.province",
    title=lambda province: gettext("Users of %(province)s") % {"province": province.name},
    back_url=lambda province: reverse("dashboards:home"),
)

BLOC_YEAR = MailAudience(
    name="bloc-year",
    load=_load_year,
    key=lambda year: f"{year.bloc.slug}-{year.year}",
    recipients=_year_officers,
    view_action="blocs.mail.year",
    title=lambda year: (
        gettext("Officers of the member units of %(bloc)s, %(year)s") % {"bloc": year.bloc.name, "year": year.year}
    ),
    back_url=lambda year: reverse("blocs:year-detail", kwargs={"slug": year.bloc.slug, "year": year.year}),
)


def register() -> None:
    register_mail_audience(PROVINCE)
    register_mail_audience(BLOC_YEAR)
