"""Renderings record the revision of the text they were made from and whether it was a draft.

Renderings stored before are drafts (shown to the draft's editors alone) unless they were surely made from the
issued text: done, asked for after the record was issued, of the version it still is issued as (an issued record
is frozen, so the worker rendered that text)."""

from django.db import migrations, models


def classify(apps, schema_editor):
    from core.documents import registry

    rendered = apps.get_model("core", "RenderedDocument")
    for row in rendered.objects.filter(status="done").iterator():
        try:
            spec = registry.get(row.kind)
            record = spec.load(row.object_id)
            issued_at = getattr(record, "issued_at", None)
            issued = (
                not spec.is_draft(record)
                and issued_at is not None
                and row.created_at >= issued_at
                and row.object_version == spec.version(record)
            )
            revision = spec.revision(record)
        except Exception:  # a kind no longer registered, a record deleted: left a draft
            continue
        if issued:
            rendered.objects.filter(pk=row.pk).update(state="issued", object_revision=revision)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_rendering_claims"),
    ]

    operations = [
        migrations.AddField(
            model_name="rendereddocument",
            name="object_revision",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="revision of the text"),
        ),
        migrations.AddField(
            model_name="rendereddocument",
            name="state",
            field=models.CharField(
                choices=[("draft", "Draft"), ("issued", "Issued")],
                default="draft",
                max_length=6,
                verbose_name="state rendered",
            ),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
