"""Renderings belong to a revision of the text and a state (issue 17, findings 2 and 6): a draft's file is its
editors' alone and never offered as the issued document; the issued document's page and downloads offer only the
files of its issued text; a second request of the same revision, format and state reuses the first.

Rendered for real (WeasyPrint, in this process: the eager task run on commit) and read back with pdfplumber."""

import io

import pdfplumber
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from conference.services import plan as plans
from core.documents import registry
from core.documents.services import document_render, document_request, file_name
from core.models import AuditLog, RenderedDocument
from tests.conference.test_views import plan_2020_for, tasks_for
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

Y = {"slug": "ktdnc", "year": 2020}
PLAN = reverse("conference:plan", kwargs=Y)
SECRET = "XDRAFTSECRET42"  # the draft's text that is removed before the plan is issued
EDITORS = ("leader", "board")  # who may edit the plan (conference.plan.edit)
READERS = ("member", "deputy", "leader", "board")  # who may read the issued plan's files
KNOW_THE_YEAR = ("member", "deputy", "leader", "board")  # to the others the plan's year does not exist (404)
State = RenderedDocument.State
Status = RenderedDocument.Status


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def render_url(fmt: str = "pdf") -> str:
    return reverse("conference:plan-render", kwargs={**Y, "fmt": fmt})


def save(plan, by, **changes):
    for name, value in changes.items():
        setattr(plan, name, value)
    return plans.plan_save(
        plan=plan, tasks=tasks_for(plan.year), contributions=[], expected_version=plan.edit_version, by=by
    )


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


@pytest.fixture
def draft(world):
    plan = plan_2020_for(world.year)
    plan.purpose = f"{plan.purpose}\n\nMục này sẽ bỏ: {SECRET}."
    return plans.plan_save(
        plan=plan, tasks=tasks_for(world.year), contributions=[], expected_version=None, by=world.leader
    )


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def downloaded(client, rendered) -> tuple[int, bytes]:
    response = client.get(reverse("core:document-download", args=[rendered.pk]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response.status_code, body


def rendered_by(client, capture, fmt="pdf"):
    with capture(execute=True):  # the eager task renders on commit, in this process
        response = client.post(render_url(fmt))
    assert response.status_code == 302
    return RenderedDocument.objects.order_by("-id").first()


# --- finding 2: the draft's text never reaches a member as the issued plan ------------------------------------


def test_a_draft_rendering_never_reaches_a_member_once_the_plan_is_issued(
    world, draft, client_as, django_capture_on_commit_callbacks, private_storage
):
    leader = client_as(world.leader)
    draft_file = rendered_by(leader, django_capture_on_commit_callbacks)
    assert (draft_file.status, draft_file.state, draft_file.object_revision) == (Status.DONE, State.DRAFT, 1)
    assert draft_file.file_name == "ke-hoach-ktdnc-2020-v1-du-thao-r1.pdf"

    plan = save(draft, world.leader, purpose=draft.purpose.replace(SECRET, "đã bỏ"))  # revision 2
    plan = plans.plan_issue(plan=plan, number=53, by=world.leader)  # revision 3, issued
    issued_file = rendered_by(client_as(world.member), django_capture_on_commit_callbacks)
    assert (issued_file.state, issued_file.object_revision, issued_file.file_name) == (
        State.ISSUED,
        plan.edit_version,
        "ke-hoach-ktdnc-2020-v1.pdf",
    )

    member = client_as(world.member)
    listed = member.get(PLAN).context["documents"]
    assert listed == [issued_file]  # the draft's file is not on the member's page
    assert downloaded(member, draft_file) == (404, b"")  # nor to be downloaded, nor its progress
    assert member.get(reverse("core:document-status", args=[draft_file.pk])).status_code == 404
    for rendered in listed:
        status, content = downloaded(member, rendered)
        assert status == 200 and SECRET not in pdf_text(content)

    # The leader, who edits the plan, still has the draft's file: labelled a draft of revision 1, the text in it.
    leader = client_as(world.leader)
    page = leader.get(PLAN)
    assert page.context["documents"] == [issued_file, draft_file]
    row = page.content.decode().split(f'id="document-{draft_file.pk}"')[1].split("</li>")[0]
    with translation.override("vi"):
        assert pgettext("rendering state", "Draft") in row
    status, content = downloaded(leader, draft_file)
    assert status == 200 and SECRET in pdf_text(content)


def test_the_worker_records_what_it_rendered_not_what_was_asked(world, draft, private_storage):
    """Asked for while a draft, rendered after the issue: it is the issued text, and says so."""
    asked = document_request(kind="conference.plan", obj=draft, fmt="pdf", by=world.leader)  # no worker here
    assert (asked.state, asked.object_revision) == (State.DRAFT, draft.edit_version)
    plan = save(draft, world.leader, purpose=draft.purpose.replace(SECRET, "đã bỏ"))
    plan = plans.plan_issue(plan=plan, number=53, by=world.leader)

    done = document_render(rendered_id=asked.pk)

    assert (done.status, done.state, done.object_revision, done.file_name) == (
        Status.DONE,
        State.ISSUED,
        plan.edit_version,
        "ke-hoach-ktdnc-2020-v1.pdf",
    )
    assert SECRET not in pdf_text(done.file.read())


def test_an_issued_rendering_of_another_revision_is_not_the_issued_text(world, draft, client_as, private_storage):
    """A row marked issued but of a revision the record is not issued as (e.g. before a correction) is shown to the
    editors only; a rendering from before revisions were recorded is a draft."""
    plan = plans.plan_issue(plan=draft, number=53, by=world.leader)
    other = RenderedDocument.objects.create(
        kind="conference.plan",
        object_id=str(plan.pk),
        format="pdf",
        status=Status.DONE,
        state=State.ISSUED,
        object_revision=plan.edit_version - 1,
    )
    unknown = RenderedDocument.objects.create(
        kind="conference.plan", object_id=str(plan.pk), format="pdf", status=Status.DONE
    )
    assert (unknown.state, unknown.object_revision) == (State.DRAFT, None)
    assert client_as(world.member).get(PLAN).context["documents"] == []
    assert client_as(world.leader).get(PLAN).context["documents"] == [unknown, other]
    for rendered in (other, unknown):
        assert client_as(world.member).get(reverse("core:document-status", args=[rendered.pk])).status_code == 404


# --- finding 6: one rendering per revision, format and state ---------------------------------------------------


def test_ten_requests_of_one_revision_make_one_rendering(
    world, draft, client_as, django_capture_on_commit_callbacks, private_storage
):
    leader = client_as(world.leader)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # no worker: each stays pending
        for _ in range(10):
            assert leader.post(render_url()).status_code == 302
    assert RenderedDocument.objects.count() == 1 and len(callbacks) == 1
    assert AuditLog.objects.filter(action="core.document.requested").count() == 1

    RenderedDocument.objects.update(status=Status.DONE)  # made: offered again, with a message that says so
    response = leader.post(render_url(), follow=True)
    assert RenderedDocument.objects.count() == 1
    words = [str(m) for m in response.context["messages"]]  # the eleven requests' messages, in order
    assert words == [
        vi("The %(format)s file is being prepared; it appears below when ready.") % {"format": "PDF"},
        *[
            vi("The %(format)s file of this text is already being prepared; it appears below when ready.")
            % {"format": "PDF"}
        ]
        * 9,
        vi("The %(format)s file of this text is already made: download it below.") % {"format": "PDF"},
    ]

    leader.post(render_url("docx"))  # another format
    assert RenderedDocument.objects.count() == 2
    save(draft, world.leader, purpose="Mục đích mới.")  # another revision of the draft
    leader.post(render_url())
    assert sorted(RenderedDocument.objects.values_list("format", "object_revision", "state")) == [
        ("docx", 1, State.DRAFT),
        ("pdf", 1, State.DRAFT),
        ("pdf", 2, State.DRAFT),
    ]


def test_a_failed_rendering_is_not_reused(world, draft, client_as):
    leader = client_as(world.leader)
    leader.post(render_url())
    RenderedDocument.objects.update(status=Status.FAILED, failure=RenderedDocument.Failure.ERROR)
    leader.post(render_url())
    assert list(RenderedDocument.objects.order_by("id").values_list("status", flat=True)) == [
        Status.FAILED,
        Status.PENDING,
    ]


# --- who may see each rendering, view by view --------------------------------------------------------------------


@pytest.fixture
def renderings(world, draft, private_storage):
    """The plan issued, with a done draft rendering (of revision 1, the secret in it) and a done issued one."""
    draft_row = document_request(kind="conference.plan", obj=draft, fmt="pdf", by=world.leader)
    document_render(rendered_id=draft_row.pk)
    plan = plans.plan_issue(plan=draft, number=53, by=world.leader)
    issued_row = document_request(kind="conference.plan", obj=plan, fmt="pdf", by=world.leader)
    document_render(rendered_id=issued_row.pk)
    return RenderedDocument.objects.get(pk=draft_row.pk), RenderedDocument.objects.get(pk=issued_row.pk)


def expected(role: str, rendered) -> int:
    if role == "anonymous":
        return 302
    if rendered.is_draft:
        return 200 if role in EDITORS else 404  # a draft's file does not exist for anyone else
    return 200 if role in READERS else 403 if role in KNOW_THE_YEAR else 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ["core:document-download", "core:document-status"])
def test_download_and_status_answer_by_the_renderings_own_state(world, renderings, client_as, role, view):
    client = client_as(world.user(role))
    for rendered in renderings:
        assert client.get(reverse(view, args=[rendered.pk])).status_code == expected(role, rendered), rendered.state


@pytest.mark.parametrize("role", ROLES)
def test_try_again_of_a_draft_rendering_is_for_its_editors(world, renderings, client_as, role):
    draft_row, issued_row = renderings
    RenderedDocument.objects.update(status=Status.FAILED, failure=RenderedDocument.Failure.ERROR)
    client = client_as(world.user(role))
    for rendered in (draft_row, issued_row):
        response = client.post(reverse("core:document-retry", args=[rendered.pk]), HTTP_REFERER="http://testserver/")
        want = expected(role, rendered)
        assert response.status_code == (302 if want == 200 else want), rendered.state
        rendered.refresh_from_db()
        assert rendered.status == (Status.PENDING if want == 200 else Status.FAILED)


def test_a_renderings_record_gone_is_a_404(world, renderings, client_as):
    draft_row, _issued = renderings
    RenderedDocument.objects.filter(pk=draft_row.pk).update(object_id="999999")
    assert client_as(world.leader).get(reverse("core:document-download", args=[draft_row.pk])).status_code == 404


# --- the registry and the file names ------------------------------------------------------------------------------


def test_each_kind_says_its_revision_state_and_editors():
    for name, edit_action in [
        ("conference.plan", "conference.plan.edit"),
        ("conference.minutes", "conference.minutes.edit"),
        ("conference.summary", "conference.summary.edit"),
        ("blocs.covenant", "blocs.covenant.issue"),
        ("awards.vote_count_minutes", "awards.documents.issue"),
        ("awards.submission_letter", "awards.letter.issue"),
    ]:
        assert registry.get(name).edit_action == edit_action


def test_the_covenant_revision_is_its_lock_and_a_draft_until_issued(world):
    from blocs.covenant import covenant_for

    covenant = covenant_for(world.year)
    spec = registry.get("blocs.covenant")
    covenant.version = 4
    assert (spec.revision(covenant), spec.is_draft(covenant)) == (4, True)


def test_a_drafts_file_name_says_so_and_the_issued_ones_is_the_documents():
    assert file_name("ke-hoach-ktdnc-2020-v3", "pdf", state=State.DRAFT, revision=7) == (
        "ke-hoach-ktdnc-2020-v3-du-thao-r7.pdf"
    )
    assert file_name("ke-hoach-ktdnc-2020-v3", "docx", state=State.ISSUED, revision=7) == "ke-hoach-ktdnc-2020-v3.docx"
    assert file_name("", "pdf", state=State.ISSUED, revision=1) == "van-ban.pdf"


@pytest.mark.django_db(transaction=True)
def test_ten_requests_at_once_make_one_rendering_on_postgresql(world, private_storage):
    """The requests of one record wait for each other (its row locked): ten at once, one rendering."""
    import threading

    from django.db import connection, connections

    from tests.conftest import MISSING_SERVICE

    if connection.vendor != "postgresql":
        pytest.skip(f"{MISSING_SERVICE} PostgreSQL (DATABASE_URL): concurrent requests need row locks")
    plan = plans.plan_save(
        plan=plan_2020_for(world.year),
        tasks=tasks_for(world.year),
        contributions=[],
        expected_version=None,
        by=world.leader,
    )
    start, ids, errors = threading.Barrier(10), [], []

    def ask():
        try:
            start.wait(timeout=10)
            ids.append(document_request(kind="conference.plan", obj=plan, fmt="docx", by=world.leader).pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(ids) == 10
    assert len(set(ids)) == 1 and RenderedDocument.objects.count() == 1


def test_the_migration_marks_issued_only_what_was_surely_rendered_from_the_issued_text(world, draft):
    """Renderings stored before revisions were recorded: issued only when done, asked for after the issue and of
    the version still issued; anything else stays a draft (its editors' alone)."""
    import datetime
    import importlib

    from django.apps import apps

    migration = importlib.import_module("core.migrations.0011_rendering_revision_state")
    plan = plans.plan_issue(plan=draft, number=53, by=world.leader)

    def row(**fields):
        return RenderedDocument.objects.create(
            **{"kind": "conference.plan", "object_id": str(plan.pk), "format": "pdf", "status": Status.DONE, **fields}
        )

    after, before, pending, gone = row(), row(), row(status=Status.PENDING), row(kind="tests.gone")
    RenderedDocument.objects.filter(pk=before.pk).update(created_at=plan.issued_at - datetime.timedelta(seconds=1))
    RenderedDocument.objects.update(state=State.DRAFT, object_revision=None)

    migration.classify(apps, None)

    assert {r.pk: (r.state, r.object_revision) for r in RenderedDocument.objects.all()} == {
        after.pk: (State.ISSUED, plan.edit_version),
        before.pk: (State.DRAFT, None),
        pending.pk: (State.DRAFT, None),
        gone.pk: (State.DRAFT, None),
    }
