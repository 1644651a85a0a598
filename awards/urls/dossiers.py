"""URLs of the proposals, dossiers and the province's decisions (joined in awards/urls/__init__.py)."""

from django.urls import path

from ..views import dossiers as views

Y = "blocs/<slug:slug>/years/<int:year>/awards/"
P = Y + "proposals/<int:pk>/"

urlpatterns: list = [
    path(Y + "proposals/", views.proposal_list, name="proposals"),
    path(P, views.proposal_detail, name="proposal-detail"),
    path(P + "upload/", views.dossier_upload, name="dossier-upload"),
    path(P + "send/", views.proposal_submit, name="proposal-submit"),
    path(P + "decision/", views.proposal_decide, name="proposal-decide"),
    path(Y + "dossier-files/<int:pk>/", views.dossier_file, name="dossier-file"),
]
