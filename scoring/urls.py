from django.urls import path

from . import views

app_name = "scoring"

Y = "blocs/<slug:slug>/years/<int:year>/scoring/"

urlpatterns = [
    path(Y + "criteria/", views.table_detail, name="table"),
    path(Y + "criteria/new/", views.criterion_edit, name="criterion-create"),
    path(Y + "criteria/<int:pk>/edit/", views.criterion_edit, name="criterion-edit"),
    path(Y + "criteria/<int:pk>/delete/", views.criterion_delete, name="criterion-delete"),
    path(Y + "criteria/copy/", views.table_copy, name="table-copy"),
    path(Y + "criteria/import/", views.table_import, name="table-import"),
    path(Y + "criteria/export.xlsx", views.table_export, name="table-export"),
    path(Y + "criteria/template.xlsx", views.table_template, name="table-template"),
    path(Y + "my-sheet/", views.my_sheet, name="my-sheet"),
    path(Y + "my-sheet/totals/", views.sheet_totals, name="my-sheet-totals"),
    path(Y + "sheets/", views.review_list, name="review-list"),
    path(Y + "sheets/<int:unit_id>/", views.review_sheet, name="review-sheet"),
    path(Y + "sheets/<int:unit_id>/totals/", views.sheet_totals, name="review-sheet-totals"),
    path(Y + "sheets/<int:unit_id>/return/", views.review_return, name="review-return"),
    path(Y + "sheets/<int:unit_id>/finalize/", views.review_finalize, name="review-finalize"),
    path(Y + "ranking/", views.ranking, name="ranking"),
    path(Y + "ranking/publish/", views.ranking_publish, name="ranking-publish"),
    path(Y + "ranking.xlsx", views.ranking_export, name="ranking-export"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
