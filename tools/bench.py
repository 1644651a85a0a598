"""The measurements behind `manage.py bench`: every main page's query count and server time, the ranking, PDF
rendering against WeasyPrint alone, the national reminder tick, and the officer home under load (gunicorn + wrk),
each checked against the budgets of the benchmarks issue.

Pages are measured on generated data (`manage.py generate_data`) in the first generated province: its first
bloc, the officer of a member unit, the latest year's leader unit and the province's board. "Small" and "full"
are two databases generated with the same seed, the small preset (one province) and the full one (34): province 1
is the same data in both, so the same page shows the same content and only the size of the database differs.
"""

import contextlib
import datetime
import gc
import itertools
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from blocs.enums import Phase
from blocs.models import Bloc, EmulationYear, Membership, Person, Unit
from blocs.selectors import members_in_year
from core.models import User
from scoring.enums import SheetStatus
from scoring.models import Score, Sheet

from . import generate

# Budgets of the issue (full size, this 2-core machine).
PAGE_P95_MS = 100
BOARD_P95_MS = 150
SCALE_RATIO = 1.5
PDF_RATIO = 1.15
TICK_SECONDS = 30
THROUGHPUT_SHARE = 1 / 3

SECTIONS = ("pages", "ranking", "pdf", "reminders", "load")


class BenchError(Exception):
    pass


@dataclass
class Scenario:
    province_id: int
    bloc: Bloc
    year: EmulationYear  # the latest year, mid-cycle
    previous: EmulationYear | None  # the year before, closed and published
    member: User  # officer of a member unit (not leader or deputy) whose sheet is a draft
    leader: User  # officer of the latest year's leader unit
    board: User  # board staff of the province


def scenario() -> Scenario:
    province = generate.generated_provinces().order_by("code").first()
    if province is None:
        raise BenchError("No generated data here: run `manage.py generate_data --preset small` (or full) first.")
    bloc = Bloc.objects.filter(province=province).order_by("pk").first()
    years = list(EmulationYear.objects.filter(bloc=bloc).select_related("bloc__province").order_by("-year")[:2])
    year, previous = years[0], (years[1] if len(years) > 1 else None)
    members = list(members_in_year(bloc=bloc, year=year.year))
    if previous is not None:
        before = set(members_in_year(bloc=bloc, year=previous.year).values_list("pk", flat=True))
        members = [u for u in members if u.pk in before]
    # A unit still filling its sheet: the sheet page is the editable form, its heaviest state.
    drafts = set(Sheet.objects.filter(year=year, status=SheetStatus.DRAFT).values_list("unit_id", flat=True))
    ordinary = [u for u in members if u.pk not in (year.leader_id, year.deputy_id)]
    unit = next((u for u in ordinary if u.pk in drafts), ordinary[0] if ordinary else members[0])

    def officer(unit_id: int) -> User:
        return Person.objects.filter(unit_id=unit_id).select_related("user").order_by("pk").first().user

    board = Person.objects.filter(board_province=province).select_related("user").order_by("pk").first().user
    return Scenario(province.pk, bloc, year, previous, officer(unit.pk), officer(year.leader_id), board)


# --- helpers ----------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def median_time(fn: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def reverse_with(name: str, **known) -> str | None:
    """The URL of `name` with whichever of the known arguments its pattern takes (largest match first); None if
    the URL name does not exist (a page not built yet)."""
    keys = list(known)
    for size in range(len(keys), -1, -1):
        for subset in itertools.combinations(keys, size):
            try:
                return reverse(name, kwargs={k: known[k] for k in subset})
            except NoReverseMatch:
                continue
    return None


# --- pages ------------------------------------------------------------------------------------------------


CACHED = ", from the page cache"


def page_plan(s: Scenario) -> list[tuple[str, str | None, User, str]]:
    """(page, url or None when not available, user, who). Every page is rendered with the page cache off; the
    homes are measured again as served when the page cache is on (core/pagecache.py: with REDIS_URL)."""
    y = s.year
    args = {"slug": s.bloc.slug, "year": y.year}
    previous = s.previous or y
    homes = [
        ("officer home", reverse("dashboards:home"), s.member, "member officer"),
        ("leader home", reverse("dashboards:home"), s.leader, "leader's officer"),
    ]
    served = [(name + CACHED, url, user, who) for name, url, user, who in homes] if settings.PAGE_CACHE else []
    return [
        *homes,
        *served,
        ("self-assessment sheet", reverse("scoring:my-sheet", kwargs=args), s.member, "member officer"),
        ("review list", reverse("scoring:review-list", kwargs=args), s.leader, "leader's officer"),
        (
            "ranking",
            reverse("scoring:ranking", kwargs={"slug": s.bloc.slug, "year": previous.year}),
            s.member,
            f"member officer, {previous.year} (published)",
        ),
        ("leader dashboard", reverse_with("dashboards:leader-dashboard", **args), s.leader, "leader's officer"),
        ("board dashboard", reverse_with("dashboards:board-dashboard", year=y.year), s.board, "board"),
    ]


def measure_page(url: str, user: User, requests: int, *, cached: bool = False) -> dict:
    with override_settings(PAGE_CACHE=cached):
        return _measure_page(url, user, requests)


def _measure_page(url: str, user: User, requests: int) -> dict:
    client = Client()
    client.force_login(user)
    for _ in range(2):  # warm up: templates, translations, the session (and the CSRF cookie, the page cache)
        response = client.get(url)
        if response.status_code != 200:
            return {"url": url, "status": response.status_code, "error": f"HTTP {response.status_code}"}
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured.captured_queries)  # now: the next request empties the connection's log
    timings = []
    statuses = set()
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
    return {
        "url": url,
        "status": 200 if statuses == {200} else sorted(statuses),
        "queries": queries,
        "requests": requests,
        "p50_ms": round(percentile(timings, 50), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "max_ms": round(max(timings), 1),
        "bytes": len(response.content),
    }


def measure_pages(s: Scenario, requests: int, log) -> dict:
    pages = {}
    for name, url, user, who in page_plan(s):
        if url is None:
            pages[name] = {"available": False, "note": "not yet available (URL name does not resolve)"}
            log(f"  {name}: not yet available")
            continue
        result = measure_page(url, user, requests, cached=name.endswith(CACHED))
        result.update(available=True, user=who)
        pages[name] = result
        log(f"  {name}: {result.get('queries')} queries, p95 {result.get('p95_ms')} ms")
    return pages


# --- ranking ----------------------------------------------------------------------------------------------


def measure_ranking(s: Scenario, runs: int) -> dict:
    from scoring.selectors import ranking_for_year

    year = s.previous or s.year
    ids = list(
        EmulationYear.objects.filter(bloc__province_id=s.province_id, year=year.year).values_list("pk", flat=True)
    )

    def load(pk_list):
        return list(EmulationYear.objects.filter(pk__in=pk_list).select_related("bloc"))

    def one():
        return ranking_for_year(load([year.pk])[0])

    def province():
        return [ranking_for_year(y) for y in load(ids)]

    rows = len(one())
    return {
        "year": year.year,
        "bloc_year_ms": round(median_time(one, runs) * 1000, 1),
        "bloc_year_units": rows,
        "province_year_ms": round(median_time(province, max(3, runs // 3)) * 1000, 1),
        "province_blocs": len(ids),
    }


# --- PDF --------------------------------------------------------------------------------------------------


def _pdf(kind_name: str, pk, runs: int) -> dict:
    from core.documents import registry, render_html, render_pdf, weasyprint_alone

    kind = registry.get(kind_name)
    html = render_html(kind.build(kind.load(pk)), for_pdf=True)
    # Warm up fonts and caches once for both (ours keeps its parsed stylesheet and fonts from one rendering to
    # the next, per thread; the baseline starts afresh every time, as WeasyPrint alone does).
    weasyprint_alone(html)
    render_pdf(kind.build(kind.load(pk)))
    ours_times, alone_times = [], []
    # Alternated, so that a burst of load from elsewhere on the machine hits both sides alike; each run starts
    # from a collected heap, else the garbage of one rendering is collected during the next and whichever side
    # runs second pays for it (up to 40 % of the summary's time).
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        render_pdf(kind.build(kind.load(pk)))
        ours_times.append(time.perf_counter() - started)
        gc.collect()
        started = time.perf_counter()
        weasyprint_alone(html)
        alone_times.append(time.perf_counter() - started)
    ours, alone = statistics.median(ours_times), statistics.median(alone_times)
    return {
        "kind": kind_name,
        "runs": runs,
        "ours_ms": round(ours * 1000, 1),
        "weasyprint_ms": round(alone * 1000, 1),
        "ratio": round(ours / alone, 3),
    }


def measure_pdf(s: Scenario, runs: int) -> dict:
    from conference.models import ConferencePlan
    from core.documents import registry

    year = s.previous or s.year
    results = {}
    plan = ConferencePlan.objects.filter(year=year).order_by("-version").first()
    results["plan"] = _pdf("conference.plan", plan.pk, runs) if plan else {"note": "no plan in the data"}
    try:
        registry.get("conference.summary")
    except KeyError:
        results["summary"] = {"note": "not yet available (document kind conference.summary is not registered)"}
        return results
    # The generator writes no summary report: measure the year's own if there is one, else a prefilled one
    # made for the measurement and rolled back.
    with transaction.atomic():
        try:
            from conference.models import SummaryReport
            from conference.services.summary import initial_summary

            summary = SummaryReport.objects.filter(year=year).first()
            if summary is None:
                summary = initial_summary(
                    EmulationYear.objects.select_related("bloc__province", "leader").get(pk=year.pk)
                )
                for field, text in SUMMARY_TEXT.items():
                    if hasattr(summary, field):
                        setattr(summary, field, text)
                summary.save()
            results["summary"] = _pdf("conference.summary", summary.pk, runs)
        except Exception as error:  # a page still being built must not stop the other measurements
            results["summary"] = {"note": f"not measured: {type(error).__name__}: {error}"}
        transaction.set_rollback(True)
    return results


SUMMARY_TEXT = {
    "results": "Các đơn vị thành viên bám sát nhiệm vụ chính trị được giao, cụ thể hóa các phong trào thi đua bằng "
    "kế hoạch, chỉ tiêu cụ thể; 100% đơn vị ký kết giao ước thi đua ngay từ đầu năm.\n"
    "- Các đơn vị hoàn thành và hoàn thành vượt mức các chỉ tiêu đã đăng ký;\n"
    "- Công tác phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến được quan tâm.",
    "limitations": "Một số đơn vị gửi báo cáo, bảng tự chấm điểm chưa đúng thời hạn; việc nhân rộng điển hình "
    "tiên tiến có nơi chưa thường xuyên.",
    "lessons": "Cấp ủy, lãnh đạo các đơn vị quan tâm chỉ đạo; phong trào thi đua gắn với nhiệm vụ chuyên môn.",
    "directions": "Tiếp tục đổi mới nội dung, hình thức tổ chức các phong trào thi đua; nâng cao chất lượng bình "
    "xét, đề nghị khen thưởng.",
}


# --- reminders --------------------------------------------------------------------------------------------


def measure_reminders() -> dict:
    """Two ticks at the moment the data describes: the first queues today's reminders for the whole country, the
    second must queue none. The tick commits in batches, as under beat; the e-mails are written to the outbox
    but not handed to the broker (no worker sends them), and everything the ticks wrote is deleted afterwards so
    that the bench can run again."""
    from core import notifications
    from core.models import Notification, OutboxMessage
    from reports.models import ReminderSent
    from reports.services.reminders import reminders_tick

    now = generate.reference_now()
    if now is None:
        return {"note": "no generated data"}
    open_years = EmulationYear.objects.exclude(phase=Phase.CLOSED).count()
    written = (ReminderSent, Notification, OutboxMessage)
    before = {model: model.objects.aggregate(m=Max("pk"))["m"] or 0 for model in written}
    try:
        with mock.patch.object(notifications, "_enqueue", lambda message_ids: None):
            started = time.perf_counter()
            first = reminders_tick(now=now)
            first_seconds = time.perf_counter() - started
            mails = OutboxMessage.objects.filter(pk__gt=before[OutboxMessage]).count()
            started = time.perf_counter()
            second = reminders_tick(now=now)
            second_seconds = time.perf_counter() - started
    finally:
        with transaction.atomic():
            for model in written:
                model.objects.filter(pk__gt=before[model]).delete()
    return {
        "now": now.astimezone(generate.TZ).isoformat(),
        "open_years": open_years,
        "first_queued": len(first),
        "first_emails": mails,
        "first_seconds": round(first_seconds, 2),
        "second_queued": len(second),
        "second_seconds": round(second_seconds, 2),
    }


# --- load ---------------------------------------------------------------------------------------------------

WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local not_ok = 0
  for _, t in ipairs(threads) do not_ok = not_ok + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "socket_errors": %d, "timeouts": %d, "not_200": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write, e.timeout, not_ok,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wrk(url: str, seconds: int, connections: int, cookie: str | None, script: str) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next((line for line in output.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise BenchError(f"wrk printed no result:\n{output}")
    raw = json.loads(line[len("RESULT ") :])
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "errors": raw["socket_errors"] + raw["timeouts"] + raw["not_200"],
        "not_200": raw["not_200"],
    }


def measure_load(s: Scenario, seconds: int, connections: int, log) -> dict:
    """gunicorn (2 sync workers, debug off) on a loopback port against this database; wrk on the officer home
    with the member officer's session, then on /healthz/, in the same run."""
    if shutil.which("wrk") is None:
        return {"note": "wrk is not installed (apt-get install wrk)"}
    client = Client()
    client.force_login(s.member)  # a session row in the database, valid for the gunicorn workers too
    client.get(reverse("dashboards:home"))  # a browser's first visit: it sets the CSRF cookie
    # What a browser sends from then on: the session and the CSRF cookie.
    cookie = "; ".join(
        f"{name}={client.cookies[name].value}" for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DJANGO_DEBUG="false", PYTHONUNBUFFERED="1")
    env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"))
    with tempfile.TemporaryDirectory(prefix="ktd-bench-") as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_SCRIPT)
        errors = Path(tmp) / "gunicorn.log"
        with errors.open("w") as log_file:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "2",
                 "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--error-logfile", "-"],
                cwd=settings.BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                _wait_ready(base + "/healthz/", server)
                status = _get_status(base + "/", cookie)
                if status != 200:
                    raise BenchError(f"the officer home answered HTTP {status} to the bench session")
                log(f"  load: officer home, {seconds} s …")
                home = _wrk(base + "/", seconds, connections, cookie, str(script))
                log(f"  load: /healthz/, {seconds} s …")
                health = _wrk(base + "/healthz/", seconds, connections, None, str(script))
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
        server_errors = [line for line in errors.read_text().splitlines() if "Traceback" in line or "ERROR" in line]
    return {
        "workers": 2,
        "connections": connections,
        "seconds": seconds,
        "officer_home": home,
        "healthz": health,
        "ratio": round(home["rps"] / health["rps"], 3) if health["rps"] else None,
        "server_errors": len(server_errors),
    }


def _get_status(url: str, cookie: str | None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _wait_ready(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError("gunicorn exited at start")
        try:
            if _get_status(url, None) == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise BenchError("gunicorn did not answer /healthz/ within 60 s")


# --- the run ------------------------------------------------------------------------------------------------


def machine() -> dict:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        database = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "database": f"{connection.vendor} {database.split(' on ')[0]}",
    }


def data_size() -> dict:
    return {
        "provinces": generate.generated_provinces().count(),
        "blocs": Bloc.objects.count(),
        "units": Unit.objects.count(),
        "years": EmulationYear.objects.count(),
        "memberships": Membership.objects.count(),
        "scores": Score.objects.count(),
        "sheets": Sheet.objects.count(),
    }


def run(
    *,
    size: str,
    requests: int = 30,
    pdf_runs: int = 11,
    ranking_runs: int = 15,
    load_seconds: int = 30,
    connections: int = 4,
    sections: set[str] = frozenset(SECTIONS),
    small: dict | None = None,
    log=lambda message: None,
) -> dict:
    # Debug off, as in production: no query log kept, no debug page; the test client's host allowed.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        s = scenario()
        result = {
            "size": size,
            "when": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": machine(),
            "data": data_size(),
            "scenario": {
                "bloc": s.bloc.slug,
                "year": s.year.year,
                "member": s.member.username,
                "leader": s.leader.username,
                "board": s.board.username,
            },
        }
        result["pages"] = {}
        if "pages" in sections:
            log("pages …")
            result["pages"] = measure_pages(s, requests, log)
        if "ranking" in sections:
            log("ranking …")
            result["ranking"] = measure_ranking(s, ranking_runs)
        if "pdf" in sections:
            log("PDF …")
            result["pdf"] = measure_pdf(s, pdf_runs)
        if "reminders" in sections:
            log("reminder ticks …")
            result["reminders"] = measure_reminders()
        if "load" in sections:
            result["load"] = measure_load(s, load_seconds, connections, log)
        result["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    if small is not None:
        result["small"] = {"data": small.get("data"), "machine": small.get("machine"), "pages": small.get("pages")}
    result["budgets"] = budgets(result)
    return result


def run_small(database_url: str, requests: int, log) -> dict:
    """The same pages in the small database, by this command in a child process pointed at it."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "--size", "small",
                   "--only", "pages", "--requests", str(requests), "--json", out.name, "--quiet"]  # fmt: skip
        log(f"small size: {database_url.rsplit('/', 1)[-1]} …")
        subprocess.run(command, env=dict(os.environ, DATABASE_URL=database_url), check=True, cwd=settings.BASE_DIR)
        return json.loads(Path(out.name).read_text())


# --- budgets and the table -------------------------------------------------------------------------------


def _check(name: str, value, limit: str, ok: bool | None) -> dict:
    return {"budget": name, "value": value, "limit": limit, "result": "n/a" if ok is None else "PASS" if ok else "FAIL"}


def budgets(result: dict) -> list[dict]:
    checks = []
    full = result["size"] == "full"
    small_pages = (result.get("small") or {}).get("pages") or {}
    for name, page in result["pages"].items():
        if not page.get("available"):
            checks.append(_check(f"{name}: page", "not yet available", "exists", None))
            continue
        if page.get("error"):
            checks.append(_check(f"{name}: page", page["error"], "HTTP 200", False))
            continue
        limit = BOARD_P95_MS if name == "board dashboard" else PAGE_P95_MS
        checks.append(
            _check(f"{name}: p95", f"{page['p95_ms']} ms", f"≤ {limit} ms", page["p95_ms"] <= limit if full else None)
        )
        other = small_pages.get(name) or {}
        if other.get("queries") is not None:
            checks.append(
                _check(
                    f"{name}: queries small → full",
                    f"{other['queries']} → {page['queries']}",
                    "equal",
                    other["queries"] == page["queries"],
                )
            )
            ratio = page["p95_ms"] / other["p95_ms"] if other.get("p95_ms") else None
            checks.append(
                _check(
                    f"{name}: p95 full / small",
                    f"{ratio:.2f}" if ratio else "n/a",
                    f"≤ {SCALE_RATIO}",
                    ratio <= SCALE_RATIO if ratio else None,
                )
            )
        else:
            checks.append(_check(f"{name}: queries small → full", "no small run", "equal", None))
    for name, pdf in (result.get("pdf") or {}).items():
        if "ratio" in pdf:
            checks.append(
                _check(
                    f"PDF {name}: ours / WeasyPrint", f"{pdf['ratio']:.3f}", f"≤ {PDF_RATIO}", pdf["ratio"] <= PDF_RATIO
                )
            )
        else:
            checks.append(_check(f"PDF {name}", pdf.get("note", "n/a"), f"≤ {PDF_RATIO}", None))
    reminders = result.get("reminders") or {}
    if "first_seconds" in reminders:
        checks.append(
            _check(
                "reminder tick, whole country",
                f"{reminders['first_seconds']} s",
                f"< {TICK_SECONDS} s",
                reminders["first_seconds"] < TICK_SECONDS,
            )
        )
        checks.append(
            _check("second tick queues nothing", reminders["second_queued"], "0", reminders["second_queued"] == 0)
        )
    load = result.get("load") or {}
    if "officer_home" in load:
        errors = load["officer_home"]["errors"] + load["healthz"]["errors"] + load["server_errors"]
        checks.append(_check("errors under load", errors, "0", errors == 0))
        checks.append(
            _check(
                "officer home / healthz throughput",
                f"{load['ratio']:.3f}",
                f"≥ {THROUGHPUT_SHARE:.3f}",
                load["ratio"] >= THROUGHPUT_SHARE,
            )
        )
    return checks


def table(result: dict) -> str:
    lines = []
    m, d = result["machine"], result["data"]
    lines.append(
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory']} RAM, {m['database']}, Python {m['python']}; "
        f"load average {m['load_average'][0]} at start, {m['load_average_end'][0]} at the end"
    )
    lines.append(
        f"Data ({result['size']}): {d['provinces']} provinces, {d['blocs']} blocs, {d['units']:,} units, "
        f"{d['years']:,} bloc-years, {d['sheets']:,} sheets, {d['scores']:,} scores"
    )
    small = result.get("small") or {}
    if small.get("data"):
        sd = small["data"]
        lines.append(f"Small: {sd['provinces']} province, {sd['units']:,} units, {sd['scores']:,} scores")
    lines.append("")
    w = max([24, *(len(name) + 1 for name in result["pages"])])
    header = f"{'page':<{w}}{'queries':>9}{'p50 ms':>9}{'p95 ms':>9}"
    if small.get("pages"):
        header += f"{'small q':>9}{'small p50':>11}{'small p95':>11}"
    lines += [header, "-" * len(header)]
    for name, page in result["pages"].items():
        if not page.get("available"):
            lines.append(f"{name:<{w}}  {page['note']}")
            continue
        if page.get("error"):
            lines.append(f"{name:<{w}}  {page['error']}")
            continue
        line = f"{name:<{w}}{page['queries']:>9}{page['p50_ms']:>9}{page['p95_ms']:>9}"
        other = (small.get("pages") or {}).get(name) or {}
        if other.get("queries") is not None:
            line += f"{other['queries']:>9}{other['p50_ms']:>11}{other['p95_ms']:>11}"
        lines.append(line)
    ranking = result.get("ranking")
    if ranking:
        lines += [
            "",
            f"Ranking {ranking['year']}: one bloc-year ({ranking['bloc_year_units']} units) "
            f"{ranking['bloc_year_ms']} ms; a province-year ({ranking['province_blocs']} blocs) "
            f"{ranking['province_year_ms']} ms",
        ]
    for name, pdf in (result.get("pdf") or {}).items():
        if "ratio" in pdf:
            lines.append(
                f"PDF {name}: ours {pdf['ours_ms']} ms, WeasyPrint alone {pdf['weasyprint_ms']} ms, "
                f"ratio {pdf['ratio']:.3f} (median of {pdf['runs']})"
            )
        else:
            lines.append(f"PDF {name}: {pdf.get('note')}")
    reminders = result.get("reminders")
    if reminders and "first_seconds" in reminders:
        lines.append(
            f"Reminder tick at {reminders['now'][:16]} over {reminders['open_years']:,} open years: "
            f"{reminders['first_queued']:,} reminders ({reminders['first_emails']:,} e-mails) queued in "
            f"{reminders['first_seconds']} s; second tick {reminders['second_queued']} in "
            f"{reminders['second_seconds']} s"
        )
    load = result.get("load")
    if load and "officer_home" in load:
        h, z = load["officer_home"], load["healthz"]
        lines.append(
            f"Load ({load['workers']} gunicorn workers, wrk {load['connections']} connections, {load['seconds']} s "
            f"each): officer home {h['rps']} req/s, p95 {h['p95_ms']} ms, {h['errors']} errors; /healthz/ "
            f"{z['rps']} req/s, p95 {z['p95_ms']} ms, {z['errors']} errors; ratio {load['ratio']:.3f}"
        )
    elif load:
        lines.append(f"Load: {load.get('note')}")
    b = max([44, *(len(check["budget"]) + 1 for check in result["budgets"])])
    lines += ["", f"{'budget':<{b}}{'value':>12}  {'limit':<10}result", "-" * (b + 30)]
    for check in result["budgets"]:
        lines.append(f"{check['budget']:<{b}}{check['value']!s:>12}  {check['limit']:<10}{check['result']}")
    return "\n".join(lines)
