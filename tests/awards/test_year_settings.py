"""A year's legal bases (the "Căn cứ" its submissions cite): who may set them, what the service accepts, what an
empty list means, and the page with its form."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from awards import services
from awards.models import AwardYearSettings
from awards.selectors import legal_bases_for, legal_bases_in_force, year_legal_bases
from blocs.enums import Phase
from core.models import AuditLog
from tests.factories import ProvinceFactory, board_of

URL = reverse("awards:legal-bases", kwargs={"slug": "ktdnc", "year": 2020})
OWN = [
    "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022;",
    "Căn cứ Quyết định số 12/2024/QĐ-UBND ngày 10/3/2024 của UBND tỉnh Tuyên Quang;",
]
IN_FORCE_2020 = legal_bases_in_force(datetime.date(2020, 12, 31))


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


# --- the service ---------------------------------------------------------------------------------------------


def test_the_year_follows_the_law_in_force_until_it_sets_its_own(bloc2020):
    year = bloc2020.year
    assert legal_bases_for(year, datetime.date(2020, 11, 5)) == IN_FORCE_2020
    assert legal_bases_for(year, datetime.date(2024, 1, 2)) == legal_bases_in_force(datetime.date(2024, 1, 2))

    services.legal_bases_set(year=year, lines=[*OWN, "  "], by=bloc2020.leader)

    assert legal_bases_for(year, datetime.date(2024, 1, 2)) == OWN
    entry = AuditLog.objects.get(action="awards.legal_bases.saved")
    assert (entry.data["old"], entry.data["new"]) == ([], OWN)


def test_each_basis_is_written_as_the_letter_prints_it(bloc2020):
    decomposed = "Ca\u0306n cu\u031b\u0301   Luật   Thi đua, khen thưởng"  # NFD, spaces, no semicolon

    services.legal_bases_set(
        year=bloc2020.year, lines=[decomposed, "Căn cứ Nghị định số 98/2023/NĐ-CP."], by=bloc2020.board
    )

    assert year_legal_bases(bloc2020.year) == [
        "Căn cứ Luật Thi đua, khen thưởng;",
        "Căn cứ Nghị định số 98/2023/NĐ-CP;",
    ]


def test_the_very_law_in_force_or_nothing_means_following_it(bloc2020):
    year = bloc2020.year
    services.legal_bases_set(year=year, lines=OWN, by=bloc2020.leader)
    services.legal_bases_set(year=year, lines=IN_FORCE_2020, by=bloc2020.leader)
    assert year_legal_bases(year) == []
    services.legal_bases_set(year=year, lines=OWN, by=bloc2020.leader)
    services.legal_bases_set(year=year, lines=[], by=bloc2020.leader)
    assert year_legal_bases(year) == []
    assert AwardYearSettings.objects.count() == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["Luật Thi đua, khen thưởng;"], "Line 1 does not begin with “Căn cứ”."),
        ([OWN[0], "Căn cứ " + "x" * 600], "Line 2 is longer than 600 characters."),
        ([f"Căn cứ văn bản {i};" for i in range(11)], "Give at most 10 legal bases."),
    ],
)
def test_bases_that_are_not_bases_are_refused(bloc2020, lines, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.legal_bases_set(year=bloc2020.year, lines=lines, by=bloc2020.leader)

    assert refused.value.message_dict == {"bases": [message]}
    assert not AwardYearSettings.objects.exists()


def test_only_the_leader_and_the_board_set_them_until_the_year_closes(bloc2020):
    year = bloc2020.year
    with pytest.raises(PermissionDenied):  # a member sees the year but does not set its bases
        services.legal_bases_set(year=year, lines=OWN, by=bloc2020.officers["STP"])
    # who may not even know the year exists: as for a year that does not exist
    for user in (bloc2020.outsider, board_of(ProvinceFactory(name="Hà Giang", code="HG"))):
        with pytest.raises(Http404):
            services.legal_bases_set(year=year, lines=OWN, by=user)
    year.phase = Phase.CLOSED
    year.save()
    for user in (bloc2020.leader, bloc2020.board):
        with pytest.raises(PermissionDenied):
            services.legal_bases_set(year=year, lines=OWN, by=user)
    assert not AwardYearSettings.objects.exists()


# --- the page ------------------------------------------------------------------------------------------------

ROLES = ["anonymous", "outsider", "member", "leader", "board", "other_board"]
# The outsider and another province's board may not even know the year exists: 404, as for a year that does not exist.
EXPECTED = {"anonymous": 302, "outsider": 404, "member": 403, "leader": 200, "board": 200, "other_board": 404}


def user_for(bloc, role):
    return {
        "anonymous": None,
        "outsider": bloc.outsider,
        "member": bloc.officers["STP"],
        "leader": bloc.leader,
        "board": bloc.board,
        "other_board": board_of(ProvinceFactory(name="Hà Giang", code="HG")),
    }[role]


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_page_answers_each_role(bloc2020, client_as, method):
    answers = {}
    for role in ROLES:
        client = client_as(user_for(bloc2020, role))
        response = getattr(client, method)(URL, {"bases": "\n".join(OWN)} if method == "post" else None)
        answers[role] = 200 if response.status_code == 302 and role in ("leader", "board") else response.status_code
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    assert answers == EXPECTED


def test_the_form_shows_the_law_in_force_and_saves_the_year_s_own(bloc2020, client_as):
    client = client_as(bloc2020.leader)
    page = client.get(URL)
    assert page.context["form"].initial == {"bases": "\n".join(IN_FORCE_2020)}
    assert 'name="reset"' not in page.content.decode()

    response = client.post(URL, {"bases": "\n".join(OWN)})

    assert response.status_code == 302 and response["Location"] == URL
    assert year_legal_bases(bloc2020.year) == OWN
    again = client.get(URL)
    assert again.context["form"].initial == {"bases": "\n".join(OWN)}
    assert 'name="reset"' in again.content.decode()


def test_a_refused_line_is_named_on_the_form_and_the_input_kept(bloc2020, client_as):
    response = client_as(bloc2020.board).post(URL, {"bases": f"{OWN[0]}\nLuật Thi đua"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "bases": [vi("Line %(line)s does not begin with “Căn cứ”.") % {"line": 2}]
    }
    assert "Luật Thi đua" in response.content.decode()
    assert year_legal_bases(bloc2020.year) == []


def test_reset_follows_the_law_in_force_again(bloc2020, client_as):
    services.legal_bases_set(year=bloc2020.year, lines=OWN, by=bloc2020.leader)

    client_as(bloc2020.board).post(URL, {"bases": "\n".join(OWN), "reset": "1"})

    assert year_legal_bases(bloc2020.year) == []


def test_the_awards_page_links_to_them_for_the_leader_and_the_board_only(bloc2020, client_as):
    index = reverse("awards:index", kwargs={"slug": "ktdnc", "year": 2020})
    shown = {
        role: URL in client_as(user_for(bloc2020, role)).get(index).content.decode()
        for role in ("member", "leader", "board")
    }
    assert shown == {"member": False, "leader": True, "board": True}
