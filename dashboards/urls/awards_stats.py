"""URLs of the board's statistics of proposals and awards (joined in dashboards/urls/__init__.py, same "dashboards"
namespace; named "board-…" like the dashboard's, tested in tests/dashboards/test_awards_stats.py). The province is
in the URL: another province's board gets 404."""

from django.urls import path

from ..views import awards_stats as views

P = "board/provinces/<int:province>/<int:year>/awards/"

urlpatterns: list = [
    path(P, views.awards_stats_page, name="board-awards"),
    path(P + "export.xlsx", views.awards_stats_export, name="board-awards-export"),
    path(P + "statistics.pdf", views.awards_stats_pdf, name="board-awards-pdf"),
]
