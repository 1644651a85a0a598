"""A meeting's minutes as an official document (Decree 30): Biên bản Hội nghị sơ kết 6 tháng (or of a thematic or
extraordinary meeting), titled by the meeting's kind, naming the presenter's unit and the invited guests."""

from django.utils import timezone

from core.documents import Block, Header, OfficialDocument, Recipient, Signature

from ..models import MeetingMinutes
from ..services.meetings import meeting_title
from .minutes import _after, _lines, _listed, _narrative, clock, minutes_recipients, signatures
from .plan import issuer_name, weekday


def title_lines(minutes: MeetingMinutes) -> list[str]:
    return [meeting_title(minutes.meeting), f"của {minutes.meeting.year.bloc.name}"]


def meeting_minutes_document(minutes: MeetingMinutes) -> OfficialDocument:
    meeting = minutes.meeting
    year = meeting.year
    bloc = year.bloc
    held = timezone.localtime(minutes.held_at)
    blocks = [
        Block(
            "paragraph",
            f"Hôm nay, vào hồi {clock(held.time())}, ngày {held:%d/%m/%Y} ({weekday(held.date())}), tại "
            f"{minutes.place.strip().rstrip('.') or '…'}, {bloc.name} tổ chức {meeting_title(meeting)}.",
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
        Block("heading", f"{part}. Chủ trì, thư ký"),
        Block("bullet", f"- Chủ trì: đồng chí {minutes.chair_name or '…'}" + _after(minutes.chair_position) + ";"),
        Block(
            "bullet",
            f"- Thư ký: đồng chí {minutes.secretary_name or '…'}" + _after(minutes.secretary_position) + ".",
        ),
        Block("section", "II. NỘI DUNG"),
        *_narrative(minutes.proceedings),
        Block("section", "III. KẾT LUẬN"),
        *_narrative(minutes.conclusion),
    ]
    ended = f"vào hồi {clock(minutes.ended_at)} " if minutes.ended_at else ""
    blocks.append(Block("paragraph", f"Hội nghị kết thúc {ended}cùng ngày. Biên bản đã được thông qua./."))
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
        title_lines=title_lines(minutes),
        blocks=blocks,
        signature=chair,
        left_signature=secretary,
        recipients=minutes_recipients(bloc),
        file_stem=f"bien-ban-{meeting.kind.replace('_', '-')}-{bloc.slug}-{year.year}-{meeting.pk}-v{minutes.revision}",
    )


def meeting_plan_document(plan) -> OfficialDocument:
    """Kế hoạch tổ chức of a meeting (Decree 30): purpose and requirements, the agenda, participants, time and
    place, and who prepares what."""
    meeting = plan.meeting
    year = meeting.year
    bloc = year.bloc
    held = timezone.localtime(meeting.held_at)
    blocks = [
        Block("section", "I. MỤC ĐÍCH, YÊU CẦU"),
        Block("heading", "1. Mục đích"),
        *_narrative(plan.purpose),
        Block("heading", "2. Yêu cầu"),
        *_narrative(plan.requirements),
        Block("section", "II. NỘI DUNG, THÀNH PHẦN, THỜI GIAN VÀ ĐỊA ĐIỂM"),
        Block("heading", "1. Nội dung"),
        *_listed(_lines(plan.agenda)),
        Block("heading", "2. Thành phần"),
        *_listed(_lines(plan.participants)),
        Block("heading", "3. Thời gian, địa điểm"),
        Block(
            "bullet",
            f"- **Thời gian:** {clock(held.time())}, ngày **{held:%d/%m/%Y} ({weekday(held.date())})**;",
        ),
        Block("bullet", f"- **Địa điểm:** {meeting.place.strip().rstrip('.')}."),
        Block("section", "III. TỔ CHỨC THỰC HIỆN"),
        *_listed(_lines(plan.preparations)),
    ]
    recipients = [Recipient(line, "") for line in _lines(plan.recipients)]
    return OfficialDocument(
        header=Header(
            parent_body=bloc.province.header_name,
            issuer=issuer_name(bloc),
            number=plan.number_text,
            place=plan.place,
            date=plan.dated,
        ),
        doc_type="KẾ HOẠCH",
        title_lines=[f"Tổ chức {meeting_title(meeting)}", f"của {bloc.name}"],
        blocks=blocks,
        recipients=recipients,
        signature=Signature(plan.signer_authority, plan.signer_body, plan.signer_position, plan.signer_name),
        file_stem=f"ke-hoach-{meeting.kind.replace('_', '-')}-{bloc.slug}-{year.year}-{meeting.pk}-v{plan.revision}",
    )
