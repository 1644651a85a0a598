"""Upload limits on reports: the unit's storage quota of the year (report files, evidence and dossiers together,
one query) and the number of files one request may carry."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation

from blocs.storage import storage_used
from reports.models import SubmissionVersion

from .test_submissions import Y, file_field, one_page, submit, summary_data, upload, write_url


def set_quota(year, mb: float) -> int:
    year.settings_override = {**year.settings_override, "storage_quota_mb": mb}
    year.save(update_fields=["settings_override"])
    return int(mb * 1024 * 1024)


@pytest.fixture
def report(world):
    from blocs.enums import DeadlineKind
    from tests.factories import DeadlineFactory

    return DeadlineFactory(year=world.year, kind=DeadlineKind.YEAR_REPORT, title="Báo cáo tổng kết năm 2020")


def test_every_version_counts_and_one_over_the_quota_is_refused(world, report):
    submit(report, world.member_unit, world.member)
    submit(report, world.member_unit, world.member, name="v2.pdf")
    used = 2 * len(one_page())
    assert storage_used(unit=world.member_unit, year=world.year) == used
    assert storage_used(unit=world.leader_unit, year=world.year) == 0
    quota = set_quota(world.year, (used + len(one_page()) - 1) / (1024 * 1024))

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        submit(report, world.member_unit, world.member, name="v3.pdf")

    with translation.override("en"):
        expected = (
            f"{world.member_unit.short_name} has used {filesizeformat(used)} of its {filesizeformat(quota)} of files "
            f"for 2020; this upload ({filesizeformat(len(one_page()))}) would go over it. Remove files no longer "
            "needed, or ask the bloc's leader to raise the quota."
        )
    assert refused.value.messages == [expected]
    assert SubmissionVersion.objects.count() == 2


def test_the_default_quota_is_the_bloc_setting(world, settings):
    assert world.year.setting("storage_quota_mb") == settings.BLOC_SETTING_DEFAULTS["storage_quota_mb"] == 500


@pytest.mark.parametrize("n", [1, 3])
def test_the_used_bytes_take_one_query(world, report, django_assert_num_queries, n):
    for i in range(n):
        submit(report, world.member_unit, world.member, name=f"v{i}.pdf")

    with django_assert_num_queries(1):
        used = storage_used(unit=world.member_unit, year=world.year)

    assert used == n * len(one_page())


def test_more_files_than_the_limit_in_one_request_get_the_413_page(world, report, client_as, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    path = reverse("reports:submission-upload", kwargs={**Y, "deadline_pk": report.pk})
    files = [SimpleUploadedFile(f"f{i}.pdf", b"%PDF-1.4 x") for i in range(4)]
    world.member.language = "en"  # the account's language wins over the cookie
    world.member.save(update_fields=["language"])
    client = client_as(world.member)

    response = client.post(path, {file_field(report): files})

    assert response.status_code == 413
    assert "more than 3 files, the most one sending may carry" in response.content.decode()
    assert SubmissionVersion.objects.count() == 0


def test_files_within_the_limit_are_read(world, report, client_as):
    path = reverse("reports:submission-upload", kwargs={**Y, "deadline_pk": report.pk})
    response = client_as(world.member).post(path, {file_field(report): upload("Báo cáo.pdf")})
    assert response.status_code == 302
    assert SubmissionVersion.objects.count() == 1


# --- the editor's "measure": throttled per user, bounded in size -------------------------------------------


@pytest.fixture
def summary(world):
    from blocs.enums import DeadlineKind
    from tests.factories import DeadlineFactory

    return DeadlineFactory(year=world.year, kind=DeadlineKind.SUMMARY_REPORT, title="Báo cáo tóm tắt năm 2020")


def test_measuring_is_limited_per_user_and_minute(world, summary, client_as, settings):
    settings.SUMMARY_MEASURE_PER_MINUTE = 2
    world.member.language = "en"  # the account's language wins over the cookie
    world.member.save(update_fields=["language"])
    client = client_as(world.member)

    answers = [client.post(write_url(summary), {**summary_data(), "action": "measure"}) for _ in range(3)]

    assert [r.context["measured"] is not None for r in answers] == [True, True, False]
    message = "You measured the summary 2 times this minute, the most allowed; wait a minute and try again."
    assert message in answers[2].context["form"].non_field_errors()
    assert answers[2].context["form"]["text_1"].value() == summary_data()["text_1"]  # nothing typed is lost


def test_a_body_too_long_to_lay_out_is_not_rendered(world, summary, client_as, settings):
    settings.SUMMARY_MEASURE_MAX_CHARS = 100
    world.member.language = "en"  # the account's language wins over the cookie
    world.member.save(update_fields=["language"])
    client = client_as(world.member)
    data = {**summary_data(), "text_1": "x" * 200, "action": "measure"}

    response = client.post(write_url(summary), data)

    assert response.context["measured"] is None
    errors = response.context["form"].non_field_errors()
    assert any(e.startswith("The summary holds") and "more than the 100 that can be laid out" in e for e in errors)
