"""URLs of the board's pages of the province's proposals and decisions across its blocs (joined in
awards/urls/__init__.py, same "awards" namespace)."""

from django.urls import path

from ..views import decisions as views

P = "provinces/<int:province>/awards/"
Y = P + "<int:year>/"

urlpatterns: list = [
    path(Y + "proposals/", views.province_proposals, name="province-proposals"),
    path(Y + "proposals/decide/", views.province_decide, name="province-decide"),
    path(Y + "decisions/import/", views.decisions_import, name="decisions-import"),
    path(Y + "decisions/import/template.xlsx", views.decisions_template, name="decisions-template"),
    path(P + "decisions/<int:pk>/file/", views.decision_file, name="decision-file"),
]
