"""The conference minutes as an official document (Decree 30): Biên bản Hội nghị tổng kết, with the published
ranking and the results of the published ballots as their records store them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from awards.enums import BallotKind, BallotMethod, CandidateRole, Outcome
from awards.models import Ballot
from awards.selectors import denominator_count
from core.documents import Block, Header, OfficialDocument, Recipient, Signature

from ..documents.plan import issuer_name, weekday
from ..models import ConferenceMinutes
from ..services.minutes import published_ballots, published_ranking, title_lines

# Document wording is Vietnamese whatever the interface language.
AWARD_OUTCOME = {
    Outcome.ELECTED: "được suy tôn, đề nghị khen thưởng",
    Outcome.NOT_ELECTED: "không được đề nghị (ngoài chỉ tiêu)",
    Outcome.BELOW_THRESHOLD: "không đạt tỷ lệ phiếu đồng ý",
    Outcome.RUNOFF: "bằng số phiếu, bỏ phiếu lại",
}
ELECTION_OUTCOME = {
    Outcome.ELECTED: "trúng cử",
    Outcome.NOT_ELECTED: "không trúng cử",
    Outcome.BELOW_THRESHOLD: "không trúng cử (không đạt tỷ lệ phiếu đồng ý)",
    Outcome.RUNOFF: "bằng số phiếu, bỏ phiếu lại",
}
ROLE = {CandidateRole.LEADER: "Đơn vị Trưởng Khối", CandidateRole.DEPUTY: "Đơn vị Phó Trưởng Khối"}
DENOMINATOR = {"members": "tổng số đơn vị thành viên", "present": "số đơn vị có mặt"}


def clock(moment: datetime.time) -> str:
    """14:30 → "14 giờ 30 phút"; 17:00 → "17 giờ 00 phút" (the wording of minutes)."""
    return f"{moment.hour} giờ {moment.minute:02d} phút"


def number(value: Decimal | int | float) -> str:
    """92.50 → "92,5"; 96.00 → "96" (the Vietnamese decimal comma)."""
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _listed(lines: list[str]) -> list[Block]:
    """Lines as a list: each starts with "-" and ends with ";", the last with "." (as Decree 30 lists read)."""
    items = [line.removeprefix("-").strip().rstrip(";.,") for line in lines]
    return [Block("bullet", f"- {item}{'.' if i == len(items) - 1 else ';'}") for i, item in enumerate(items)]


def _narrative(text: str) -> list[Block]:
    """A paragraph a line; a line written as "- …" stays a list item."""
    return [Block("bullet" if line.startswith("- ") else "paragraph", line) for line in _lines(text)]


def _turnout(ballot: Ballot) -> list[Block]:
    comparison = "trên" if ballot.threshold_strict else "từ"
    counted = DENOMINATOR.get(ballot.denominator, DENOMINATOR["members"])
    subject = "Đơn vị được suy tôn" if ballot.kind == BallotKind.AWARD else "Đơn vị trúng cử"
    text = (
        f"Tổng số đơn vị thành viên: {ballot.member_count or 0}; số đơn vị có mặt: {ballot.present_count or 0}. "
        f"{subject} phải được {comparison} {number(ballot.threshold_percent)}% {counted} bỏ phiếu đồng ý"
    )
    if ballot.kind == BallotKind.AWARD:
        text += f"; chỉ tiêu: {ballot.quota} đơn vị"
    blocks = [Block("paragraph", text + ".")]
    if ballot.method == BallotMethod.PAPER and ballot.paper_returned is not None:
        valid = ballot.paper_returned - (ballot.paper_invalid or 0)
        blocks.append(
            Block(
                "paragraph",
                f"Số phiếu phát ra: {ballot.paper_issued or 0}; số phiếu thu về: {ballot.paper_returned}; "
                f"số phiếu hợp lệ: {valid}; số phiếu không hợp lệ: {ballot.paper_invalid or 0}.",
            )
        )
    return blocks


def _votes(ballot: Ballot, candidate) -> str:
    denominator = denominator_count(ballot)
    votes = candidate.votes or 0
    share = f" ({number(Decimal(votes * 100) / denominator)}%)" if denominator else ""
    return f"{votes}/{denominator} phiếu đồng ý{share}"


def _award_blocks(ballots: list[Ballot]) -> list[Block]:
    blocks = []
    for letter, ballot in zip("abcdefghiklmnopqrstuvxy", ballots, strict=False):
        kind_name = ballot.award_kind.name if ballot.award_kind else ballot.title
        round_note = f" (bỏ phiếu lần {ballot.round})" if ballot.round > 1 else ""
        blocks.append(Block("subheading", f"{letter}) {kind_name}{round_note}"))
        blocks += _turnout(ballot)
        candidates = list(ballot.candidates.all())
        blocks += _listed(
            [f"{c.unit.name}: {_votes(ballot, c)} - {AWARD_OUTCOME.get(c.outcome, '')}" for c in candidates]
        )
        elected = [c.unit.name for c in candidates if c.outcome == Outcome.ELECTED]
        if elected:
            blocks.append(
                Block(
                    "paragraph",
                    f"Hội nghị thống nhất đề nghị tặng {kind_name} cho: **{', '.join(elected)}**.",
                )
            )
    return blocks


def _election_blocks(ballots: list[Ballot]) -> list[Block]:
    blocks = []
    for ballot in ballots:
        if ballot.round > 1:
            blocks.append(Block("subheading", f"Bỏ phiếu lần {ballot.round}"))
        blocks += _turnout(ballot)
        blocks += _listed(
            [
                f"{ROLE.get(c.role, 'Đơn vị')}: {c.unit.name}: {_votes(ballot, c)} - "
                f"{ELECTION_OUTCOME.get(c.outcome, '')}"
                for c in ballot.candidates.all()
            ]
        )
    return blocks


def _ranking_blocks(rows) -> list[Block]:
    lines = [
        f"Xếp thứ {row.rank}: {row.unit.name} - {number(row.reviewed_total)} điểm"
        + (f" ({row.classification})" if row.classification else "")
        for row in rows
    ]
    return _listed(lines)


def minutes_recipients(bloc) -> list[Recipient]:
    """Nơi nhận of a biên bản (Mẫu 1.9): the province's board, the member units, and the file copy."""
    return [
        Recipient("Ban Thi đua - Khen thưởng tỉnh"),
        Recipient(f"Các đơn vị thành viên {bloc.name}"),
        Recipient("Lưu: VT, Hồ sơ"),
    ]


def signatures(minutes: ConferenceMinutes) -> tuple[Signature, Signature]:
    """(the secretary's, the chair's): THƯ KÝ on the left, CHỦ TRÌ HỘI NGHỊ on the right."""
    return (
        Signature("THƯ KÝ", "", "", minutes.secretary_name),
        Signature("CHỦ TRÌ HỘI NGHỊ", "", "", minutes.chair_name),
    )


def minutes_document(minutes: ConferenceMinutes) -> OfficialDocument:
    year = minutes.year
    bloc = year.bloc
    held = timezone.localtime(minutes.held_at)
    ballots = published_ballots(year)
    awards = [b for b in ballots if b.kind == BallotKind.AWARD]
    elections = [b for b in ballots if b.kind == BallotKind.ELECTION]
    ranking = published_ranking(year)

    blocks = [
        Block(
            "paragraph",
            f"Hôm nay, vào hồi {clock(held.time())}, ngày {held:%d/%m/%Y} ({weekday(held.date())}), tại "
            f"{minutes.place.strip().rstrip('.') or '…'}, {bloc.name} tổ chức Hội nghị tổng kết công tác thi đua, "
            f"khen thưởng năm {year.year}.",
        ),
        Block("section", "I. THÀNH PHẦN THAM DỰ"),
    ]
    part = 0
    guests = _lines(minutes.guests)
    if guests:
        part += 1
        blocks += [Block("heading", f"{part}. Đại biểu mời"), *_listed(guests)]
    members = _lines(minutes.members_present)
    if members:
        part += 1
        blocks += [Block("heading", f"{part}. Đại biểu các đơn vị thành viên {bloc.name}"), *_listed(members)]
    part += 1
    blocks += [
        Block("heading", f"{part}. Chủ trì, thư ký Hội nghị"),
        Block("bullet", f"- Chủ trì: đồng chí {minutes.chair_name or '…'}" + _after(minutes.chair_position) + ";"),
        Block(
            "bullet",
            f"- Thư ký: đồng chí {minutes.secretary_name or '…'}" + _after(minutes.secretary_position) + ".",
        ),
        Block("section", "II. NỘI DUNG HỘI NGHỊ"),
    ]
    part = 1
    blocks += [Block("heading", f"{part}. Diễn biến Hội nghị"), *_narrative(minutes.proceedings)]
    if ranking:
        part += 1
        blocks += [
            Block("heading", f"{part}. Công bố kết quả chấm điểm"),
            Block(
                "paragraph",
                f"Hội nghị công bố kết quả chấm điểm, xếp hạng công tác thi đua, khen thưởng năm {year.year} của "
                "các đơn vị thành viên như sau:",
            ),
            *_ranking_blocks(ranking),
        ]
    if awards:
        part += 1
        blocks += [
            Block("heading", f"{part}. Kết quả bình xét, suy tôn"),
            Block(
                "paragraph",
                "Hội nghị tiến hành bình xét, suy tôn bằng hình thức bỏ phiếu kín; kết quả kiểm phiếu như sau:",
            ),
            *_award_blocks(awards),
        ]
    if elections:
        part += 1
        blocks += [
            Block("heading", f"{part}. Kết quả bầu đơn vị Trưởng khối, Phó Trưởng khối năm {year.year + 1}"),
            *_election_blocks(elections),
        ]
    blocks += [Block("section", "III. KẾT LUẬN"), *_narrative(minutes.conclusion)]
    ended = f"vào hồi {clock(minutes.ended_at)} " if minutes.ended_at else ""
    blocks.append(
        Block("paragraph", f"Hội nghị kết thúc {ended}cùng ngày. Biên bản đã được thông qua trước Hội nghị./.")
    )
    secretary, chair = signatures(minutes)
    return OfficialDocument(
        header=Header(
            parent_body=bloc.province.header_name,
            issuer=issuer_name(bloc),
            number=minutes.number_text,
            place=bloc.province.name,
            date=held.date(),
            dated_line=False,  # Mẫu 1.9: the minutes say when and where in their first paragraph
        ),
        doc_type="BIÊN BẢN",
        title_lines=title_lines(year),
        blocks=blocks,
        signature=chair,
        left_signature=secretary,
        recipients=minutes_recipients(bloc),
        file_stem=f"bien-ban-hoi-nghi-{bloc.slug}-{year.year}-v{minutes.revision}",
    )


def _after(position: str) -> str:
    position = (position or "").strip().rstrip(";.")
    return f" - {position}" if position else ""
