from django.contrib import admin

from .models import CriteriaTable, Criterion, Evidence, Score, ScoreChange, Sheet, SheetVersion

for model in (CriteriaTable, Criterion, Sheet, Score, Evidence, SheetVersion, ScoreChange):
    admin.site.register(model)
