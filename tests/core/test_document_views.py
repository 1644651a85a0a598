"""The shared part of every official document's page and render view (core/documents/views.py), tried on a kind
of its own: the record is a user, readable by whoever the test's rule lets through."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from core import permissions
from core.documents import registry
from core.documents.views import FORMATS, known_format, render_actions, rendered_documents, request_rendering
from core.models import RenderedDocument
from tests.factories import UserFactory

KIND = "tests.profile"
ACTION = "tests.profile.document"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def kind(monkeypatch):
    """A kind whose record is a user; the rule lets a user read the documents of their own record only."""
    monkeypatch.setitem(
        registry._kinds,
        KIND,
        registry.DocumentKind(
            name=KIND, load=lambda pk: None, build=lambda obj: None, version=lambda obj: 3, view_action=ACTION
        ),
    )
    monkeypatch.setitem(permissions._rules, ACTION, lambda user, obj: user.pk == obj.pk)
    return KIND


def _post(user):
    request = RequestFactory().post("/render/pdf/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_an_unknown_format_is_not_found_before_the_view_runs():
    ran = []

    @known_format
    def view(request, slug, fmt):
        ran.append(fmt)
        return HttpResponse("ok")

    assert view(None, "ktdnc", fmt="pdf").content == b"ok"
    with pytest.raises(Http404):
        view(None, "ktdnc", fmt="odt")
    assert ran == ["pdf"]


def test_a_button_per_format_posts_to_the_apps_render_view():
    assert list(FORMATS) == ["pdf", "docx"]
    assert render_actions("conference:plan-render", "ktdnc", 2020) == [
        ("PDF", "/blocs/ktdnc/years/2020/plan/render/pdf/"),
        ("DOCX", "/blocs/ktdnc/years/2020/plan/render/docx/"),
    ]


@pytest.mark.django_db
def test_a_rendering_is_queued_with_a_message_and_the_page_comes_back(kind, django_capture_on_commit_callbacks):
    owner = UserFactory()
    request = _post(owner)
    back = HttpResponseRedirect("/page/#documents")
    with django_capture_on_commit_callbacks() as callbacks:  # not run: no worker here
        response = request_rendering(request, owner, kind=kind, action=ACTION, fmt="docx", then=back)
    assert response is back and len(callbacks) == 1
    rendered = RenderedDocument.objects.get()
    assert (rendered.kind, rendered.object_id, rendered.object_version, rendered.format, rendered.status) == (
        KIND,
        str(owner.pk),
        3,
        "docx",
        "pending",
    )
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [
        ("info", "The DOCX file is being prepared; it appears below when ready.")
    ]


@pytest.mark.django_db
def test_the_right_is_asked_first_then_the_refusal_and_nothing_is_queued(kind):
    owner, other = UserFactory(), UserFactory()
    asked = []

    def refusal():
        asked.append(True)
        return "Not yet."

    back = HttpResponseRedirect("/page/#documents")
    with pytest.raises(PermissionDenied):
        request_rendering(_post(other), owner, kind=kind, action=ACTION, fmt="pdf", then=back, refusal=refusal)
    assert asked == []
    request = _post(owner)
    assert request_rendering(request, owner, kind=kind, action=ACTION, fmt="pdf", then=back, refusal=refusal) is back
    assert asked == [True] and not RenderedDocument.objects.exists()
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [("error", "Not yet.")]


@pytest.mark.django_db
def test_the_files_list_newest_first_of_one_version_and_the_partial_shows_them(kind, django_assert_num_queries):
    owner = UserFactory()
    for version, fmt, status in [(1, "pdf", "done"), (2, "pdf", "failed"), (2, "docx", "rendering")]:
        RenderedDocument.objects.create(
            kind=kind, object_id=str(owner.pk), object_version=version, format=fmt, status=status, requested_by=owner
        )
    with django_assert_num_queries(2):  # the renderings, then who asked for them
        documents = rendered_documents(kind, owner)
        assert [d.requested_by for d in documents] == [owner] * 3
    assert [(d.object_version, d.format) for d in documents] == [(2, "docx"), (2, "pdf"), (1, "pdf")]
    assert [(d.object_version, d.format) for d in rendered_documents(kind, owner, version=2)] == [
        (2, "docx"),
        (2, "pdf"),
    ]
    with django_assert_num_queries(1):  # none of that version: nobody to fetch
        assert rendered_documents(kind, owner, version=9) == []

    html = render_to_string(
        "core/_document_files.html",
        {"documents": documents, "render_actions": [("PDF", "/r/pdf/"), ("DOCX", "/r/docx/")]},
    )
    failed = documents[1]
    assert html.count('<form method="post" action=') == 3  # a button per format, and the failed one's "Try again"
    assert 'action="/r/pdf/"' in html and 'action="/r/docx/"' in html
    assert f'action="/documents/{failed.pk}/retry/"' in html and gettext("Try again") in html
    assert "Render PDF" in html and "Render DOCX" in html
    assert html.count('hx-get="/documents/') == 1  # only the rendering still in progress polls
    assert gettext("The file was not made: the document could not be rendered.") in html
    assert "No file has been rendered yet." not in html
    empty = render_to_string("core/_document_files.html", {"documents": [], "render_actions": []})
    assert "No file has been rendered yet." in empty and "<form" not in empty
