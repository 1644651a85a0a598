# The self-assessment sheet has one name in the code: Sheet (was Assessment), SheetVersion (was
# AssessmentVersion), and the foreign keys to it `sheet` (were `assessment`). Renames only: the rows stay.
#
# The two unique constraints that name the renamed field are dropped before the rename and made again after it
# (same names, same columns): the migration state does not carry a field's rename into constraints, and SQLite
# rebuilds a table to rename a foreign key column, from that state.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blocs", "0002_initial"),
        ("scoring", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="score",
            name="one_score_per_criterion",
        ),
        migrations.RemoveConstraint(
            model_name="assessmentversion",
            name="version_number_once",
        ),
        migrations.RenameModel(
            old_name="Assessment",
            new_name="Sheet",
        ),
        migrations.RenameModel(
            old_name="AssessmentVersion",
            new_name="SheetVersion",
        ),
        migrations.RenameIndex(
            model_name="sheet",
            new_name="scoring_she_year_id_75b2bc_idx",
            old_name="scoring_ass_year_id_802382_idx",
        ),
        migrations.RenameField(
            model_name="score",
            old_name="assessment",
            new_name="sheet",
        ),
        migrations.RenameField(
            model_name="sheetversion",
            old_name="assessment",
            new_name="sheet",
        ),
        migrations.AlterModelOptions(
            name="sheetversion",
            options={
                "ordering": ["sheet", "-number"],
                "verbose_name": "submitted version",
                "verbose_name_plural": "submitted versions",
            },
        ),
        migrations.AlterField(
            model_name="sheet",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sheets",
                to="blocs.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="sheet",
            name="year",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sheets",
                to="blocs.emulationyear",
                verbose_name="emulation year",
            ),
        ),
        migrations.AddConstraint(
            model_name="score",
            constraint=models.UniqueConstraint(fields=("sheet", "criterion"), name="one_score_per_criterion"),
        ),
        migrations.AddConstraint(
            model_name="sheetversion",
            constraint=models.UniqueConstraint(fields=("sheet", "number"), name="version_number_once"),
        ),
    ]
