"""The storage quota of a unit's year counts its evidence: an upload that would pass it is refused, saying the
quota and what is used, and nothing of the save is stored."""

import pytest
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from blocs.storage import storage_used
from scoring.models import Evidence, Sheet

from .helpers import P, criteria, pdf
from .test_sheet_service import save_or_send, unsaved


def quota_bytes(year, mb: float) -> int:
    year.settings_override = {**year.settings_override, "storage_quota_mb": mb}
    year.save(update_fields=["settings_override"])
    return int(mb * 1024 * 1024)


def test_evidence_counts_against_the_quota_and_an_upload_over_it_is_refused(scored_world):
    w = scored_world
    first = pdf("mot.pdf")
    sheet = save_or_send(w, unsaved(w), P(i1=10), files={criteria(w.year)["I.1"].pk: [first]})
    used = storage_used(unit=w.member_unit, year=w.year)
    assert used == first.size
    quota = quota_bytes(w.year, (used + first.size // 2) / (1024 * 1024))
    second = pdf("hai.pdf")
    sheet = Sheet.objects.get(pk=sheet.pk)  # its year with the new quota

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        save_or_send(w, sheet, P(i1=11), files={criteria(w.year)["I.1"].pk: [second]})

    with translation.override("en"):
        expected = (
            f"{w.member_unit.short_name} has used {filesizeformat(used)} of its {filesizeformat(quota)} of files for "
            f"2020; this upload ({filesizeformat(second.size)}) would go over it. Remove files no longer needed, or "
            "ask the bloc's leader to raise the quota."
        )
    assert refused.value.messages == [expected]
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["mot.pdf"]


def test_removing_evidence_in_the_same_save_makes_room(scored_world):
    w = scored_world
    first = pdf("mot.pdf")
    sheet = save_or_send(w, unsaved(w), P(i1=10), files={criteria(w.year)["I.1"].pk: [first]})
    quota_bytes(w.year, (first.size + 10) / (1024 * 1024))
    old = Evidence.objects.get()

    sheet = Sheet.objects.get(pk=sheet.pk)
    from scoring import services

    from .helpers import entries_of

    services.sheet_save_or_send(
        sheet=sheet,
        entries=entries_of(w.year, P(i1=10), "Theo báo cáo."),
        files={criteria(w.year)["I.1"].pk: [pdf("moi.pdf")]},
        remove_evidence=[old.pk],
        expected_version=sheet.version,
        by=w.member,
    )

    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["moi.pdf"]
