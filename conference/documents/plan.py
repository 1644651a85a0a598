"""The conference plan as an official document (Decree 30), in the order and wording of the 2020 plan."""

import datetime

from blocs.selectors import members_in_year
from core.documents import Block, Header, OfficialDocument, Recipient, Signature

from ..enums import Actor
from ..models import ConferencePlan

WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]


def weekday(day: datetime.date) -> str:
    return WEEKDAYS[day.weekday()]


def clock(moment: datetime.time) -> str:
    """14:30 → "14h 30 phút"; 8:00 → "8h"."""
    return f"{moment.hour}h {moment.minute:02d} phút" if moment.minute else f"{moment.hour}h"


def total_delegates(plan: ConferencePlan, member_count: int) -> int:
    invited = sum(int(group.get("count") or 0) for group in plan.invited)
    return invited + plan.summoned_per_unit * member_count


def _task_line(task) -> Block:
    text = task.text.strip()
    if task.note:
        text = f"{text.rstrip('.')} (*{task.note}*)."
    return Block("bullet", f"- {text}")


def issuer_name(bloc) -> str:
    """ "KHỐI THI ĐUA NỘI CHÍNH" (Bloc.issuer_name)."""
    return bloc.issuer_name


def legal_basis_blocks(bases: list[str]) -> list[Block]:
    """Each legal basis on its own line, "Căn cứ …", in italics, ending with ";" and the last with "."
    (Decree 30, Appendix I, II.6.a). A basis typed with emphasis of its own keeps only the text."""
    texts = [" ".join(b.replace("*", "").split()).rstrip(";,.") for b in bases if b and b.strip()]
    texts = [t if t.lower().startswith("căn cứ") else f"Căn cứ {t}" for t in texts]
    return [Block("legal_basis", t + ("." if i == len(texts) - 1 else ";")) for i, t in enumerate(texts)]


def plan_document(plan: ConferencePlan) -> OfficialDocument:
    year = plan.year
    bloc = year.bloc
    members = list(members_in_year(bloc=bloc, year=year.year))
    tasks = list(plan.tasks.all())
    blocks: list[Block] = []
    blocks += legal_basis_blocks(plan.legal_bases)
    if plan.preamble_closing.strip():
        blocks.append(Block("paragraph", plan.preamble_closing.strip()))
    blocks += [
        Block("section", "I. MỤC ĐÍCH, YÊU CẦU"),
        Block("heading", "1. Mục đích"),
        Block("paragraph", plan.purpose),
        Block("heading", "2. Yêu cầu"),
        Block("paragraph", plan.requirements),
        Block("section", "II. NỘI DUNG"),
        Block("heading", "1. Nội dung Hội nghị"),
        *[Block("bullet", f"- {item}") for item in plan.agenda],
        Block("heading", "2. Thành phần dự hội nghị"),
        Block("subheading", "a. Đại biểu mời tham dự Hội nghị"),
        *[Block("bullet", f"- {group['name']}") for group in plan.invited],
        Block("subheading", "b. Đại biểu triệu tập"),
        Block("paragraph", plan.summoned_text),
        Block("line", f"Tổng số: {total_delegates(plan, len(members))} người"),
        Block("heading", "3. Thời gian, địa điểm tổ chức hội nghị"),
        Block(
            "bullet",
            f"- **Thời gian:** dự kiến {plan.duration}, từ {clock(plan.start_time)} ngày "
            f"**{plan.conference_date:%d/%m/%Y} ({weekday(plan.conference_date)})**",
        ),
        Block("bullet", f"- **Địa điểm:** {plan.venue.rstrip('.')}."),
        Block("heading", "4. Kinh phí tổ chức hội nghị"),
        Block("paragraph", plan.funding),
    ]
    for share in plan.contributions.select_related("unit").order_by("unit__name"):
        if share.waived:
            blocks.append(Block("bullet", f"- {share.unit.name}: miễn đóng góp ({share.reason})."))
        else:
            blocks.append(Block("bullet", f"- {share.unit.name}: {share.amount:,.0f} đồng.".replace(",", ".")))
    leader_name = year.leader.short_name
    blocks += [
        Block("section", "III. TỔ CHỨC THỰC HIỆN"),
        Block("heading", f"1. {leader_name} - Đơn vị Trưởng Khối thi đua năm {year.year}"),
        *[_task_line(t) for t in tasks if t.actor == Actor.LEADER],
        Block("heading", "2. Các đơn vị thành viên trong Khối thi đua"),
        *[_task_line(t) for t in tasks if t.actor == Actor.MEMBERS],
        *[_task_line(t) for t in tasks if t.actor == Actor.NEXT_LEADER],
    ]
    if plan.closing:
        blocks.append(Block("paragraph", plan.closing))
    title_lines = [plan.title] + ([plan.title_suffix] if plan.title_suffix else [])
    return OfficialDocument(
        header=Header(
            parent_body=bloc.province.header_name,
            issuer=issuer_name(bloc),
            number=plan.number_text,
            place=plan.place,
            date=plan.issued_on,
        ),
        doc_type="KẾ HOẠCH",
        title_lines=title_lines,
        blocks=blocks,
        recipients=[Recipient(r["name"], r.get("purpose", "")) for r in plan.recipients],
        signature=Signature(plan.signer_authority, plan.signer_body, plan.signer_position, plan.signer_name),
        file_stem=f"ke-hoach-{bloc.slug}-{year.year}-v{plan.version}",
    )
