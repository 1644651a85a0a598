"""The provincial board's dashboard: every bloc of the province in a year, the drill-down to one bloc, and their
export to Excel. Read-only; only the board of the province (rule "dashboards.board.view")."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from blocs.models import Bloc, Province
from blocs.roles import facts
from core.permissions import ensure_can, may_know

from .. import excel
from ..charts import Chart, Series, as_percent
from ..selectors import board as selectors
from ..selectors.awards_stats import award_stats

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _province(request) -> Province:
    """The board's own province; anyone else is refused (403)."""
    person = facts(request.user).person
    province = person.board_province if person is not None else None
    ensure_can(request.user, "dashboards.board.view", province)
    return province


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def on_time_chart(dashboard: selectors.Dashboard) -> Chart:
    rows = dashboard.open_rows
    return Chart(
        id="chart-on-time",
        title=_("Reports on time, by bloc"),
        kind="bar",
        horizontal=True,
        labels=[r.bloc.short_name for r in rows],
        series=[Series(label=_("Reports on time (%)"), values=[r.on_time_share for r in rows])],
        label_header=_("Bloc"),
        suffix=" %",
        y_min=0,
        y_max=100,
        fmt=as_percent,
    )


def history_chart(history: selectors.History) -> Chart:
    return Chart(
        id="chart-history",
        title=_("Reviewed score of each unit, by year"),
        kind="line",
        labels=[str(y.year) for y in history.years],
        series=[
            Series(label=u.short_name, values=[c.reviewed_total if c else None for c in history.row(u)])
            for u in history.units
        ],
        label_header=_("Year"),
    )


@login_required
@require_GET
def board_dashboard(request, year: int | None = None):
    province = _province(request)
    overview = selectors.years_overview(province_id=province.pk)
    if year is None:
        year = selectors.year_with_work(overview)  # where the work is: pending decisions or an open year
    elif year not in overview.years:
        raise Http404(_("No bloc of the province has opened this year."))
    dashboard = selectors.board_dashboard(province_id=province.pk, year=year) if year is not None else None
    context = {
        "province": province,
        "years": overview.years,
        "year": year,
        "dashboard": dashboard,
        "awaiting": overview.awaiting,  # every year's proposals awaiting a decision, not only this year's
        "awaiting_total": overview.awaiting_total,
        "chart": on_time_chart(dashboard) if dashboard else None,
        # proposed against approved for the province, by award (dashboards.selectors.awards_stats: three queries)
        "awards": award_stats(province=province, year=year) if dashboard else None,
    }
    return render(request, "dashboards/board/dashboard.html", context)


def _bloc_detail(request, slug: str, year: int) -> selectors.BlocDetail:
    bloc = get_object_or_404(Bloc.objects.select_related("province"), slug=slug)
    if not may_know(request.user, bloc):  # an officer of the province outside this bloc: as for no such bloc
        raise Http404
    ensure_can(request.user, "dashboards.board.view", bloc.province)
    detail = selectors.bloc_detail(bloc=bloc, year=year)
    if detail is None:
        raise Http404(_("This bloc has not opened this year."))
    return detail


@login_required
@require_GET
def board_bloc(request, year: int, slug: str):
    detail = _bloc_detail(request, slug, year)
    context = {
        "bloc": detail.row.bloc,
        "year": detail.row.year,
        "detail": detail,
        "row": detail.row,
        "members": detail.members,
        "chart": history_chart(detail.history),
        "history_rows": [(u, detail.history.row(u)) for u in detail.history.units],
    }
    return render(request, "dashboards/board/bloc.html", context)


@login_required
@require_GET
def board_export(request, year: int):
    province = _province(request)
    if year not in selectors.years_with_data(province_id=province.pk):
        raise Http404(_("No bloc of the province has opened this year."))
    dashboard = selectors.board_dashboard(province_id=province.pk, year=year)
    stats = award_stats(province=province, year=year)
    content = excel.board_workbook(province=province, dashboard=dashboard, stats=stats)
    return _xlsx(content, f"bang-tong-hop-{year}.xlsx")


@login_required
@require_GET
def board_bloc_export(request, year: int, slug: str):
    detail = _bloc_detail(request, slug, year)
    content = excel.bloc_workbook(detail=detail)
    return _xlsx(content, f"bang-tong-hop-{year}-{slug}.xlsx")
