"""The plan editor's preview follows typing: the editor posts the unsaved form to the preview (HTMX, after a pause)
and gets the document as its PDF will read, with the typed text; nothing is saved, and only the plan's editors may
ask. The editor's page carries the request and the frame it fills."""

import re

import pytest
from django.utils.html import escape

from conference.models import ConferencePlan
from core.models import AuditLog

from .test_views import EDIT, PREVIEW, editor_data, plan, vi  # noqa: F401 (plan: the fixture)


def test_the_leaders_typed_text_is_previewed_and_nothing_is_saved(world, plan, client_as):  # noqa: F811
    client = client_as(world.leader)
    data = editor_data(client)
    before = (ConferencePlan.objects.values().get(pk=plan.pk), AuditLog.objects.count())

    response = client.post(PREVIEW, {**data, "title": "Hội nghị sơ kết 6 tháng đầu năm 2020", "venue": "Hội trường B"})

    assert response.status_code == 200
    html = response.content.decode()
    title = re.search(r'<p class="doc-title">(.*?)<br>', html).group(1)
    assert (title, "Hội trường B" in html) == ("Hội nghị sơ kết 6 tháng đầu năm 2020", True)
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert (ConferencePlan.objects.values().get(pk=plan.pk), AuditLog.objects.count()) == before


def test_a_typed_value_that_cannot_be_read_lists_what_to_correct(world, plan, client_as):  # noqa: F811
    client = client_as(world.leader)
    data = editor_data(client)

    response = client.post(PREVIEW, {**data, "conference_date": "31/02/2020"})

    assert response.status_code == 200
    assert escape(vi("The preview cannot be shown until these fields are corrected:")) in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("deputy", 403), ("outsider", 404), ("board", 200)])
def test_only_the_plans_editors_may_preview_typed_text(world, plan, client_as, role, status):  # noqa: F811
    data = editor_data(client_as(world.leader))

    response = client_as(world.user(role)).post(PREVIEW, {**data, "title": "Khác"})

    assert response.status_code == status
    if status == 200:
        assert "Khác" in response.content.decode()


def test_the_editor_posts_the_form_to_the_preview_and_frames_it_at_the_pages_width(world, plan, client_as):  # noqa: F811
    html = client_as(world.leader).get(EDIT).content.decode()

    trigger = re.search(r"<div hidden ([^>]*data-preview-frame[^>]*)>", html).group(1)
    assert f'hx-post="{PREVIEW}"' in trigger
    assert 'hx-trigger="input from:#plan-form delay:800ms"' in trigger
    assert 'hx-include="#plan-form"' in trigger and 'data-preview-frame="plan-preview-frame"' in trigger
    assert re.search(r'<div class="doc-frame[^"]*" data-fit-frame>\s*<iframe id="plan-preview-frame"', html)
    assert '<div class="action-bar">' in html  # the Save row stays in view (app.css)
