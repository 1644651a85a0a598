"""URLs of the board dashboard (joined in dashboards/urls/__init__.py, same "dashboards" namespace)."""

from django.urls import path

from ..views import board as views

B = "board/<int:year>/"

urlpatterns: list = [
    path("board/", views.board_dashboard, name="board-dashboard"),
    path(B, views.board_dashboard, name="board-dashboard"),
    path(B + "export.xlsx", views.board_export, name="board-export"),
    path(B + "blocs/<slug:slug>/", views.board_bloc, name="board-bloc"),
    path(B + "blocs/<slug:slug>/export.xlsx", views.board_bloc_export, name="board-bloc-export"),
]
