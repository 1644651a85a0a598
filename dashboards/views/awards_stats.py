"""Proposed against approved, for the provincial board: the page (per bloc and for the province, by award, with the
year-over-year chart), its Excel sheet and the printable statistics table (PDF, Decree 30).

Only the province's board (rule "dashboards.board.view"); the province is in the URL, so the board of another
province, who may not know it, gets 404 (core.permissions.hidden_unless), an officer of the province 403."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from blocs.models import Province
from core.documents import render_pdf
from core.permissions import ensure_can

from .. import excel
from ..charts import Chart, Series
from ..documents import stats_document
from ..selectors.awards_stats import KIND_LABELS, AwardStats, award_stats
from .board import XLSX


def as_count(value) -> str:
    return "–" if value is None else str(value)


def _stats(request, province: int, year: int) -> AwardStats:
    province = get_object_or_404(Province, pk=province)
    ensure_can(request.user, "dashboards.board.view", province)
    stats = award_stats(province=province, year=year)
    if stats is None:
        raise Http404(_("No bloc of the province has opened this year."))
    return stats


def history_chart(stats: AwardStats) -> Chart:
    return Chart(
        id="chart-awards",
        title=_("Proposed and approved, by year"),
        kind="bar",
        labels=[str(y.year) for y in stats.history],
        series=[
            Series(label=_("Proposed"), values=[y.total.proposed for y in stats.history]),
            Series(label=_("Approved"), values=[y.total.approved for y in stats.history]),
        ],
        label_header=_("Year"),
        y_min=0,
        axis_title=_("Proposals"),
        fmt=as_count,
    )


@login_required
@require_GET
def awards_stats_page(request, province: int, year: int):
    stats = _stats(request, province, year)
    context = {
        "province": stats.province,
        "year": year,
        "years": [y.year for y in reversed(stats.history)],
        "stats": stats,
        "kinds": [KIND_LABELS[k] for k in ("flag", "merit", "other")],
        "chart": history_chart(stats),
    }
    return render(request, "dashboards/board/awards_stats.html", context)


@login_required
@require_GET
def awards_stats_export(request, province: int, year: int):
    stats = _stats(request, province, year)
    response = HttpResponse(excel.awards_stats_workbook(stats=stats), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="thong-ke-khen-thuong-{year}.xlsx"'
    return response


@login_required
@require_GET
def awards_stats_pdf(request, province: int, year: int):
    """Rendered at once: one page of a table, quicker than a round through the documents queue."""
    document = stats_document(_stats(request, province, year))
    response = HttpResponse(render_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.file_stem}.pdf"'
    return response
