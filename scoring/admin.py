from django.contrib import admin

from .models import Assessment, AssessmentVersion, CriteriaTable, Criterion, Evidence, Score, ScoreChange

for model in (CriteriaTable, Criterion, Assessment, Score, Evidence, AssessmentVersion, ScoreChange):
    admin.site.register(model)
