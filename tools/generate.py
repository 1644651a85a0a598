"""National-scale generated data for the benchmarks (`manage.py generate_data`): provinces, blocs, units, people,
years with their calendars, criteria tables and sheets, reports, reminders, ballots, proposals, plans, minutes and
covenants, written in bulk.

Every province is generated from its own random stream (`seed` and the province's index), so province 1 of the
full preset is the same data as the single province of the small preset: the benchmark compares the same pages
in a small and in a national database. Rows are built as plain tuples with ids allocated here and written with
COPY on PostgreSQL (executemany elsewhere), one transaction per province; nothing goes through the services, so
there are no audit rows, no stored renderings and no e-mails in the outbox.

The years are `today.year - years + 1 … today.year` (the year before if `today` falls before June): the older
ones are closed and complete (every sheet final, the ranking published, ballots counted, proposals decided,
minutes issued); the latest is mid-cycle on `today`: reports were due two days ago, the summary report is due
tomorrow and the self-assessment in three days (each province's calendar shifted by up to two days, so that not
every reminder of the country fires on the same day). `reference_now()` gives the moment the data describes.
"""

import datetime
import io
import json
import random
import uuid
import zoneinfo
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.urls import reverse

from awards.enums import BallotKind, BallotMethod, BallotStatus, CandidateRole, Eligibility, Outcome, ProposalStatus
from awards.models import AwardKind, Ballot, BallotCandidate, BallotChoice, BallotPaper, BallotVoter, Proposal
from blocs.enums import Audience, DeadlineKind, LeaderSource, Phase
from blocs.models import (
    Bloc,
    Covenant,
    CovenantRegistration,
    CovenantRegistrationVersion,
    Deadline,
    EmulationYear,
    LeaderTerm,
    Membership,
    Person,
    Province,
    RegisterEntry,
    RotationSlot,
    Unit,
)
from conference.demo import PLAN_2020, TASKS_2020
from conference.enums import AnswerStatus, PlanStatus
from conference.models import Comment, ConferenceMinutes, ConferencePlan, DraftReport, PlanTask
from core.models import Notification, User
from reports.enums import SubmissionStatus
from reports.models import Extension, ReminderSent, Submission, SubmissionVersion
from scoring.enums import CriterionKind, ScoreField, SheetStatus
from scoring.models import CriteriaTable, Criterion, Score, ScoreChange, Sheet, SheetVersion

CODE_PREFIX = "GEN"  # Province.code of generated provinces: what --flush and reference_now() look for
USER_PREFIX = "gen-"  # usernames of generated people
PASSWORD = "Demo@2020"  # every generated login, as in the demo
REPORT_FILE = "generated/bao-cao.pdf"  # one tiny stored file that every generated submission points to
DRAFT_FILE = "generated/du-thao-bao-cao-tong-ket.pdf"

# Where the latest year stands on `today` (days from today, before each province's shift).
REPORT_DUE_DAYS = -2
SUMMARY_DUE_DAYS = 1
SHEET_DUE_DAYS = 3
REFERENCE_HOUR = 17  # every generated due time is 17:00 local; reference_now() is today at that hour


@dataclass(frozen=True)
class Size:
    provinces: int
    blocs: int  # per province
    units: int  # member units per bloc and year
    years: int
    criteria: int  # scored (leaf) criteria per criteria table


PRESETS = {
    "tiny": Size(provinces=1, blocs=2, units=5, years=2, criteria=6),
    "small": Size(provinces=1, blocs=15, units=20, years=5, criteria=40),
    "medium": Size(provinces=6, blocs=15, units=20, years=5, criteria=40),
    "full": Size(provinces=34, blocs=15, units=20, years=5, criteria=40),
}

# The 34 provinces and cities after the 2025 reorganisation.
PROVINCES = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
    "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Thành phố Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau",
    "An Giang",
]  # fmt: skip
BLOC_THEMES = [
    ("Nội chính", "NC"), ("Kinh tế tổng hợp", "KTTH"), ("Văn hóa - Xã hội", "VHXH"), ("Kinh tế ngành", "KTN"),
    ("Đảng - Đoàn thể", "ĐĐT"), ("Doanh nghiệp Nhà nước", "DNNN"), ("Ngân hàng", "NH"),
    ("Các cơ quan Trung ương", "CQTW"), ("Các xã miền núi", "XMN"), ("Các phường", "CP"), ("Giáo dục", "GD"),
    ("Y tế", "YT"), ("Nông nghiệp và Môi trường", "NNMT"), ("Xây dựng - Giao thông", "XDGT"),
    ("Tài chính - Thuế", "TCT"),
]  # fmt: skip
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hồng", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam", "Nga", "Phong",
         "Quỳnh", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"]  # fmt: skip
SECTIONS = ["I. Kết quả thực hiện", "II. Tồn tại, hạn chế và nguyên nhân", "III. Phương hướng, nhiệm vụ năm sau"]

# A one-page PDF, stored once and referenced by every generated submission and draft.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
TWO = Decimal("0.01")
HALF = Decimal("0.5")


def at(day: datetime.date, hour: int = REFERENCE_HOUR, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def latest_year(today: datetime.date) -> int:
    return today.year if today.month >= 6 else today.year - 1


def generated_provinces():
    return Province.objects.filter(code__startswith=CODE_PREFIX)


def reference_now() -> datetime.datetime | None:
    """The moment the generated data describes (`today` at 17:00 when it was generated): the self-assessment
    deadline of the first generated province's latest year, which is not shifted, less SHEET_DUE_DAYS."""
    province = generated_provinces().order_by("code").first()
    if province is None:
        return None
    deadline = (
        Deadline.objects.filter(
            year__bloc__province=province, kind=DeadlineKind.SELF_ASSESSMENT, audience=Audience.MEMBERS
        )
        .order_by("-year__year", "year__bloc_id")
        .first()
    )
    return deadline.due_at - datetime.timedelta(days=SHEET_DUE_DAYS) if deadline else None


# --- the bulk writer --------------------------------------------------------------------------------------


class Writer:
    """Collects rows per model as tuples in the order of the model's concrete fields, with ids allocated here,
    and writes them with COPY (PostgreSQL) or executemany (other databases). Nothing is validated here: the
    database's constraints are the check."""

    FLUSH_AT = 50_000

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.next_id: dict[type[models.Model], int] = {}
        self.fields: dict[type[models.Model], list[models.Field]] = {}
        self.rows: dict[type[models.Model], list[tuple]] = {}
        self.counts: dict[str, int] = {}
        self.default_moment = datetime.datetime.now(tz=TZ)

    def id(self, model) -> int:
        if model not in self.next_id:
            self.next_id[model] = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def add(self, model, **values) -> int | uuid.UUID:
        """Queue one row; returns its id (allocated when not given)."""
        fields = self.fields.get(model)
        if fields is None:
            fields = self.fields[model] = list(model._meta.concrete_fields)
            self.rows[model] = []
        if "id" not in values:
            values["id"] = self.id(model)
        row = []
        for field in fields:
            name = field.attname
            if name in values:
                row.append(values[name])
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                row.append(values.get("created_at", self.default_moment))
            else:
                row.append(field.get_default())
        self.rows[model].append(tuple(row))
        if len(self.rows[model]) >= self.FLUSH_AT:
            self.flush_model(model)
        return values["id"]

    def flush(self) -> None:
        for model in list(self.rows):
            self.flush_model(model)

    def flush_model(self, model) -> None:
        rows = self.rows[model]
        if not rows:
            return
        fields = self.fields[model]
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cursor:
            if self.pg:
                encoders = [_encoder(f) for f in fields]
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join([encode(value) for encode, value in zip(encoders, row, strict=True)]))
                    buffer.write("\n")
                buffer.seek(0)
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    [[f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)] for row in rows],
                )
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        self.rows[model] = []

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.fields))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _encoder(field: models.Field):
    """value -> COPY text for one column."""
    if isinstance(field, models.JSONField):

        def encode(value):
            return "\\N" if value is None else _escape(json.dumps(value, ensure_ascii=False))

    elif isinstance(field, models.BooleanField):

        def encode(value):
            return "\\N" if value is None else ("t" if value else "f")

    elif isinstance(field, models.DateField | models.TimeField):  # DateTimeField is a DateField

        def encode(value):
            return "\\N" if value is None else value.isoformat()

    elif isinstance(field, models.CharField | models.TextField | models.FileField):

        def encode(value):
            return "\\N" if value is None else _escape(str(value))

    else:  # numbers, foreign keys, UUIDs

        def encode(value):
            return "\\N" if value is None else str(value)

    return encode


# --- the generator ----------------------------------------------------------------------------------------


class GeneratedDataExists(Exception):
    pass


def generate(*, size: Size, seed: int = 1, today: datetime.date | None = None, log=None) -> dict[str, int]:
    """Write `size` worth of data; returns the number of rows written per model. Refuses a database that
    already holds generated data (flush() it first)."""
    log = log or (lambda message: None)
    today = today or datetime.datetime.now(tz=TZ).date()
    existing = generated_provinces().count()
    if existing:
        raise GeneratedDataExists(existing)
    clashes = User.objects.filter(username__startswith=USER_PREFIX).count()
    if clashes:
        raise GeneratedDataExists(f"{clashes} users named {USER_PREFIX}…")
    if not default_storage.exists(REPORT_FILE):
        default_storage.save(REPORT_FILE, ContentFile(TINY_PDF))
    if not default_storage.exists(DRAFT_FILE):
        default_storage.save(DRAFT_FILE, ContentFile(TINY_PDF))
    writer = Writer()
    shared = {
        "password": make_password(PASSWORD),  # hashed once, copied to every generated login
        "taken_names": set(Province.objects.values_list("name", flat=True)),
    }
    if writer.pg:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    for index in range(size.provinces):
        with transaction.atomic():
            ProvinceGenerator(writer, size=size, seed=seed, index=index, today=today, shared=shared).run()
            writer.flush()
        log(f"province {index + 1}/{size.provinces}: {sum(writer.counts.values()):,} rows so far")
    writer.reset_sequences()
    if writer.pg:
        # Fresh statistics, so that the planner sees the tables as they now are (autovacuum would take a while).
        with connection.cursor() as cursor:
            for model in writer.fields:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return dict(sorted(writer.counts.items()))


def _round_half(value: float) -> Decimal:
    return (Decimal(str(round(value * 2))) * HALF).quantize(TWO)


@dataclass
class Leaf:
    id: int
    code: str
    kind: str
    max_points: Decimal
    group_id: int
    first_group: bool


@dataclass
class GeneratedSheet:
    """A generated sheet's final points, for the ranking the ballots are built from."""

    unit_id: int
    standard: Decimal
    bonus: Decimal
    deductions: Decimal
    first_group: Decimal
    total: Decimal = Decimal("0")
    rank: int = 0
    classification: str = ""


class ProvinceGenerator:
    def __init__(self, writer: Writer, *, size: Size, seed: int, index: int, today: datetime.date, shared: dict):
        self.w = writer
        self.size = size
        self.index = index
        self.rng = random.Random(f"{seed}:{index}")
        self.today = today
        self.shared = shared
        self.last_year = latest_year(today)
        self.first_year = self.last_year - size.years + 1
        # The latest year's calendar of this province, in days from today: 0, +1, +2, -2, -1, 0, …
        self.shift = ((index + 2) % 5) - 2
        self.now = at(today)  # the moment the data describes
        self.officer: dict[int, tuple[int, str]] = {}  # unit id -> (user id, username)
        self.board_user: int | None = None
        self.settings = settings.BLOC_SETTING_DEFAULTS

    # -- helpers

    def name(self) -> str:
        r = self.rng
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def user(self, username: str, full_name: str, email: str, joined: datetime.datetime) -> int:
        return self.w.add(
            User,
            password=self.shared["password"],
            username=username,
            full_name=full_name,
            email=email,
            is_active=True,
            is_staff=False,
            is_superuser=False,
            date_joined=joined,
            language="vi",
        )

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # -- the province

    def run(self) -> None:
        w, i = self.w, self.index
        real = PROVINCES[i % len(PROVINCES)] if i < len(PROVINCES) else f"{PROVINCES[i % len(PROVINCES)]} {i + 1}"
        name = real if real not in self.shared["taken_names"] else f"{real} (dữ liệu sinh)"
        self.shared["taken_names"].add(name)
        self.province_name = real
        since = at(datetime.date(self.first_year - 1, 12, 1), 8)
        self.province_id = w.add(Province, name=name, code=f"{CODE_PREFIX}{i + 1:02d}", created_at=since)
        self.prefix = f"{USER_PREFIX}p{i + 1:02d}"
        self.mail_domain = f"p{i + 1:02d}.gen.gov.vn"
        for k in (1, 2):
            user_id = self.user(f"{self.prefix}-board{k}", self.name(), f"board{k}@{self.mail_domain}", since)
            w.add(
                Person,
                user_id=user_id,
                board_province_id=self.province_id,
                position="Chuyên viên Ban Thi đua - Khen thưởng, Sở Nội vụ",
                created_at=since,
            )
            self.board_user = self.board_user or user_id
        for b in range(self.size.blocs):
            BlocGenerator(self, b).run()


class BlocGenerator:
    def __init__(self, province: ProvinceGenerator, index: int):
        self.p = province
        self.w = province.w
        self.rng = province.rng
        self.index = index
        theme, code = BLOC_THEMES[index % len(BLOC_THEMES)]
        if index >= len(BLOC_THEMES):
            theme, code = f"{theme} {index // len(BLOC_THEMES) + 1}", f"{code}{index // len(BLOC_THEMES) + 1}"
        self.theme = theme
        self.code = f"KTĐ{code}"

    def run(self) -> None:
        p, w, r = self.p, self.w, self.rng
        since = at(datetime.date(p.first_year - 1, 12, 1), 8)
        self.bloc_id = w.add(
            Bloc,
            province_id=p.province_id,
            name=f"Khối thi đua {self.theme} tỉnh {p.province_name}",
            short_name=f"Khối {self.theme}",
            code=self.code,
            slug=f"gen-p{p.index + 1:02d}-b{self.index + 1:02d}",
            regulation_title=f"Quy chế tổ chức và hoạt động của Khối thi đua {self.theme} tỉnh {p.province_name}",
            regulation_number=f"{r.randint(1, 150):02d}/QC-{self.code}",
            regulation_date=datetime.date(p.first_year - 1, r.randint(1, 12), r.randint(1, 28)),
            regulation_issuer=f"Khối thi đua {self.theme}",
            settings={},
            is_active=True,
            created_at=since,
        )
        # Units: `units` members every year; in one bloc in five a unit leaves after the second year and
        # another joins in its place.
        n = p.size.units
        churn = p.size.years >= 3 and r.random() < 0.2 and n >= 3
        self.units: list[int] = []
        self.spans: dict[int, tuple[int, int | None]] = {}
        self.unit_names: dict[int, str] = {}
        for j in range(n + (1 if churn else 0)):
            unit_name = f"Đơn vị {self.theme} {j + 1:02d}"
            unit_id = w.add(
                Unit,
                province_id=p.province_id,
                name=f"{unit_name} tỉnh {p.province_name}",
                short_name=unit_name,
                code=f"B{self.index + 1:02d}U{j + 1:02d}",
                parent_body=f"UBND TỈNH {p.province_name.upper()}",
                email=f"b{self.index + 1:02d}u{j + 1:02d}@{p.mail_domain}",
                is_active=True,
                created_at=since,
            )
            username = f"{p.prefix}-b{self.index + 1:02d}u{j + 1:02d}"
            user_id = p.user(username, p.name(), f"{username}@{p.mail_domain}", since)
            w.add(Person, user_id=user_id, unit_id=unit_id, position="Chuyên viên Văn phòng", created_at=since)
            p.officer[unit_id] = (user_id, username)
            self.units.append(unit_id)
            self.unit_names[unit_id] = unit_name
            self.spans[unit_id] = (p.first_year - 1, None)
        if churn:
            leaving, joining = self.units[r.randrange(1, n)], self.units[-1]
            self.spans[leaving] = (p.first_year - 1, p.first_year + 1)
            self.spans[joining] = (p.first_year + 2, None)
        for unit_id in self.units:
            start, end = self.spans[unit_id]
            w.add(Membership, bloc_id=self.bloc_id, unit_id=unit_id, start_year=start, end_year=end, created_at=since)
        for position, unit_id in enumerate(self.units, 1):
            w.add(RotationSlot, bloc_id=self.bloc_id, unit_id=unit_id, position=position)

        leader = deputy = None
        previous_table = None
        for year in range(p.first_year, p.last_year + 1):
            leader, deputy = self.rotation(after=leader, year=year)
            generator = YearGenerator(self, year, leader, deputy, previous_table)
            generator.run()
            previous_table = generator.table_id

    def members(self, year: int) -> list[int]:
        return [u for u in self.units if self.spans[u][0] <= year and (self.spans[u][1] or 9999) >= year]

    def rotation(self, *, after: int | None, year: int) -> tuple[int, int | None]:
        """Leader and deputy of `year`: the members after last year's leader in the rotation order (as
        blocs.selectors.next_leaders_from_rotation)."""
        members = set(self.members(year))
        start = self.units.index(after) + 1 if after in self.units else 0
        cycle = [u for u in self.units[start:] + self.units[:start] if u in members]
        return cycle[0], (cycle[1] if len(cycle) > 1 else None)


class YearGenerator:
    def __init__(self, bloc: BlocGenerator, year: int, leader: int, deputy: int | None, previous_table):
        self.b = bloc
        self.p = bloc.p
        self.w = bloc.w
        self.rng = bloc.rng
        self.year = year
        self.leader = leader
        self.deputy = deputy
        self.previous_table = previous_table
        self.current = year == self.p.last_year
        self.members = bloc.members(year)
        self.next_members = bloc.members(year + 1)
        self.sheet_first_submitted: dict[int, datetime.datetime] = {}
        self.file_first_submitted: dict[tuple[int, int], datetime.datetime] = {}

    # -- calendar

    def dates(self) -> dict[str, tuple[datetime.datetime | None, datetime.datetime]]:
        """(opens, due) by deadline key."""
        y = self.year
        covenant_due = at(datetime.date(y - 1, 12, 20))
        covenant = (at(datetime.date(y - 1, 11, 20), 8), covenant_due)
        if self.current:
            base = self.p.today + datetime.timedelta(days=self.p.shift)

            def day(n):
                return base + datetime.timedelta(days=n)

            opens = at(day(-30), 8)
            return {
                "covenant": covenant,
                "year_report": (opens, at(day(REPORT_DUE_DAYS))),
                "summary_report": (opens, at(day(SUMMARY_DUE_DAYS))),
                "self_assessment": (opens, at(day(SHEET_DUE_DAYS))),
                "compile": (at(day(4), 8), at(day(8))),
                "launch_plan": (opens, at(day(8))),
                "comment_round": (at(day(9), 8), at(day(15))),
                "conference": (None, at(day(20), 14, 30)),
            }
        shift = datetime.timedelta(days=self.p.shift)
        opens = at(datetime.date(y, 9, 28), 8) + shift
        due = at(datetime.date(y, 10, 19)) + shift
        return {
            "covenant": covenant,
            "year_report": (opens, due),
            "summary_report": (opens, due),
            "self_assessment": (opens, due),
            "compile": (at(datetime.date(y, 10, 20), 8) + shift, at(datetime.date(y, 10, 24)) + shift),
            "launch_plan": (opens, at(datetime.date(y, 10, 24)) + shift),
            "comment_round": (at(datetime.date(y, 10, 25), 8) + shift, at(datetime.date(y, 10, 31)) + shift),
            "conference": (None, at(datetime.date(y, 11, 5), 14, 30) + shift),
        }

    CALENDAR = [
        ("covenant", DeadlineKind.COVENANT, Audience.MEMBERS, "Đăng ký giao ước thi đua năm {y}"),
        ("year_report", DeadlineKind.YEAR_REPORT, Audience.MEMBERS,
         "Báo cáo tổng kết công tác thi đua, khen thưởng năm {y}, phương hướng nhiệm vụ năm {n}"),
        ("summary_report", DeadlineKind.SUMMARY_REPORT, Audience.MEMBERS,
         "Báo cáo tóm tắt năm {y} (dài không quá 1,5 trang A4)"),
        ("self_assessment", DeadlineKind.SELF_ASSESSMENT, Audience.MEMBERS,
         "Tự chấm điểm các tiêu chí thi đua năm {y}"),
        ("compile", DeadlineKind.COMPILE, Audience.LEADER,
         "Tổng hợp báo cáo tổng kết, kết quả chấm điểm công tác thi đua, khen thưởng năm {y} của Khối"),
        ("launch_plan", DeadlineKind.LAUNCH_PLAN, Audience.NEXT_LEADER,
         "Kế hoạch phát động phong trào thi đua và Bản đăng ký giao ước thi đua năm {n} của Khối"),
        ("comment_round", DeadlineKind.COMMENT_ROUND, Audience.MEMBERS,
         "Tham gia ý kiến dự thảo báo cáo tổng kết năm {y} của Khối"),
        ("conference", DeadlineKind.CONFERENCE, Audience.MEMBERS,
         "Hội nghị tổng kết công tác thi đua, khen thưởng năm {y}"),
    ]  # fmt: skip

    def run(self) -> None:
        p, b, w = self.p, self.b, self.w
        dates = self.dates()
        self.dates_ = dates
        conference = dates["conference"][1]
        self.conference = conference
        opened = dates["covenant"][0]
        self.year_id = w.add(
            EmulationYear,
            bloc_id=b.bloc_id,
            year=self.year,
            leader_id=self.leader,
            deputy_id=self.deputy,
            phase=Phase.SELF_ASSESSMENT if self.current else Phase.CLOSED,
            settings_override={},
            created_at=opened,
        )
        w.add(
            LeaderTerm,
            bloc_id=b.bloc_id,
            year=self.year,
            leader_id=self.leader,
            deputy_id=self.deputy,
            source=LeaderSource.SETUP if self.year == p.first_year else LeaderSource.ELECTION,
            recorded_by_id=p.board_user,
            recorded_at=opened,
        )
        self.deadlines: dict[str, int] = {}
        for key, kind, audience, title in self.CALENDAR:
            opens, due = dates[key]
            self.deadlines[key] = w.add(
                Deadline,
                year_id=self.year_id,
                kind=kind,
                title=title.format(y=self.year, n=self.year + 1),
                audience=audience,
                opens_at=opens,
                due_at=due,
                created_at=opened,
            )
        self.covenant()
        self.plan()
        self.scoring()
        self.reports()
        self.reminders()
        self.awards()
        if not self.current:
            self.comment_round()
            self.minutes()

    # -- covenant

    def covenant(self) -> None:
        p, b, w, r = self.p, self.b, self.w, self.rng
        opens, due = self.dates_["covenant"]
        for unit_id in self.members:
            sent = opens + datetime.timedelta(hours=r.randint(24, int((due - opens).total_seconds() // 3600)))
            user_id = p.officer[unit_id][0]
            snapshot = {
                "targets": [
                    "Hoàn thành 100% chỉ tiêu, nhiệm vụ được giao",
                    "Không có cán bộ, công chức vi phạm kỷ luật",
                    "Đăng ký xây dựng ít nhất 01 mô hình, điển hình tiên tiến",
                ],
                "titles": "Tập thể lao động xuất sắc; Cờ thi đua của Ủy ban nhân dân tỉnh",
                "signatory_name": p.name(),
                "signatory_position": "Thủ trưởng đơn vị",
            }
            registration = w.add(
                CovenantRegistration,
                year_id=self.year_id,
                unit_id=unit_id,
                targets="\n".join(snapshot["targets"]),
                titles=snapshot["titles"],
                signatory_name=snapshot["signatory_name"],
                signatory_position=snapshot["signatory_position"],
                version=1,
                submitted_at=sent,
                sent_version=1,
                updated_by_id=user_id,
                created_at=sent,
            )
            w.add(
                CovenantRegistrationVersion,
                registration_id=registration,
                number=1,
                snapshot=snapshot,
                sent_at=sent,
                sent_by_id=user_id,
            )
        issued = due + datetime.timedelta(days=10)
        number = self.register(Covenant.DOC_TYPE, issued, f"Bản giao ước thi đua năm {self.year}")
        w.add(
            Covenant,
            year_id=self.year_id,
            number=number,
            place=p.province_name,
            issued_on=issued.date(),
            preamble=f"Thực hiện phong trào thi đua năm {self.year}, các đơn vị thành viên {b.theme} "
            "thống nhất ký kết giao ước thi đua với các nội dung sau:",
            closing="Các đơn vị cam kết thực hiện nghiêm túc các nội dung đã giao ước./.",
            issued_at=issued,
            issued_by_id=p.officer[self.leader][0],
            version=1,
            created_at=issued,
        )

    def register(self, doc_type: str, moment: datetime.datetime, title: str) -> int:
        number = self.rng.randint(10, 90)
        self.w.add(
            RegisterEntry,
            bloc_id=self.b.bloc_id,
            year=moment.year,
            doc_type=doc_type,
            number=number,
            title=title,
            registered_at=moment,
        )
        return number

    # -- the conference plan

    def plan(self) -> None:
        p, b, w = self.p, self.b, self.w
        y = self.year

        def text(value):
            if isinstance(value, str):
                return (
                    value.replace("2021", str(y + 1))
                    .replace("2020", str(y))
                    .replace("Tuyên Quang", p.province_name)
                    .replace("Nội chính", b.theme)
                )
            if isinstance(value, list):
                return [text(v) for v in value]
            if isinstance(value, dict):
                return {k: text(v) for k, v in value.items()}
            return value

        opens = self.dates_["year_report"][0]
        conference = self.conference
        number = self.register("KH", opens, f"Kế hoạch tổ chức Hội nghị tổng kết năm {y}")
        fields = {key: text(value) for key, value in PLAN_2020.items()}
        fields.update(
            issued_on=opens.date(),
            conference_date=conference.date(),
            start_time=datetime.time(conference.hour, conference.minute),
            signer_body=b.unit_names[self.leader].upper(),
            signer_name=p.name(),
        )
        plan_id = w.add(
            ConferencePlan,
            year_id=self.year_id,
            version=1,
            status=PlanStatus.ISSUED,
            edit_version=2,
            number=number,
            issued_at=opens,
            issued_by_id=p.officer[self.leader][0],
            created_at=opens,
            **fields,
        )
        linked = {
            DeadlineKind.COMPILE: "compile",
            DeadlineKind.YEAR_REPORT: "year_report",
            DeadlineKind.COMMENT_ROUND: "comment_round",
            DeadlineKind.LAUNCH_PLAN: "launch_plan",
        }
        for order, (actor, task, kind, opens_on, due_on, follow_up, note) in enumerate(TASKS_2020):
            key = linked.get(kind) if due_on else None
            opens_on, due_on = None, None
            if key:  # the dated tasks of the 2020 plan are the calendar's: take this year's dates
                start, due = self.dates_[key]
                opens_on, due_on = (start.date() if start else None), due.date()
            w.add(
                PlanTask,
                plan_id=plan_id,
                actor=actor,
                text=text(task),
                kind=kind,
                opens_on=opens_on,
                due_on=due_on,
                follow_up=follow_up,
                in_calendar=due_on is not None,
                note=text(note),
                order=order,
                deadline_id=self.deadlines[key] if key else None,
            )

    # -- criteria table and sheets

    def criteria_table(self) -> list[Leaf]:
        w, n = self.w, self.p.size.criteria
        created = self.dates_["covenant"][0]
        published = self.conference - datetime.timedelta(days=3) if not self.current else None
        self.table_id = w.add(
            CriteriaTable,
            year_id=self.year_id,
            copied_from_id=self.previous_table,
            ranking_published_at=published,
            ranking_published_by_id=self.p.officer[self.leader][0] if published else None,
            created_at=created,
        )
        bonus = max(1, n // 10)
        deductions = max(1, n * 3 // 20)
        standard = max(3, n - bonus - deductions)
        per_group = [standard // 3 + (1 if k < standard % 3 else 0) for k in range(3)]
        groups = [
            ("I", "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ, CHUYÊN MÔN ĐƯỢC GIAO", CriterionKind.STANDARD, 60, per_group[0]),
            (
                "II",
                "XÂY DỰNG ĐẢNG, ĐOÀN THỂ; PHÒNG, CHỐNG THAM NHŨNG, LÃNG PHÍ",
                CriterionKind.STANDARD,
                20,
                per_group[1],
            ),
            ("III", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG VÀ HOẠT ĐỘNG CỦA KHỐI", CriterionKind.STANDARD, 20, per_group[2]),
            ("IV", "ĐIỂM THƯỞNG", CriterionKind.BONUS, 5, bonus),
            ("V", "ĐIỂM TRỪ", CriterionKind.DEDUCTION, 10, deductions),
        ]
        leaves: list[Leaf] = []
        order = 0
        for g, (code, title, kind, total, count) in enumerate(groups):
            group_id = w.id(Criterion)
            order += 1
            w.add(
                Criterion,
                id=group_id,
                table_id=self.table_id,
                parent_id=None,
                group_id=group_id,
                code=code,
                title=title,
                max_points=Decimal(total).quantize(TWO),
                kind=kind,
                evidence_required=False,
                order=order,
                is_leaf=False,
            )
            if count == 0:
                continue
            each = (Decimal(total) / count).quantize(HALF, rounding="ROUND_DOWN")
            for k in range(count):
                points = each if k < count - 1 else Decimal(total) - each * (count - 1)
                order += 1
                leaf_code = f"{code}.{k + 1}"
                leaf_id = w.add(
                    Criterion,
                    table_id=self.table_id,
                    parent_id=group_id,
                    group_id=group_id,
                    code=leaf_code,
                    title=f"Tiêu chí {leaf_code}: kết quả thực hiện nội dung {k + 1} của nhóm {code}",
                    guidance="Căn cứ báo cáo và tài liệu minh chứng của đơn vị." if k % 3 == 0 else "",
                    max_points=points.quantize(TWO),
                    kind=kind,
                    evidence_required=False,
                    order=order,
                    is_leaf=True,
                )
                leaves.append(Leaf(leaf_id, leaf_code, kind, points.quantize(TWO), group_id, g == 0))
        return leaves

    def scoring(self) -> None:
        p, w, r = self.p, self.w, self.rng
        leaves = self.criteria_table()
        opens, due = self.dates_["self_assessment"]
        bonus_cap, deduction_cap = Decimal(self.p.settings["bonus_cap"]), Decimal(self.p.settings["deduction_cap"])
        reviewer = {u: (self.deputy if u == self.leader else self.leader) for u in self.members}
        self.sheets: list[GeneratedSheet] = []
        for unit_id in self.members:
            if self.current:
                roll = r.random()
                # not started, draft, submitted, returned for correction, reviewed
                status = (
                    None
                    if roll < 0.15
                    else SheetStatus.DRAFT
                    if roll < 0.35
                    else SheetStatus.SUBMITTED
                    if roll < 0.85
                    else SheetStatus.RETURNED
                    if roll < 0.90
                    else SheetStatus.REVIEWED
                )
                if unit_id == self.leader and status is None:
                    status = SheetStatus.DRAFT  # the leader has started its own sheet
                if status is None:
                    continue
            else:
                status = SheetStatus.FINAL
            user_id = p.officer[unit_id][0]
            submitted = status != SheetStatus.DRAFT
            if self.current:
                latest = min(p.now, due) - datetime.timedelta(hours=1)
                submitted_at = latest - datetime.timedelta(hours=r.randint(1, 24 * 20)) if submitted else None
                late = False
            else:
                late = r.random() < 0.08
                submitted_at = (
                    due + datetime.timedelta(hours=r.randint(2, 72))
                    if late
                    else due - datetime.timedelta(hours=r.randint(1, 24 * 18))
                )
            if submitted_at is not None and submitted_at < opens:
                submitted_at = opens + datetime.timedelta(hours=2)
            reviewed = status in (SheetStatus.REVIEWED, SheetStatus.FINAL, SheetStatus.RETURNED)
            returned_once = reviewed and r.random() < 0.05
            finalized = at(self.dates_["compile"][1].date(), 10) if status == SheetStatus.FINAL else None
            created = opens + datetime.timedelta(days=r.randint(0, 5))
            sheet_id = w.add(
                Sheet,
                year_id=self.year_id,
                unit_id=unit_id,
                status=status,
                is_late=late,
                submitted_at=submitted_at,
                finalized_at=finalized,
                return_note="Đề nghị bổ sung minh chứng tiêu chí I.1." if status == SheetStatus.RETURNED else "",
                version=3 + (2 if returned_once else 0),
                created_at=created,
            )
            if submitted_at is not None:
                self.sheet_first_submitted[unit_id] = submitted_at
            quality = min(0.99, max(0.6, r.gauss(0.9, 0.05)))
            scored = leaves if submitted else leaves[: max(1, int(len(leaves) * r.uniform(0.4, 1.0)))]
            snapshot = {}
            standard = bonus = deductions = first = Decimal("0")
            self_standard = self_bonus = self_deductions = Decimal("0")
            review_time = (submitted_at or p.now) + datetime.timedelta(days=2)
            for leaf in scored:
                if leaf.kind == CriterionKind.STANDARD:
                    own = min(leaf.max_points, _round_half(float(leaf.max_points) * quality * r.uniform(0.92, 1.06)))
                elif leaf.kind == CriterionKind.BONUS:
                    own = leaf.max_points if r.random() < 0.3 else Decimal("0.00")
                else:
                    own = min(leaf.max_points, Decimal("1.00")) if r.random() < 0.08 else Decimal("0.00")
                revised = None
                reason = ""
                if reviewed and leaf.kind == CriterionKind.STANDARD and own > 0 and r.random() < 0.08:
                    revised = max(Decimal("0"), own - HALF * r.randint(1, 2)).quantize(TWO)
                    reason = "Chưa đủ tài liệu minh chứng cho toàn bộ số điểm tự chấm."
                explanation = "Đã thực hiện đầy đủ theo kế hoạch." if r.random() < 0.2 else ""
                score_id = w.add(
                    Score,
                    sheet_id=sheet_id,
                    criterion_id=leaf.id,
                    self_points=own,
                    explanation=explanation,
                    reviewed_points=revised,
                    review_reason=reason,
                )
                if revised is not None:
                    w.add(
                        ScoreChange,
                        score_id=score_id,
                        field=ScoreField.REVIEWED,
                        old_value=None,
                        new_value=revised,
                        reason=reason,
                        changed_by_id=p.officer[reviewer[unit_id]][0] if reviewer[unit_id] else None,
                        changed_at=review_time,
                    )
                final = revised if revised is not None else own
                if leaf.kind == CriterionKind.STANDARD:
                    standard += final
                    self_standard += own
                    if leaf.first_group:
                        first += final
                elif leaf.kind == CriterionKind.BONUS:
                    bonus += final
                    self_bonus += own
                else:
                    deductions += final
                    self_deductions += own
                snapshot[leaf.code] = {"points": str(own), "explanation": explanation, "evidence": []}
            if not submitted:
                continue
            self_total = self_standard + min(self_bonus, bonus_cap) - min(self_deductions, deduction_cap)
            versions = [submitted_at] + ([submitted_at + datetime.timedelta(days=3)] if returned_once else [])
            for number, moment in enumerate(versions, 1):
                w.add(
                    SheetVersion,
                    sheet_id=sheet_id,
                    number=number,
                    submitted_at=moment,
                    submitted_by_id=user_id,
                    is_late=late,
                    self_total=self_total.quantize(TWO),
                    snapshot=snapshot,
                )
            self.sheets.append(
                GeneratedSheet(
                    unit_id,
                    standard,
                    min(bonus, bonus_cap),
                    min(deductions, deduction_cap),
                    first,
                )
            )
        self.rank()

    def rank(self) -> None:
        """The published ranking, as scoring.selectors.ranking_queryset computes it (ties share a rank)."""
        bands = sorted(self.p.settings["classification_bands"], key=lambda band: band["min"], reverse=True)
        for sheet in self.sheets:
            sheet.total = (sheet.standard + sheet.bonus - sheet.deductions).quantize(TWO)
            sheet.classification = next(
                (band["label"] for band in bands if sheet.total >= Decimal(str(band["min"]))), bands[-1]["label"]
            )

        def key(sheet):
            return (-sheet.total, -sheet.first_group, sheet.deductions)

        ordered = sorted(self.sheets, key=key)
        for position, sheet in enumerate(ordered, 1):
            previous = ordered[position - 2] if position > 1 else None
            sheet.rank = previous.rank if previous is not None and key(previous) == key(sheet) else position
        self.sheets = ordered

    # -- reports (files answering the calendar)

    def reports(self) -> None:
        p, w, r = self.p, self.w, self.rng
        for key, name in (("year_report", "bao-cao-tong-ket.pdf"), ("summary_report", "bao-cao-tom-tat.pdf")):
            deadline_id = self.deadlines[key]
            opens, due = self.dates_[key]
            for unit_id in self.members:
                roll = r.random()
                if self.current:
                    on_time, late = 0.75, 0.08
                    if due >= p.now:  # not due yet: some have sent already
                        on_time, late = 0.6, 0.0
                else:
                    on_time, late = 0.88, 0.09
                if roll < on_time:
                    latest = min(due, p.now - datetime.timedelta(hours=1))
                    span = max(1, int((latest - opens).total_seconds() // 3600))
                    sent = latest - datetime.timedelta(hours=r.randint(0, min(span, 24 * 15)))
                elif roll < on_time + late:
                    latest = p.now - datetime.timedelta(hours=1) if self.current else due + datetime.timedelta(days=5)
                    span = max(1, int((latest - due).total_seconds() // 60))
                    sent = due + datetime.timedelta(minutes=r.randint(1, span))
                    if sent >= p.now:
                        continue
                else:
                    if self.current and r.random() < 0.05:
                        w.add(
                            Extension,
                            deadline_id=deadline_id,
                            unit_id=unit_id,
                            due_at=due + datetime.timedelta(days=4),
                            reason="Đơn vị có văn bản đề nghị gia hạn do thay đổi nhân sự.",
                            granted_by_id=p.officer[self.leader][0],
                            granted_at=due - datetime.timedelta(days=1),
                        )
                    continue  # missing
                returned = not self.current and r.random() < 0.03
                decided = not self.current or r.random() < 0.2
                status = SubmissionStatus.ACCEPTED if decided else SubmissionStatus.SUBMITTED
                submission_id = w.add(
                    Submission,
                    deadline_id=deadline_id,
                    unit_id=unit_id,
                    status=status,
                    decided_at=sent + datetime.timedelta(days=1) if decided else None,
                    decided_by_id=p.officer[self.leader][0] if decided else None,
                    created_at=sent,
                )
                self.file_first_submitted[(deadline_id, unit_id)] = sent
                user_id = p.officer[unit_id][0]
                for number in range(1, 3 if returned else 2):
                    moment = sent + datetime.timedelta(days=2 * (number - 1))
                    w.add(
                        SubmissionVersion,
                        submission_id=submission_id,
                        number=number,
                        file=REPORT_FILE,
                        original_name=name,
                        size=len(TINY_PDF),
                        pages=1 if key == "summary_report" else r.randint(6, 20),
                        length_in_pages=Decimal("1.25") if key == "summary_report" else None,
                        submitted_by_id=user_id,
                        submitted_at=moment,
                        late_seconds=max(0, int((moment - due).total_seconds())),
                    )

    # -- reminders already sent

    def reminders(self) -> None:
        p, w = self.p, self.w
        offsets = sorted(self.p.settings["reminder_offsets_days"], reverse=True) + [
            -d for d in range(1, self.p.settings["overdue_reminder_days"] + 1)
        ]
        today = p.today
        where = {"slug": self.b_slug(), "year": self.year}
        links = {
            "year_report": reverse("reports:submissions", kwargs=where),
            "summary_report": reverse("reports:submissions", kwargs=where),
            "self_assessment": reverse("scoring:my-sheet", kwargs=where),
        }
        for key in ("year_report", "summary_report", "self_assessment"):
            deadline_id = self.deadlines[key]
            due_day = self.dates_[key][1].date()
            for unit_id in self.members:
                if key == "self_assessment":
                    answered = self.sheet_first_submitted.get(unit_id)
                else:
                    answered = self.file_first_submitted.get((deadline_id, unit_id))
                user_id, username = p.officer[unit_id]
                for offset in offsets:
                    day = due_day - datetime.timedelta(days=offset)
                    moment = at(day, 7)
                    if day >= today or (answered is not None and answered <= moment):
                        continue  # not yet due (today's are the benchmark tick's), or answered before
                    w.add(
                        ReminderSent,
                        deadline_id=deadline_id,
                        unit_id=unit_id,
                        offset_days=offset,
                        sent_at=moment,
                        recipients=[username],
                    )
                    title = self.CALENDAR_TITLES[key].format(y=self.year, n=self.year + 1)
                    w.add(
                        Notification,
                        recipient_id=user_id,
                        title=(
                            f"Nhắc hạn: “{title}” còn {offset} ngày"
                            if offset > 0
                            else f"Quá hạn: “{title}” đã quá hạn {-offset} ngày"
                        )[:200],
                        body=f"Đơn vị chưa gửi “{title}”.",
                        link=links[key],
                        created_at=moment,
                        read_at=moment + datetime.timedelta(hours=3) if (today - day).days > 2 else None,
                        dedupe_key=f"reminder:{deadline_id}:{unit_id}:{offset}:{user_id}",
                    )

    CALENDAR_TITLES = {key: title for key, _kind, _audience, title in CALENDAR}

    def b_slug(self) -> str:
        return f"gen-p{self.p.index + 1:02d}-b{self.b.index + 1:02d}"

    # -- award kinds, ballots and proposals

    def awards(self) -> None:
        p, w = self.p, self.w
        kinds = {}
        for order, (code, name, quota_key, eligibility) in enumerate(
            (
                ("flag", "Cờ thi đua của UBND tỉnh", "flag_quota", Eligibility.TOP_RANKED),
                ("merit", "Bằng khen của Chủ tịch UBND tỉnh", "merit_quota", Eligibility.NEXT_IN_TOP_CLASS),
            ),
            start=1,
        ):
            quota = int(p.settings[quota_key])
            kinds[code] = (
                w.add(
                    AwardKind,
                    year_id=self.year_id,
                    code=code,
                    name=name,
                    quota=quota,
                    eligibility=eligibility,
                    order=order,
                ),
                quota,
            )
        if self.current:
            return
        top = sorted(p.settings["classification_bands"], key=lambda band: band["min"], reverse=True)[0]["label"]
        in_top = [s for s in self.sheets if s.classification == top]
        flag_id, flag_quota = kinds["flag"]
        merit_id, merit_quota = kinds["merit"]
        flag = [s for s in in_top if s.rank <= flag_quota]
        merit = [s for s in in_top if s not in flag][: merit_quota + 2]
        if flag:
            self.ballot(BallotKind.AWARD, flag_id, flag_quota, [(s, "") for s in flag])
        if merit:
            self.ballot(BallotKind.AWARD, merit_id, merit_quota, [(s, "") for s in merit])
        leader, deputy = self.b.rotation(after=self.leader, year=self.year + 1)
        candidates = [(leader, CandidateRole.LEADER)] + ([(deputy, CandidateRole.DEPUTY)] if deputy else [])
        self.ballot(BallotKind.ELECTION, None, len(candidates), candidates)

    def ballot(self, kind, award_kind_id, quota, candidates) -> None:
        p, w, r = self.p, self.w, self.rng
        conference = self.conference
        voters = self.members
        present = [u for u in voters if r.random() < 0.96]
        threshold = Decimal(str(p.settings["vote_threshold_percent"]))
        ballot_id = w.add(
            Ballot,
            year_id=self.year_id,
            kind=kind,
            award_kind_id=award_kind_id,
            round=1,
            status=BallotStatus.PUBLISHED,
            method=BallotMethod.ONLINE,
            quota=quota,
            threshold_percent=threshold,
            threshold_strict=bool(p.settings["vote_threshold_strict"]),
            denominator=p.settings["vote_denominator"],
            quorum_percent=Decimal(str(p.settings["quorum_percent"])),
            allow_self_vote=bool(p.settings["allow_self_vote"]),
            member_count=len(voters),
            present_count=len(present),
            frozen_at=conference - datetime.timedelta(days=1),
            opened_at=conference + datetime.timedelta(minutes=30),
            closed_at=conference + datetime.timedelta(minutes=60),
            tallied_at=conference + datetime.timedelta(minutes=65),
            published_at=conference + datetime.timedelta(minutes=70),
            created_at=conference - datetime.timedelta(days=2),
        )
        rows = []  # (candidate id, unit id, order)
        for order, (item, role) in enumerate(candidates, 1):
            unit_id = item if isinstance(item, int) else item.unit_id
            rows.append((w.id(BallotCandidate), unit_id, order, item, role))
        # Each present unit casts one paper approving up to `quota` candidates, never itself; an election
        # confirms the rotation almost unanimously, award votes favour the better ranked.
        votes = {cid: 0 for cid, *_ in rows}
        choices = []
        for voter in present:
            eligible = [row for row in rows if row[1] != voter]
            if kind == BallotKind.ELECTION:
                chosen = [row for row in eligible if r.random() < 0.97]
            else:
                chosen = [row for row in eligible if r.random() < 0.92 - 0.12 * (row[2] - 1)][:quota]
            choices.append(chosen)
            for row in chosen:
                votes[row[0]] += 1
        denominator = len(voters) if p.settings["vote_denominator"] == "members" else len(present)

        def passes(count):
            share, limit = count * 100, threshold * denominator
            return share > limit if p.settings["vote_threshold_strict"] else share >= limit

        if kind == BallotKind.ELECTION:
            # The published election opened the next year with these leaders: make sure it passed.
            for row in rows:
                for voter, paper in zip(present, choices, strict=True):
                    if passes(votes[row[0]]):
                        break
                    if row not in paper and voter != row[1]:
                        paper.append(row)
                        votes[row[0]] += 1
        over = sorted((row for row in rows if passes(votes[row[0]])), key=lambda row: (-votes[row[0]], row[2]))
        elected = {row[0] for row in over[:quota]}
        for cid, unit_id, order, item, role in rows:
            sheet = item if isinstance(item, GeneratedSheet) else None
            outcome = (
                Outcome.ELECTED
                if cid in elected
                else Outcome.NOT_ELECTED
                if passes(votes[cid])
                else Outcome.BELOW_THRESHOLD
            )
            w.add(
                BallotCandidate,
                id=cid,
                ballot_id=ballot_id,
                unit_id=unit_id,
                role=role,
                rank=sheet.rank if sheet else None,
                total=sheet.total if sheet else None,
                classification=sheet.classification if sheet else "",
                order=order,
                votes=votes[cid],
                outcome=outcome,
            )
            if cid in elected and kind == BallotKind.AWARD:
                approved = r.random() < 0.85
                decided = conference + datetime.timedelta(days=40)
                w.add(
                    Proposal,
                    award_kind_id=award_kind_id,
                    unit_id=unit_id,
                    ballot_id=ballot_id,
                    votes=votes[cid],
                    status=ProposalStatus.APPROVED if approved else ProposalStatus.REJECTED,
                    submitted_at=conference + datetime.timedelta(days=10),
                    submitted_by_id=self.p.officer[self.leader][0],
                    decision_number=f"{r.randint(100, 3000)}/QĐ-UBND",
                    decision_date=decided.date(),
                    decision_note="" if approved else "Chưa đủ điều kiện theo quy định.",
                    decided_at=decided,
                    decided_by_id=p.board_user,
                    created_at=conference + datetime.timedelta(minutes=70),
                )
        for voter in voters:
            voted = voter in present
            w.add(
                BallotVoter,
                ballot_id=ballot_id,
                unit_id=voter,
                present=voted,
                voted_at=conference + datetime.timedelta(minutes=r.randint(31, 59)) if voted else None,
                cast_by_id=p.officer[voter][0] if voted else None,
            )
        # Papers carry no voter and no time, in random order (as the close rewrites them).
        r.shuffle(choices)
        for chosen in choices:
            paper_id = self.uuid()
            w.add(BallotPaper, id=paper_id, ballot_id=ballot_id)
            for row in chosen:
                w.add(BallotChoice, id=self.uuid(), paper_id=paper_id, candidate_id=row[0])

    def uuid(self) -> uuid.UUID:
        return self.p.uuid()

    # -- the comment round on the draft summary report, and the minutes

    def comment_round(self) -> None:
        p, w, r = self.p, self.w, self.rng
        opens, due = self.dates_["comment_round"]
        leader_user = p.officer[self.leader][0]
        draft_id = w.add(
            DraftReport,
            year_id=self.year_id,
            version=1,
            file=DRAFT_FILE,
            original_name=f"du-thao-bao-cao-tong-ket-{self.year}.pdf",
            sections=SECTIONS,
            published_at=opens,
            published_by_id=leader_user,
            created_at=opens,
        )
        for unit_id in r.sample(self.members, k=min(len(self.members), r.randint(2, 6))):
            written = opens + datetime.timedelta(hours=r.randint(2, 100))
            accepted = r.random() < 0.7
            w.add(
                Comment,
                draft_id=draft_id,
                unit_id=unit_id,
                author_id=p.officer[unit_id][0],
                section=r.choice([*SECTIONS, ""]),
                text="Đề nghị bổ sung kết quả phối hợp giữa các đơn vị trong Khối.",
                answer_status=AnswerStatus.ACCEPTED if accepted else AnswerStatus.DECLINED,
                answer="Tiếp thu, bổ sung vào báo cáo." if accepted else "Nội dung đã có tại phần I.",
                answered_by_id=leader_user,
                answered_at=due,
                created_at=written,
            )

    def minutes(self) -> None:
        p, b, w = self.p, self.b, self.w
        held = self.conference
        number = self.register("BB", held, f"Biên bản Hội nghị tổng kết năm {self.year}")
        w.add(
            ConferenceMinutes,
            year_id=self.year_id,
            status=PlanStatus.ISSUED,
            version=2,
            revision=1,
            number=number,
            held_at=held,
            ended_at=datetime.time(17, 0),
            place=f"Hội trường {b.unit_names[self.leader]}",
            chair_name=p.name(),
            chair_position=f"Thủ trưởng {b.unit_names[self.leader]}",
            secretary_name=p.name(),
            secretary_position="Chuyên viên Văn phòng",
            guests="Đại diện Ban Thi đua - Khen thưởng tỉnh",
            members_present=f"{len(self.members)}/{len(self.members)} đơn vị thành viên",
            proceedings="Hội nghị nghe báo cáo tổng kết, thông báo kết quả chấm điểm, bình xét khen thưởng và bầu "
            "đơn vị Trưởng khối, Phó Trưởng khối năm sau.",
            conclusion="Hội nghị thống nhất thông qua báo cáo tổng kết và kết quả bình xét.",
            issued_at=held + datetime.timedelta(days=1),
            issued_by_id=p.officer[self.leader][0],
            updated_by_id=p.officer[self.leader][0],
            created_at=held,
        )


# --- wiping generated data ---------------------------------------------------------------------------------

# Children before parents, each with its path to the province (the order matters for the joins, not for the
# foreign keys, which PostgreSQL and SQLite check at commit).
_FLUSH = [
    (BallotChoice, "paper__ballot__year__bloc__province"),
    (BallotPaper, "ballot__year__bloc__province"),
    (BallotVoter, "ballot__year__bloc__province"),
    (Proposal, "award_kind__year__bloc__province"),
    (BallotCandidate, "ballot__year__bloc__province"),
    (Ballot, "year__bloc__province"),
    (AwardKind, "year__bloc__province"),
    (ScoreChange, "score__sheet__year__bloc__province"),
    (Score, "sheet__year__bloc__province"),
    (SheetVersion, "sheet__year__bloc__province"),
    (Sheet, "year__bloc__province"),
    (Criterion, "table__year__bloc__province"),
    (CriteriaTable, "year__bloc__province"),
    (ReminderSent, "deadline__year__bloc__province"),
    (SubmissionVersion, "submission__deadline__year__bloc__province"),
    (Submission, "deadline__year__bloc__province"),
    (Extension, "deadline__year__bloc__province"),
    (Comment, "draft__year__bloc__province"),
    (DraftReport, "year__bloc__province"),
    (PlanTask, "plan__year__bloc__province"),
    (ConferencePlan, "year__bloc__province"),
    (ConferenceMinutes, "year__bloc__province"),
    (CovenantRegistrationVersion, "registration__year__bloc__province"),
    (CovenantRegistration, "year__bloc__province"),
    (Covenant, "year__bloc__province"),
]
_FLUSH_LATE = [
    (Deadline, "year__bloc__province"),
    (EmulationYear, "bloc__province"),
    (LeaderTerm, "bloc__province"),
    (RegisterEntry, "bloc__province"),
    (RotationSlot, "bloc__province"),
    (Membership, "bloc__province"),
]


def flush(*, log=None) -> dict[str, int]:
    """Delete every generated province and everything in it, its people and their notifications. Rows that
    other code added to generated years, units or blocs (a rendering, a summary report…) go with them."""
    log = log or (lambda message: None)
    provinces = list(generated_provinces().values_list("pk", flat=True))
    counts: dict[str, int] = {}
    if not provinces:
        return counts

    def raw(model, lookup) -> None:
        queryset = model._base_manager.filter(**{f"{lookup}__in": provinces})
        deleted = queryset._raw_delete(queryset.db)
        if deleted:
            counts[model._meta.label] = counts.get(model._meta.label, 0) + deleted

    with transaction.atomic():
        users = list(User.objects.filter(person__unit__province__in=provinces).values_list("pk", flat=True)) + list(
            User.objects.filter(person__board_province__in=provinces).values_list("pk", flat=True)
        )
        for model, lookup in _FLUSH:
            raw(model, lookup)
        log("sheets, reports, ballots and documents deleted")
        # Whatever else hangs on the generated years, deadlines, blocs or units (models this generator does not
        # write), through Django's collector so that their own children go too.
        handled = {model for model, _ in _FLUSH + _FLUSH_LATE}
        for parent, lookup in ((Deadline, "year__bloc__province"), (EmulationYear, "bloc__province"),
                               (Bloc, "province"), (Unit, "province")):  # fmt: skip
            ids = parent._base_manager.filter(**{f"{lookup}__in": provinces}).values("pk")
            for relation in parent._meta.related_objects:
                if relation.related_model in handled or relation.related_model is Person or relation.many_to_many:
                    continue
                leftovers = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids})
                if leftovers.exists():
                    deleted, _ = leftovers.delete()
                    counts[relation.related_model._meta.label] = deleted
        for model, lookup in _FLUSH_LATE:
            raw(model, lookup)
        raw(Bloc, "province")
        person = Person._base_manager.filter(unit__province__in=provinces)
        counts["blocs.Person"] = person._raw_delete(person.db)
        person = Person._base_manager.filter(board_province__in=provinces)
        counts["blocs.Person"] += person._raw_delete(person.db)
        notifications = Notification.objects.filter(recipient__in=users)
        counts["core.Notification"] = notifications._raw_delete(notifications.db)
        for start in range(0, len(users), 5000):
            deleted, _ = User.objects.filter(pk__in=users[start : start + 5000]).delete()
            counts["core.User"] = counts.get("core.User", 0) + deleted
        raw(Unit, "province")
        generated = generated_provinces()
        counts["blocs.Province"] = generated._raw_delete(generated.db)
    log("generated data deleted")
    return {label: n for label, n in sorted(counts.items()) if n}


def with_overrides(size: Size, **overrides) -> Size:
    return replace(size, **{key: value for key, value in overrides.items() if value is not None})
