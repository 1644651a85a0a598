"""The awards app's official documents (Decree 30): the vote-count minutes of a year's published ballots
(Biên bản kiểm phiếu) and the submission of one proposal to the province (Tờ trình).

Both are issued by the bloc ("UBND TỈNH …" over "KHỐI THI ĐUA …", as the conference plan), each from its record
in the one lifecycle (`awards.models.VoteCountMinutes`, `awards.models.SubmissionLetter`, kinds in
`awards.services.documents`): the number stays blank ("Số:      /BB-KTĐNC") until the record is issued and
numbered in the bloc's register; an issued record always renders the same text.
"""

import datetime
import re
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from blocs.enums import DeadlineKind
from blocs.models import Bloc, CovenantRegistration, Deadline, EmulationYear, Person
from core.documents import Block, Header, OfficialDocument, Recipient, Signature
from core.documents.model import BLANK_NUMBER as CORE_BLANK_NUMBER

from .enums import BallotKind, BallotMethod, BallotStatus, CandidateRole, Outcome
from .models import AwardKind, Ballot, BallotCandidate, BallotVoter, Proposal
from .selectors import ballots_for_year, denominator_count, legal_bases_for, threshold_votes, turnout

DOTS = "……………………"
NBSP = "\u00a0"
BLANK_NUMBER = CORE_BLANK_NUMBER  # the number is written in by hand (see the module's docstring)

RESULT = {
    Outcome.ELECTED: "Đạt",
    Outcome.BELOW_THRESHOLD: "Không đạt",
    Outcome.RUNOFF: "Bằng phiếu – bỏ phiếu lại",
    Outcome.NOT_ELECTED: "Không đạt (ngoài chỉ tiêu)",
}
ROLE = {CandidateRole.LEADER: "Trưởng khối", CandidateRole.DEPUTY: "Phó Trưởng khối"}


# --- small formatting helpers ------------------------------------------------------------------------------


def bloc_title(bloc: Bloc) -> str:
    """ "Khối thi đua Nội chính": the bloc's name without the province, as written in a sentence."""
    suffix = f" tỉnh {bloc.province.name}"
    return bloc.name[: -len(suffix)] if bloc.name.endswith(suffix) else bloc.name


def _header(
    bloc: Bloc, doc_type: str, day: datetime.date, number: int | None = None, *, dated_line: bool = True
) -> Header:
    return Header(
        parent_body=bloc.province.header_name,
        issuer=bloc.issuer_name,
        number=f"{f'{number:02d}' if number else BLANK_NUMBER}/{doc_type}-{bloc.code}",
        place=bloc.province.name,
        date=day,
        dated_line=dated_line,
    )


def number_text(value: Decimal | int | float) -> str:
    """92.50 → "92,5"; 96.00 → "96"; 66.666… → "66,67" (Vietnamese decimal comma)."""
    value = Decimal(str(value)).quantize(Decimal("0.01"))
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def percent_text(votes: int, denominator: int) -> str:
    """7 of 8 → "87,5%"."""
    if denominator <= 0:
        return "0%"
    return number_text(Decimal(votes * 100) / Decimal(denominator)) + "%"


def two_digits(n: int) -> str:
    """Counts under ten with a leading zero, as official documents write them ("01 đơn vị")."""
    return f"{n:02d}"


def clock(moment: datetime.datetime) -> str:
    """14:30 → "14 giờ 30 phút"."""
    local = timezone.localtime(moment)
    return f"{local.hour} giờ {local.minute:02d} phút"


def award_request(kind: AwardKind) -> str:
    """ "Cờ thi đua của UBND tỉnh" → "UBND tỉnh tặng Cờ thi đua"; a name without "của …" → "tặng <name>"."""
    award, sep, giver = kind.name.partition(" của ")
    return f"{giver} tặng {award}" if sep and giver else f"tặng {kind.name}"


def _votes_text(candidate: BallotCandidate, denominator: int) -> str:
    votes = candidate.votes or 0
    return f"{votes}/{denominator} phiếu, đạt {percent_text(votes, denominator)}"


# --- the meeting: from the year's calendar --------------------------------------------------------------

VENUE = re.compile(r"^.*?\d{1,2}/\d{1,2}/\d{4}(?:\s*\([^)]*\))?\s*,\s*(?P<venue>.+)$", re.S)


def conference_deadline(year: EmulationYear) -> Deadline | None:
    """The conference in the year's calendar (blocs.Deadline of kind "conference"), if it is there."""
    return year.deadlines.filter(kind=DeadlineKind.CONFERENCE).order_by("due_at", "id").first()


def venue_of(deadline: Deadline | None) -> str:
    """The place from the conference's description: what follows its date ("14h30 ngày 05/11/2020 (Thứ năm),
    Hội trường tầng III - Thanh tra tỉnh." → "Hội trường tầng III - Thanh tra tỉnh"), or the whole text."""
    if deadline is None or not deadline.description.strip():
        return ""
    text = " ".join(deadline.description.split())
    match = VENUE.match(text)
    return (match.group("venue") if match else text).strip().rstrip(".")


# --- the people of the vote count: the counting committee and the secretary ------------------------------

# The roles a person has in the minutes (VoteCountMinutes.counting_people), as the document and its editor write them.
COUNTING_ROLES = {"chair": "Trưởng ban", "member": "Thành viên", "secretary": "Thư ký"}


def conference_minutes_of(year: EmulationYear):
    """The year's conference minutes (conference.ConferenceMinutes), or None (read through the app registry: the
    conference app reads the awards, not the other way round)."""
    return apps.get_model("conference", "ConferenceMinutes").objects.filter(year=year).first()


def _officer_names(units) -> dict[int, list[str]]:
    """The names of the active officers of `units`, by unit id, in the order they were recorded (one query)."""
    names: dict[int, list[str]] = {u.pk: [] for u in units}
    people = Person.objects.filter(unit__in=list(units), user__is_active=True).select_related("user").order_by("pk")
    for person in people:
        if person.user.full_name.strip():
            names[person.unit_id].append(person.user.full_name.strip())
    return names


def default_counting_people(year: EmulationYear) -> list[dict]:
    """The committee and the secretary a new minutes page suggests, from the year's leader unit and its officers:
    the leader unit's first officer chairs the committee; an officer of the deputy unit is its member; the secretary
    is the one of the year's conference minutes (they are written at the same meeting), else the leader unit's next
    officer, else a name left blank (the editor asks for it; printed as a dotted line). Two queries."""
    leader = year.leader
    deputy = year.deputy if year.deputy_id else None
    officers = _officer_names([u for u in (leader, deputy) if u is not None])
    chair = next(iter(officers[leader.pk]), "")
    conference = conference_minutes_of(year)
    secretary = conference.secretary_name.strip() if conference is not None else ""
    if not secretary or secretary == chair:
        secretary = next(iter(officers[leader.pk][1:]), "")
    people = [{"name": chair, "unit": leader.name, "role": "chair"}]
    if deputy is not None:
        people += [{"name": name, "unit": deputy.name, "role": "member"} for name in officers[deputy.pk][:1]]
    people.append({"name": secretary, "unit": leader.name, "role": "secretary"})
    return people


def counting_people(year: EmulationYear, record=None) -> list[dict]:
    """Who the minutes name: those recorded on them; none recorded, the defaults while they are a draft, and blanks
    to write in by hand on minutes issued before they could be recorded (an issued text does not change)."""
    if record is not None and record.counting_people:
        return list(record.counting_people)
    if record is not None and record.is_issued:
        return [
            {"name": "", "unit": "", "role": "chair"},
            {"name": "", "unit": "", "role": "member"},
            {"name": "", "unit": "", "role": "member"},
            {"name": "", "unit": "", "role": "secretary"},
        ]
    return default_counting_people(year)


def _person_text(person: dict) -> str:
    return f"Ông (bà) {person.get('name') or DOTS}, đơn vị {person.get('unit') or DOTS}"


def _committee_blocks(people: list[dict]) -> list[Block]:
    """Section I: the committee, its chair first, numbered, the last line ending with "."; then the secretary."""
    committee = [p for p in people if p.get("role") == "chair"] + [p for p in people if p.get("role") == "member"]
    secretaries = [p for p in people if p.get("role") == "secretary"]
    blocks = [Block("paragraph", "Hội nghị đã thống nhất bầu Ban kiểm phiếu gồm các ông (bà) có tên sau:")]
    for i, person in enumerate(committee, start=1):
        end = "." if i == len(committee) else ";"
        blocks.append(Block("line", f"{i}. {_person_text(person)} - {COUNTING_ROLES[person['role']]}{end}"))
    for person in secretaries:
        blocks.append(Block("line", f"Thư ký: {_person_text(person)}."))
    return blocks


def _signer_name(people: list[dict], role: str) -> str:
    return next((p["name"] for p in people if p.get("role") == role and p.get("name")), "") or DOTS


def present_units(ballots: list[Ballot]) -> list[str]:
    """The member units present at any of the ballots (their turnout registers), by name (one query)."""
    if not ballots:
        return []
    names = (
        BallotVoter.objects.filter(ballot__in=ballots, present=True)
        .values_list("unit__name", flat=True)
        .order_by("unit__name")
        .distinct()
    )
    return list(names)


def _participants_block(ballots: list[Ballot]) -> Block | None:
    units = present_units(ballots)
    if not units:
        return None
    members = max((b.member_count or 0 for b in ballots), default=0) or len(units)
    return Block(
        "paragraph",
        f"Thành phần: đại diện lãnh đạo {two_digits(len(units))}/{two_digits(members)} đơn vị thành viên của Khối "
        f"có mặt: {'; '.join(units)}.",
    )


# --- the vote-count minutes ------------------------------------------------------------------------------


def published_ballots(year: EmulationYear) -> list[Ballot]:
    """The year's published ballots in the order of the minutes: each award kind's ballot and its run-offs,
    then the election (three queries)."""
    return list(ballots_for_year(year).filter(status=BallotStatus.PUBLISHED))


def has_published_ballot(year: EmulationYear) -> bool:
    return Ballot.objects.filter(year=year, status=BallotStatus.PUBLISHED).exists()


def ballots_in_progress(year: EmulationYear) -> list[Ballot]:
    """The year's ballots opened and not yet published: the minutes wait for their results."""
    return list(
        Ballot.objects.filter(year=year)
        .exclude(status__in=[BallotStatus.DRAFT, BallotStatus.FROZEN, BallotStatus.PUBLISHED])
        .order_by("pk")
    )


def minutes_ballots(year: EmulationYear, record=None) -> list[Ballot]:
    """The ballots the minutes record: the published ones, and once the minutes are issued only those published
    before (a ballot published later is the next revision's)."""
    ballots = published_ballots(year)
    if record is not None and record.is_issued and record.issued_at is not None:
        ballots = [b for b in ballots if b.published_at is None or b.published_at <= record.issued_at]
    return ballots


def minutes_day(year: EmulationYear, ballots: list[Ballot]) -> datetime.date:
    """The minutes' date unless they are issued with another: the conference's day, else the first ballot's."""
    deadline = conference_deadline(year)
    if deadline is not None:
        return timezone.localdate(deadline.due_at)
    moments = [b.opened_at or b.published_at for b in ballots if b.opened_at or b.published_at]
    return timezone.localdate(min(moments)) if moments else timezone.localdate()


def _rule_lines(ballot: Ballot) -> list[str]:
    threshold = f"{number_text(ballot.threshold_percent)}%"
    threshold = f"trên {threshold}" if ballot.threshold_strict else f"từ {threshold} trở lên"
    of_whom = "số đơn vị thành viên có mặt" if ballot.denominator == "present" else "tổng số đơn vị thành viên"
    lines = [
        f"- Bỏ phiếu kín, mỗi đơn vị thành viên một phiếu; đơn vị được đề nghị phải được {threshold} "
        f"{of_whom} của Khối đồng ý."
    ]
    if ballot.quorum_percent:
        lines.append(
            f"- Việc bỏ phiếu chỉ được tiến hành khi có từ {number_text(ballot.quorum_percent)}% "
            "số đơn vị thành viên trở lên có mặt."
        )
    lines.append(
        "- Đơn vị được bỏ phiếu cho chính mình."
        if ballot.allow_self_vote
        else "- Đơn vị không được bỏ phiếu cho chính mình."
    )
    return lines


def _heading(ballot: Ballot, year: EmulationYear) -> str:
    if ballot.kind == BallotKind.ELECTION:
        roles = {c.role for c in ballot.candidates.all()}
        what = "Trưởng khối, Phó Trưởng khối" if CandidateRole.DEPUTY in roles else "Trưởng khối"
        again = f" (bỏ phiếu lần {ballot.round})" if ballot.round > 1 else ""
        return f"Bầu đơn vị {what} năm {year.year + 1}{again}"
    if ballot.round > 1:
        return f"Bỏ phiếu lại (lần {ballot.round}) đề nghị {award_request(ballot.award_kind)}"
    return f"Bình xét, suy tôn đề nghị {award_request(ballot.award_kind)}"


def _count_lines(ballot: Ballot) -> list[str]:
    members, present = ballot.member_count or 0, ballot.present_count or 0
    lines = [f"- Tổng số đơn vị thành viên: {two_digits(members)}; số đơn vị có mặt: {two_digits(present)}."]
    if ballot.method == BallotMethod.PAPER:
        issued, returned, invalid = ballot.paper_issued or 0, ballot.paper_returned or 0, ballot.paper_invalid or 0
        lines.append(
            f"- Bỏ phiếu bằng phiếu giấy: số phiếu phát ra: {two_digits(issued)}; số phiếu thu về: "
            f"{two_digits(returned)}; số phiếu hợp lệ: {two_digits(returned - invalid)}; số phiếu không hợp lệ: "
            f"{two_digits(invalid)}."
        )
    else:
        lines.append(f"- Bỏ phiếu trực tuyến: số đơn vị đã bỏ phiếu: {turnout(ballot).voted}/{present} đơn vị có mặt.")
    den = denominator_count(ballot)
    of_whom = "đơn vị có mặt" if ballot.denominator == "present" else "đơn vị thành viên"
    lines.append(
        f"- Tỷ lệ phiếu tính trên {two_digits(den)} {of_whom}; "
        f"số phiếu đồng ý tối thiểu để đạt: {two_digits(threshold_votes(ballot, den))} phiếu."
    )
    return lines


def _ballot_blocks(ballot: Ballot, year: EmulationYear, index: int, rules_each: bool) -> list[Block]:
    candidates = sorted(ballot.candidates.all(), key=lambda c: (c.order, c.pk))
    blocks = [Block("heading", f"{index}. {_heading(ballot, year)}")]
    if ballot.kind == BallotKind.ELECTION:
        proposed = "; ".join(f"{c.unit.name} ({ROLE.get(c.role, '')})" for c in candidates)
        blocks.append(Block("bullet", f"- Đơn vị được giới thiệu theo thứ tự luân phiên: {proposed}."))
    else:
        if ballot.parent_id:
            blocks.append(
                Block(
                    "bullet",
                    f"- Bỏ phiếu lại giữa {two_digits(len(candidates))} đơn vị dưới đây cho "
                    f"{two_digits(ballot.quota)} suất còn lại sau lần bỏ phiếu thứ {ballot.round - 1}.",
                )
            )
        blocks.append(
            Block(
                "bullet",
                f"- Số đơn vị được đề nghị: {two_digits(ballot.quota)}; mỗi phiếu chọn không quá "
                f"{two_digits(ballot.quota)} đơn vị.",
            )
        )
    if rules_each:
        blocks += [Block("bullet", line) for line in _rule_lines(ballot)]
    blocks += [Block("bullet", line) for line in _count_lines(ballot)]
    den = denominator_count(ballot)
    if ballot.kind == BallotKind.ELECTION:
        rows = [("STT", "Đơn vị", "Giới thiệu làm", "Số phiếu đồng ý", "Tỷ lệ", "Kết quả")]
        rows += [
            (
                str(i),
                c.unit.name,
                ROLE.get(c.role, ""),
                str(c.votes or 0),
                percent_text(c.votes or 0, den),
                RESULT.get(c.outcome, ""),
            )
            for i, c in enumerate(candidates, start=1)
        ]
        blocks.append(Block("table", rows=tuple(rows), align="clcccc", widths=(10, 30, 20, 15, 10, 15)))
    else:
        rows = [("STT", "Đơn vị", "Số phiếu đồng ý", "Tỷ lệ", "Kết quả")]
        rows += [
            (
                str(i),
                c.unit.name,
                str(c.votes or 0),
                percent_text(c.votes or 0, den),
                RESULT.get(c.outcome, ""),
            )
            for i, c in enumerate(candidates, start=1)
        ]
        blocks.append(Block("table", rows=tuple(rows), align="clccc", widths=(10, 35, 15, 15, 25)))
    return blocks


def _conclusions(ballots: list[Ballot], year: EmulationYear) -> list[Block]:
    lines: list[Block] = []
    awards: dict[int, list[Ballot]] = {}
    for ballot in ballots:
        if ballot.kind == BallotKind.AWARD:
            awards.setdefault(ballot.award_kind_id, []).append(ballot)
    for rounds in awards.values():
        kind = rounds[0].award_kind
        chosen = [
            f"{c.unit.name} ({_votes_text(c, denominator_count(ballot))})"
            for ballot in rounds
            for c in sorted(ballot.candidates.all(), key=lambda c: (-(c.votes or 0), c.order))
            if c.outcome == Outcome.ELECTED
        ]
        if chosen:
            lines.append(Block("bullet", f"- Khối thống nhất đề nghị {award_request(kind)} cho: {'; '.join(chosen)}."))
        else:
            lines.append(
                Block("bullet", f"- Không có đơn vị nào đạt tỷ lệ phiếu đồng ý để đề nghị {award_request(kind)}.")
            )
        last = rounds[-1]
        if last.runoff_seats:
            lines.append(
                Block(
                    "bullet",
                    f"- Còn {two_digits(last.runoff_seats)} suất đề nghị {award_request(kind)} sẽ được bỏ phiếu lại.",
                )
            )
    elections = [b for b in ballots if b.kind == BallotKind.ELECTION]
    if elections:
        ballot = elections[-1]
        den = denominator_count(ballot)
        for c in sorted(ballot.candidates.all(), key=lambda c: (c.order, c.pk)):
            role = ROLE.get(c.role, "")
            if c.outcome == Outcome.ELECTED:
                lines.append(
                    Block("bullet", f"- Đơn vị {role} năm {year.year + 1}: {c.unit.name} ({_votes_text(c, den)}).")
                )
            else:
                lines.append(
                    Block(
                        "bullet",
                        f"- {c.unit.name}, được giới thiệu làm {role} năm {year.year + 1}, không đạt tỷ lệ "
                        f"phiếu đồng ý ({_votes_text(c, den)}).",
                    )
                )
    return lines


def _meeting_line(year: EmulationYear, deadline: Deadline | None, what: str) -> str:
    bloc = year.bloc
    title = (deadline.title if deadline else "") or f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {year.year}"
    if deadline is not None:
        local = timezone.localtime(deadline.due_at)
        when = f"vào hồi {clock(deadline.due_at)} ngày {local:%d/%m/%Y}"
    else:
        when = "vào hồi …… giờ …… phút ngày ……/……/……"
    venue = venue_of(deadline) or DOTS * 2
    return f"Hôm nay, {when}, tại {venue}, {bloc.name} tổ chức {title}; tiến hành {what} bằng hình thức bỏ phiếu kín."


def minutes_document(year: EmulationYear, record=None) -> OfficialDocument:
    """Biên bản kiểm phiếu: every published ballot of the year's conference, with the rules in force, the
    counts, a table per ballot and the conclusions (the units proposed, the leaders elected), each unit by its full
    name. `record` (the minutes' `VoteCountMinutes`) gives the number and the date once issued, and keeps the issued
    text to its ballots."""
    bloc = year.bloc
    ballots = minutes_ballots(year, record)
    deadline = conference_deadline(year)
    has_awards = any(b.kind == BallotKind.AWARD for b in ballots)
    has_election = any(b.kind == BallotKind.ELECTION for b in ballots)
    deputy = any(
        c.role == CandidateRole.DEPUTY for b in ballots if b.kind == BallotKind.ELECTION for c in b.candidates.all()
    )
    election = f"bầu đơn vị Trưởng khối{', Phó Trưởng khối' if deputy else ''} năm {year.year + 1}"
    award_title = f"Bình xét, suy tôn đề nghị khen thưởng năm {year.year}"
    if has_awards and has_election:
        title_lines = [award_title, f"và {election}"]
        what = f"bình xét, suy tôn đề nghị khen thưởng năm {year.year} và {election}"
    elif has_awards:
        title_lines = [award_title]
        what = f"bình xét, suy tôn đề nghị khen thưởng năm {year.year}"
    else:
        title_lines = [election[0].upper() + election[1:]]
        what = election
    day = record.dated if record is not None and record.dated else minutes_day(year, ballots)

    people = counting_people(year, record)
    blocks = [Block("paragraph", _meeting_line(year, deadline, what))]
    participants = _participants_block(ballots)
    if participants is not None:
        blocks.append(participants)
    blocks.append(Block("section", "I. BAN KIỂM PHIẾU"))
    blocks += _committee_blocks(people)
    rule_sets = {tuple(_rule_lines(b)) for b in ballots}
    rules_each = len(rule_sets) > 1
    blocks.append(Block("section", "II. NGUYÊN TẮC BỎ PHIẾU"))
    if rules_each:
        blocks.append(
            Block("paragraph", "Theo Quy chế của Khối; các nguyên tắc áp dụng cho từng lần bỏ phiếu ghi tại Mục III.")
        )
    elif ballots:
        blocks += [Block("bullet", line) for line in _rule_lines(ballots[0])]
    blocks.append(Block("section", "III. KẾT QUẢ KIỂM PHIẾU"))
    for index, ballot in enumerate(ballots, start=1):
        blocks += _ballot_blocks(ballot, year, index, rules_each)
    blocks.append(Block("section", "IV. KẾT LUẬN"))
    blocks += _conclusions(ballots, year)
    counted = [timezone.localtime(b.tallied_at) for b in ballots if b.tallied_at]
    last = max(counted) if counted else None
    if last is not None and last.date() == day:
        ending = f"Biên bản kết thúc vào hồi {clock(last)} cùng ngày"
    else:
        ending = "Biên bản kết thúc vào hồi …… giờ …… phút cùng ngày"
    blocks.append(
        Block(
            "paragraph",
            f"{ending}, đã được đọc lại trước Hội nghị; các thành viên Ban kiểm phiếu nhất trí với nội dung "
            "biên bản và cùng ký tên dưới đây./.",
        )
    )
    return OfficialDocument(
        # Mẫu 1.9: no place-and-date line, the minutes say when and where in their first paragraph.
        header=_header(bloc, "BB", day, record.number if record is not None else None, dated_line=False),
        doc_type="BIÊN BẢN KIỂM PHIẾU",
        title_lines=title_lines,
        blocks=blocks,
        recipients=[Recipient("Lưu: VT, Hồ sơ")],
        signature=Signature("TRƯỞNG BAN KIỂM PHIẾU", "", "", _signer_name(people, "chair")),
        left_signature=Signature("THƯ KÝ", "", "", _signer_name(people, "secretary")),
        file_stem=f"bien-ban-kiem-phieu-{bloc.slug}-{year.year}-v{record.revision if record is not None else 1}",
    )


# --- the submission (tờ trình) of one proposal ----------------------------------------------------------


def letter_legal_bases(proposal: Proposal, day: datetime.date, record=None) -> list[str]:
    """The legal bases the letter cites: those it was issued with, else its year's own, else the law on emulation
    and commendation in force on its date (settings.AWARDS_LEGAL_BASES)."""
    if record is not None and record.is_issued and record.legal_bases:
        return list(record.legal_bases)
    return legal_bases_for(proposal.award_kind.year, day)


def _regulation_basis(bloc: Bloc) -> str:
    if not bloc.regulation_title.strip():
        return ""
    text = f"Căn cứ {bloc.regulation_title.strip()}"
    number = bloc.regulation_number.strip()
    if number:
        text += f" số {number}" if "/QC" in number.upper() else f" ban hành kèm theo Quyết định số {number}"
    if bloc.regulation_date:
        text += f" ngày {bloc.regulation_date:%d/%m/%Y}"
    if bloc.regulation_issuer.strip():
        text += f" của {bloc.regulation_issuer.strip()}"
    return text + ";"


TRUONG_KHOI = re.compile(r",?\s*Trưởng [Kk]hối\b.*$", re.S)


def _position_line(position: str) -> str:
    """The signer's own office, upper case, under "TRƯỞNG KHỐI": "Chánh Thanh tra tỉnh, Trưởng Khối thi đua Nội
    chính năm 2020" → "CHÁNH THANH TRA TỈNH" (the bloc's part is already the line above)."""
    return TRUONG_KHOI.sub("", " ".join(position.split())).strip(" ,;.").upper()


def letter_signer(year: EmulationYear) -> tuple[str, str]:
    """(name, position) of the leader unit's head who signs for the bloc, from that year's records only, as the
    year's other documents name them: the chair of its conference minutes (the same day's minutes and report),
    else the signer of its conference plan (what those minutes default their chair to), else the leader unit's
    covenant registration of that year; ("", "") when none names anyone. Never another year's: a unit's head
    changes."""
    minutes = conference_minutes_of(year)
    if minutes is not None and minutes.chair_name.strip():
        return minutes.chair_name.strip(), minutes.chair_position.strip()
    plan = year.plans.order_by("-version").first()
    if plan is not None and plan.signer_name.strip():
        return plan.signer_name.strip(), plan.signer_position.strip()
    registration = CovenantRegistration.objects.filter(year=year, unit=year.leader).exclude(signatory_name="").first()
    if registration is not None:
        return registration.signatory_name.strip(), registration.signatory_position.strip()
    return "", ""


def letter_signature(proposal: Proposal, record=None) -> Signature:
    """TM. the bloc, TRƯỞNG KHỐI, the signer's office and name: those the letter was issued with, else the year's
    (`letter_signer`); a dotted line for a name nobody recorded."""
    bloc = proposal.award_kind.year.bloc
    if record is not None and record.is_issued and record.signer_name:
        name, position = record.signer_name, record.signer_position
    else:
        name, position = letter_signer(proposal.award_kind.year)
    return Signature(f"TM. {bloc.issuer_name}", "TRƯỞNG KHỐI", _position_line(position), name or DOTS)


def _legal_basis_blocks(lines: list[str]) -> list[Block]:
    """Each "Căn cứ …" line of the preamble in italics (Appendix I II.6.a), ending with ";", the last with "."."""
    texts = [line.strip().rstrip(";,. ") for line in lines if line.strip()]
    return [Block("legal_basis", text + ("." if i == len(texts) - 1 else ";")) for i, text in enumerate(texts)]


def submission_day(proposal: Proposal) -> datetime.date:
    """The letter's date unless it is issued with another: the day the ballot's result was published."""
    ballot = proposal.ballot
    return timezone.localdate(ballot.published_at) if ballot.published_at else timezone.localdate()


def letter_day(proposal: Proposal, record=None) -> datetime.date:
    """The date the letter bears: the one it was issued with (`SubmissionLetter.dated`), else `submission_day`."""
    return record.dated if record is not None and record.dated else submission_day(proposal)


def submission_document(proposal: Proposal, record=None) -> OfficialDocument:
    """Tờ trình: the bloc asks the province's Emulation and Commendation Council to propose one unit for an
    award, on the strength of its score, rank and the conference's vote, citing the legal bases of its year. `record`
    (its `SubmissionLetter`) gives the number, the date and the bases once issued."""
    kind = proposal.award_kind
    year = kind.year
    bloc = year.bloc
    ballot = proposal.ballot
    unit = proposal.unit
    province = bloc.province.name
    candidate = next((c for c in ballot.candidates.all() if c.unit_id == unit.pk), None)
    deadline = conference_deadline(year)
    day = letter_day(proposal, record)
    meeting = timezone.localdate(deadline.due_at) if deadline else timezone.localdate(ballot.closed_at or day)
    council = f"Hội đồng Thi đua - Khen thưởng tỉnh {province}"
    bases = list(letter_legal_bases(proposal, day, record))
    regulation = _regulation_basis(bloc)
    if regulation:
        bases.append(regulation)
    conference = (
        deadline.title if deadline else ""
    ) or f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {year.year}"
    bases.append(
        f"Căn cứ kết quả chấm điểm, xếp hạng thi đua năm {year.year} của Khối và kết quả bình xét, suy tôn "
        f"bằng phiếu kín tại {conference} ngày {meeting:%d/%m/%Y}"
    )
    blocks = [
        Block("center", f"Kính gửi: {council}"),
        Block("center", "(qua Ban Thi đua - Khen thưởng, Sở Nội vụ)"),
        *_legal_basis_blocks(bases),
    ]
    blocks.append(
        Block(
            "paragraph",
            f"{bloc_title(bloc)} kính trình {council} xem xét, đề nghị {award_request(kind)} năm {year.year} cho:",
        )
    )
    blocks.append(Block("center", f"**{unit.name}**"))
    den = denominator_count(ballot)
    achievement = f"Năm {year.year}, {unit.name}"
    facts = []
    if candidate is not None and candidate.total is not None:
        facts.append(f"đạt tổng số {number_text(candidate.total)} điểm")
    if candidate is not None and candidate.rank is not None:
        facts.append(f"xếp thứ {candidate.rank}/{ballot.member_count or den} đơn vị thành viên của Khối")
    if candidate is not None and candidate.classification:
        facts.append(f"xếp loại {candidate.classification}")
    if facts:
        achievement += " " + ", ".join(facts) + ";"
    of_whom = "đơn vị có mặt" if ballot.denominator == "present" else "đơn vị thành viên"
    threshold = f"{number_text(ballot.threshold_percent)}%"
    threshold = f"trên {threshold}" if ballot.threshold_strict else f"từ {threshold} trở lên"
    achievement += (
        f" được {proposal.votes}/{den} {of_whom} bỏ phiếu đồng ý, đạt {percent_text(proposal.votes, den)} "
        f"(Quy chế của Khối yêu cầu {threshold})."
    )
    blocks += [
        Block("paragraph", achievement),
        Block("paragraph", "*(Có báo cáo thành tích của đơn vị và biên bản kiểm phiếu của Khối kèm theo).*"),
        Block("paragraph", f"{bloc_title(bloc)} kính trình {council} xem xét, quyết định./."),
    ]
    return OfficialDocument(
        header=_header(bloc, "TTr", day, record.number if record is not None else None),
        doc_type="TỜ TRÌNH",
        title_lines=[f"Về việc đề nghị tặng {kind.name} năm {year.year}"],
        blocks=blocks,
        recipients=[Recipient("Như trên"), Recipient(unit.name), Recipient(f"Lưu: VT, {year.leader.code}")],
        signature=letter_signature(proposal, record),
        file_stem=f"to-trinh-{bloc.slug}-{year.year}-{kind.code}-{unit.code}"
        + (f"-v{record.revision}" if record is not None else ""),
    )
