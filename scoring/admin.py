from django.contrib import admin

from core.admin import AuditedAdmin, HistoryAdmin

from .models import CriteriaTable, Criterion, Evidence, Score, ScoreChange, Sheet, SheetVersion

for model in (CriteriaTable, Criterion, Sheet, Evidence):
    admin.site.register(model, AuditedAdmin)
# History, and the scores whose every change must leave a ScoreChange (only the scoring services write one).
for model in (Score, ScoreChange, SheetVersion):
    admin.site.register(model, HistoryAdmin)
