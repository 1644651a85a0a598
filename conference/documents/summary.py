"""The bloc's summary report as an official document (Decree 30): Báo cáo tổng kết công tác thi đua, khen thưởng
năm N, the leader unit's narrative around the sections compiled from the records, in the usual order of such
reports: results (the members, the campaigns, reports on time, the ranking, the conference's vote and proposals,
next year's leaders), limitations and their causes, lessons, directions and tasks for N+1."""

import re

from awards.enums import ProposalStatus
from core.documents import Block, Header, OfficialDocument, Recipient, Signature

from ..documents.minutes import number as decimal
from ..models import SummaryReport
from ..services.summary import Compiled, compile_summary, title_lines

# Document wording is Vietnamese whatever the interface language.
REPORT_NAMES = {"year_report": "Báo cáo tổng kết", "summary_report": "Báo cáo tóm tắt"}
BULLET = re.compile(r"^[-+•]\s*")


def two_digits(n: int) -> str:
    """08, 12: counts of units are written with two digits in reports."""
    return f"{n:02d}"


def narrative(text: str) -> list[Block]:
    """A paragraph a line; a line written as "- …" or "+ …" is a list item."""
    blocks = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if BULLET.match(line):
            blocks.append(Block("bullet", "- " + BULLET.sub("", line)))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def _members(compiled: Compiled) -> list[Block]:
    year = compiled.year
    names = ", ".join(u.name for u in compiled.members)
    text = (
        f"Năm {year.year}, {year.bloc.name} gồm {two_digits(len(compiled.members))} đơn vị thành viên: {names}. "
        f"Đơn vị Trưởng Khối: {year.leader.name}"
    )
    text += f"; đơn vị Phó Trưởng Khối: {year.deputy.name}." if year.deputy else "."
    return [Block("paragraph", text)]


def _cell_text(cell) -> str:
    if cell.state == "on_time":
        return "Đúng hạn"
    if cell.state == "late":
        return f"Chậm {cell.late_days} ngày"
    if cell.state == "missing":
        return "Không gửi"
    return "Chưa đến hạn"


def _reports(compiled: Compiled) -> list[Block]:
    columns = compiled.reports
    if not columns:
        return [
            Block("paragraph", "Lịch công tác của Khối năm nay không đặt hạn gửi báo cáo cho các đơn vị thành viên.")
        ]
    sentences = []
    for column in columns:
        name = REPORT_NAMES.get(column.deadline.kind, column.deadline.title)
        parts = [f"{two_digits(column.on_time)} đơn vị gửi đúng hạn"]
        if column.late:
            parts.append(f"{two_digits(column.late)} đơn vị gửi chậm")
        if column.missing:
            parts.append(f"{two_digits(column.missing)} đơn vị không gửi")
        if column.pending:
            parts.append(f"{two_digits(column.pending)} đơn vị chưa gửi (chưa đến hạn)")
        sentences.append(f"{name}: {', '.join(parts)}")
    head = (
        "TT",
        "Đơn vị",
        *(f"{REPORT_NAMES.get(c.deadline.kind, c.deadline.title)} (hạn {c.deadline.due_at:%d/%m/%Y})" for c in columns),
    )
    rows = [head]
    for i, unit in enumerate(compiled.members, start=1):
        rows.append((str(i), unit.short_name, *(_cell_text(c.cells[unit.pk]) for c in columns)))
    widths = (1.2, 6, *([3.5] * len(columns)))
    return [
        Block(
            "paragraph",
            f"Thực hiện chế độ thông tin, báo cáo theo Kế hoạch của Khối: {'; '.join(sentences)}. Cụ thể như sau:",
        ),
        Block("table", rows=tuple(rows), align="cl" + "c" * len(columns), widths=widths),
    ]


def _ranking(compiled: Compiled) -> list[Block]:
    year = compiled.year
    if not compiled.ranking_published:
        return [Block("paragraph", "Kết quả chấm điểm, xếp hạng thi đua của các đơn vị thành viên chưa được công bố.")]
    rows = [("Xếp hạng", "Đơn vị", "Điểm tự chấm", "Điểm Khối chấm", "Xếp loại")]
    for row in compiled.ranking:
        rows.append(
            (
                str(row.rank),
                row.unit.short_name,
                decimal(row.self_total),
                decimal(row.reviewed_total),
                row.classification,
            )
        )
    return [
        Block(
            "paragraph",
            f"Trên cơ sở bảng tự chấm điểm của các đơn vị, {year.leader.name} - đơn vị Trưởng Khối đã thẩm định, chấm "
            f"điểm và công bố kết quả xếp hạng thi đua năm {year.year} của các đơn vị thành viên như sau:",
        ),
        Block("table", rows=tuple(rows), align="clrrc", widths=(2.2, 6, 2.2, 2.2, 2.2)),
    ]


def _decision(proposal) -> str:
    if proposal.status == ProposalStatus.APPROVED:
        text = "Đã được tặng"
        if proposal.decision_number:
            text += f" (QĐ số {proposal.decision_number}"
            text += f" ngày {proposal.decision_date:%d/%m/%Y})" if proposal.decision_date else ")"
        return text
    if proposal.status == ProposalStatus.REJECTED:
        text = "Không được phê duyệt"
        if proposal.decision_number:
            text += f" (QĐ số {proposal.decision_number})"
        return text
    if proposal.status == ProposalStatus.SUBMITTED:
        return "Đã trình, chờ quyết định"
    return "Đang hoàn thiện hồ sơ"


def _awards(compiled: Compiled) -> list[Block]:
    from awards.selectors import denominator_count

    if not compiled.award_ballots:
        return [
            Block(
                "paragraph",
                "Việc bình xét, suy tôn các đơn vị đề nghị khen thưởng được tiến hành tại Hội nghị tổng kết của Khối.",
            )
        ]
    kinds = []
    for ballot in compiled.award_ballots:
        name = ballot.award_kind.name
        if name not in kinds:
            kinds.append(name)
    runoffs = sum(1 for b in compiled.award_ballots if b.round > 1)
    text = (
        "Tại Hội nghị tổng kết, các đơn vị thành viên đã bình xét, suy tôn bằng hình thức bỏ phiếu kín, đề nghị "
        f"Ủy ban nhân dân tỉnh tặng {' và '.join(kinds)}"
    )
    text += f" (có {two_digits(runoffs)} lần bỏ phiếu lại do các đơn vị bằng số phiếu)." if runoffs else "."
    blocks = [Block("paragraph", text)]
    if compiled.proposals:
        rows = [("TT", "Hình thức khen thưởng", "Đơn vị được đề nghị", "Số phiếu đồng ý", "Kết quả")]
        for i, proposal in enumerate(compiled.proposals, start=1):
            ballot = proposal.ballot
            denominator = denominator_count(ballot)
            votes = f"{proposal.votes}/{denominator}" if denominator else str(proposal.votes)
            if ballot.round > 1:
                votes += f" (lần {ballot.round})"
            rows.append((str(i), proposal.award_kind.name, proposal.unit.short_name, votes, _decision(proposal)))
        blocks.append(Block("table", rows=tuple(rows), align="cllcl", widths=(1, 4.2, 3.6, 2.2, 5)))
    else:
        blocks.append(Block("paragraph", "Không có đơn vị nào đạt số phiếu đồng ý để đề nghị khen thưởng."))
    return blocks


def _next_leaders(compiled: Compiled) -> list[Block]:
    following = compiled.year.year + 1
    chosen = compiled.next
    if chosen.leader is None:
        return [
            Block(
                "paragraph",
                f"Việc giới thiệu, bầu đơn vị Trưởng Khối, Phó Trưởng Khối năm {following} được tiến hành tại Hội nghị "
                "tổng kết của Khối.",
            )
        ]

    def named(unit, votes: str) -> str:
        return f"**{unit.name}**" + (f" ({votes} phiếu đồng ý)" if votes else "")

    if compiled.election_ballots:
        text = f"Hội nghị đã bỏ phiếu kín bầu {named(chosen.leader, chosen.leader_votes)} làm đơn vị Trưởng Khối"
    else:
        text = f"Đơn vị Trưởng Khối năm {following}: {named(chosen.leader, chosen.leader_votes)}"
    if chosen.deputy is not None:
        if compiled.election_ballots:
            text += f", {named(chosen.deputy, chosen.deputy_votes)} làm đơn vị Phó Trưởng Khối"
        else:
            text += f"; đơn vị Phó Trưởng Khối: {named(chosen.deputy, chosen.deputy_votes)}"
    text += f" thi đua năm {following}." if compiled.election_ballots else "."
    return [Block("paragraph", text)]


def summary_blocks(summary: SummaryReport, compiled: Compiled) -> list[Block]:
    year = summary.year
    following = year.year + 1
    blocks = narrative(summary.introduction)
    blocks += [
        Block("section", f"I. KẾT QUẢ THỰC HIỆN CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM {year.year}"),
        Block("heading", "1. Đặc điểm tình hình"),
        *_members(compiled),
        Block("heading", "2. Kết quả thực hiện các phong trào thi đua"),
        *(narrative(summary.results) or [Block("paragraph", "…")]),
        Block("heading", "3. Việc thực hiện chế độ thông tin, báo cáo"),
        *_reports(compiled),
        Block("heading", "4. Kết quả chấm điểm, xếp hạng thi đua"),
        *_ranking(compiled),
        Block("heading", "5. Kết quả bình xét, suy tôn và đề nghị khen thưởng"),
        *_awards(compiled),
        Block("heading", f"6. Kết quả bầu đơn vị Trưởng Khối, Phó Trưởng Khối năm {following}"),
        *_next_leaders(compiled),
        Block("section", "II. HẠN CHẾ, NGUYÊN NHÂN"),
        *(narrative(summary.limitations) or [Block("paragraph", "…")]),
        Block("section", "III. BÀI HỌC KINH NGHIỆM"),
        *(narrative(summary.lessons) or [Block("paragraph", "…")]),
        Block("section", f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {following}"),
        *(narrative(summary.directions) or [Block("paragraph", "…")]),
        Block(
            "paragraph",
            f"Trên đây là Báo cáo tổng kết công tác thi đua, khen thưởng năm {year.year}, phương hướng, nhiệm vụ năm "
            f"{following} của {year.bloc.name}./.",
        ),
    ]
    return blocks


def recipients(summary: SummaryReport) -> list[Recipient]:
    """One a line; a trailing "(B/cáo)" is the purpose, printed the same."""
    result = []
    for line in (summary.recipients or "").splitlines():
        line = line.strip().lstrip("-").strip().rstrip(";.")
        if line:
            result.append(Recipient(line))
    return result


def summary_document(summary: SummaryReport, compiled: Compiled | None = None) -> OfficialDocument:
    year = summary.year
    bloc = year.bloc
    compiled = compiled if compiled is not None else compile_summary(year)
    return OfficialDocument(
        header=Header(
            parent_body=bloc.province.header_name,
            issuer=bloc.issuer_name,
            number=summary.number_text,
            place=summary.place or bloc.province.name,
            date=summary.dated,
        ),
        doc_type="BÁO CÁO",
        title_lines=title_lines(year),
        blocks=summary_blocks(summary, compiled),
        recipients=recipients(summary),
        signature=Signature(
            summary.signer_authority, summary.signer_body, summary.signer_position, summary.signer_name
        ),
        file_stem=f"bao-cao-tong-ket-{bloc.slug}-{year.year}-v{summary.revision}",
    )
