"""The year's covenant as an official document (Bản giao ước thi đua): preamble, each unit's targets and titles
as it last sent them, the signatures of every member unit's head, and the leader's "TM. KHỐI THI ĐUA".

core.documents has one signature block per document (bottom right, beside "Nơi nhận"): the leader's goes
there, and the other units' heads sign in a block of lines above it ("ĐẠI DIỆN CÁC ĐƠN VỊ THÀNH VIÊN"), one
unit after another, each with room to sign.
"""

from core.documents import Block, Header, OfficialDocument, Recipient, Signature

from .covenant import last_sent_versions
from .models import Covenant
from .selectors import members_in_year

SIGNING_SPACE = "\u00a0"  # a line that keeps its height in HTML and DOCX: room for a signature


def _sentence(text: str) -> str:
    """A target as a list item: the text as typed, ending with ";" like the other lines of the list."""
    return text.rstrip(" .;,") + ";"


def covenant_document(covenant: Covenant) -> OfficialDocument:
    year = covenant.year
    bloc = year.bloc
    members = list(members_in_year(bloc=bloc, year=year.year))
    sent = last_sent_versions(year)
    blocks: list[Block] = [Block("paragraph", line) for line in covenant.preamble.splitlines() if line.strip()]
    blocks.append(Block("section", "I. CHỈ TIÊU, NHIỆM VỤ VÀ DANH HIỆU THI ĐUA ĐĂNG KÝ"))
    for i, unit in enumerate(members, start=1):
        role = " (Đơn vị Trưởng khối)" if unit.pk == year.leader_id else ""
        blocks.append(Block("heading", f"{i}. {unit.name}{role}"))
        version = sent.get(unit.pk)
        if version is None:  # only in a draft: issuing needs every unit's registration
            blocks.append(Block("paragraph", "*(Đơn vị chưa gửi đăng ký thi đua.)*"))
            continue
        blocks += [Block("bullet", f"- {_sentence(target)}") for target in version.targets]
        titles = version.titles.strip().rstrip(" .;")
        blocks.append(Block("bullet", f"- **Đăng ký danh hiệu thi đua, hình thức khen thưởng:** {titles}."))
    closing = [line for line in covenant.closing.splitlines() if line.strip()]
    if closing:
        blocks.append(Block("section", "II. TỔ CHỨC THỰC HIỆN"))
        blocks += [Block("paragraph", line) for line in closing]
    others = [u for u in members if u.pk != year.leader_id]
    if others:
        blocks.append(Block("section", "ĐẠI DIỆN CÁC ĐƠN VỊ THÀNH VIÊN"))
        for unit in others:
            version = sent.get(unit.pk)
            blocks.append(Block("heading", f"ĐẠI DIỆN {unit.name.upper()}"))
            if version is not None and version.signatory_position:
                blocks.append(Block("line", f"**{version.signatory_position.upper()}**"))
            blocks += [Block("line", SIGNING_SPACE), Block("line", SIGNING_SPACE)]
            blocks.append(Block("line", f"**{version.signatory_name}**" if version else SIGNING_SPACE))
            blocks.append(Block("line", SIGNING_SPACE))  # apart from the next unit's lines
    leader_version = sent.get(year.leader_id)
    return OfficialDocument(
        header=Header(
            parent_body=bloc.province.header_name,
            issuer=bloc.issuer_name,
            number=covenant.number_text,
            place=covenant.place,
            date=covenant.issued_on,
        ),
        doc_type=f"BẢN GIAO ƯỚC THI ĐUA NĂM {year.year}",
        title_lines=[f"giữa các đơn vị thành viên {bloc.name}"],
        blocks=blocks,
        recipients=[
            Recipient("Ban Thi đua - Khen thưởng tỉnh", "B/cáo"),
            Recipient("Các đơn vị thành viên Khối", "T/hiện"),
            Recipient("Lưu: VT"),
        ],
        signature=Signature(
            authority="TM. KHỐI THI ĐUA",
            body="TRƯỞNG KHỐI",
            position=f"{leader_version.signatory_position} {year.leader.name}".upper() if leader_version else "",
            name=leader_version.signatory_name if leader_version else "",
        ),
        file_stem=f"giao-uoc-thi-dua-{bloc.slug}-{year.year}-v{covenant.version}",
    )
