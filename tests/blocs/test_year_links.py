"""The year's page lists the work of the year that each app adds (blocs.sections), each to whoever may open it."""

import pytest
from django.urls import reverse

from blocs import sections


def _links(client_as, user, world) -> dict[str, str]:
    page = client_as(user).get(reverse("blocs:year-detail", kwargs={"slug": "ktdnc", "year": 2020}))
    assert page.status_code == 200
    return dict(page.context["year_links"])


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        ("member", {"scoring:my-sheet", "reports:submissions", "blocs:covenant"}, {"reports:submission-matrix"}),
        ("leader", {"scoring:my-sheet", "reports:submission-matrix", "scoring:review-list"}, set()),
        ("board", {"reports:submission-matrix", "blocs:covenant", "scoring:table"}, {"scoring:my-sheet"}),
    ],
)
def test_each_role_sees_the_pages_it_may_open(world, client_as, role, sees, does_not_see):
    urls = set(_links(client_as, world.user(role), world).values())
    kwargs = {"slug": "ktdnc", "year": 2020}
    for name in sees:
        assert reverse(name, kwargs=kwargs) in urls, name
    for name in does_not_see:
        assert reverse(name, kwargs=kwargs) not in urls, name


def test_every_link_opens_for_whoever_sees_it(world, client_as):
    for role in ("member", "leader", "deputy", "board"):
        client = client_as(world.user(role))
        for _label, url in _links(client_as, world.user(role), world).items():
            response = client_as(world.user(role)).get(url)
            assert response.status_code in {200, 302}, (role, url, response.status_code)
        assert client


def test_the_apps_add_their_pages_in_order():
    names = [link.url_name for link in sections._links]
    assert names[:2] == ["blocs:covenant", "scoring:table"]
    assert names.index("conference:plan") < names.index("awards:index")
