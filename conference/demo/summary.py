"""Demo data: the draft of the bloc's 2020 summary report, written by Thanh tra tỉnh through the real services
(quoting Công an tỉnh's summary) and left in draft: a journey sends it for comments and issues it. Idempotent:
a report already there is left as it is. The narrative is invented for the demo, in the wording of such
reports."""

from django.db import transaction

from blocs.models import EmulationYear, Person
from reports import demo as reports_demo

from ..models import SummaryReport
from ..services import summary as services

SIGNER = ("CHÁNH THANH TRA TỈNH", "Nguyễn Văn Thắng")

RESULTS_2020 = [
    "Năm 2020, trong bối cảnh dịch Covid-19 diễn biến phức tạp, các đơn vị thành viên Khối thi đua Nội chính đã "
    "bám sát nhiệm vụ chính trị được giao, cụ thể hóa các phong trào thi đua bằng kế hoạch, chỉ tiêu cụ thể, gắn "
    "với thực hiện nhiệm vụ chuyên môn của từng ngành; 100% đơn vị ký kết giao ước thi đua ngay từ đầu năm.",
    "Các phong trào thi đua yêu nước được triển khai sâu rộng, thiết thực: phong trào **“Toàn dân bảo vệ an ninh "
    "Tổ quốc”**, **“Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở”**, **“Chung tay phòng, chống "
    "dịch Covid-19”**; thi đua lập thành tích chào mừng Đại hội Đảng bộ các cấp, tiến tới Đại hội đại biểu toàn "
    "quốc lần thứ XIII của Đảng.",
    "- Các đơn vị hoàn thành và hoàn thành vượt mức các chỉ tiêu đã đăng ký; nhiều chỉ tiêu cao hơn năm 2019;",
    "- Công tác phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến được quan tâm: toàn Khối xây dựng 57 mô hình, "
    "điển hình tiên tiến, được các cấp ghi nhận;",
    "- Công tác khen thưởng bảo đảm đúng người, đúng thành tích, kịp thời; chú trọng khen thưởng cán bộ, chiến sĩ "
    "trực tiếp thực hiện nhiệm vụ.",
]
LIMITATIONS_2020 = [
    "Hình thức tổ chức một số phong trào thi đua chưa phong phú; việc sơ kết, tổng kết, nhân rộng điển hình tiên "
    "tiến ở một số đơn vị còn chậm.",
    "Một số đơn vị gửi báo cáo, bảng tự chấm điểm chưa đúng thời hạn; nội dung báo cáo có nơi còn chung chung, "
    "chưa có số liệu so sánh.",
    "*Nguyên nhân:* do ảnh hưởng của dịch Covid-19, các hoạt động giao lưu, trao đổi kinh nghiệm giữa các đơn vị "
    "trong Khối bị hạn chế; một số cán bộ làm công tác thi đua, khen thưởng kiêm nhiệm, thường xuyên thay đổi.",
]
LESSONS_2020 = [
    "- Cấp ủy, lãnh đạo đơn vị quan tâm, trực tiếp chỉ đạo phong trào thi đua là yếu tố quyết định;",
    "- Nội dung thi đua phải gắn với nhiệm vụ chính trị, có chỉ tiêu cụ thể, dễ đánh giá;",
    "- Phát huy vai trò của đơn vị Trưởng Khối trong đôn đốc, theo dõi; đề cao trách nhiệm phối hợp giữa các đơn "
    "vị thành viên.",
]
DIRECTIONS_2021 = [
    "Tiếp tục quán triệt, thực hiện Luật Thi đua, khen thưởng và các văn bản hướng dẫn; đổi mới nội dung, hình "
    "thức tổ chức các phong trào thi đua, gắn với thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVII.",
    "- Các đơn vị thành viên đăng ký giao ước thi đua năm 2021 với đơn vị Trưởng Khối ngay từ đầu năm;",
    "- Thực hiện nghiêm chế độ thông tin, báo cáo; gửi báo cáo, bảng tự chấm điểm đúng thời hạn;",
    "- Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến; đề xuất khen thưởng kịp thời các tập thể, cá nhân "
    "có thành tích xuất sắc;",
    "- Đơn vị Trưởng Khối năm 2021 xây dựng kế hoạch hoạt động, tổ chức giao lưu, trao đổi kinh nghiệm giữa các "
    "đơn vị trong Khối.",
]


def _officer(unit):
    return Person.objects.filter(unit=unit).select_related("user").order_by("pk").first().user


@transaction.atomic
def seed_summary_demo(year: EmulationYear | None = None) -> SummaryReport:
    """The draft of the bloc's 2020 summary report (the internal-affairs bloc's year by default). The units'
    reports it compiles and quotes are reports.demo.seed_submissions' (run first if they are not there)."""
    if year is None:
        year = EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(
            bloc__slug="ktdnc", year=2020
        )
    if year.bloc.slug == "ktdnc" and year.year == 2020:
        reports_demo.seed_submissions()
    existing = services.current_summary(year)
    if existing is not None:
        return existing
    leader_user = _officer(year.leader)
    summary = services.initial_summary(year)
    results = list(RESULTS_2020)
    source = next((s for s in services.quotable_summaries(year) if s.unit.code == "CAT"), None)
    if source is not None:
        results.insert(2, services.quote_text(source))
    summary.results = "\n".join(results)
    summary.limitations = "\n".join(LIMITATIONS_2020)
    summary.lessons = "\n".join(LESSONS_2020)
    summary.directions = "\n".join(DIRECTIONS_2021)
    summary.signer_position, summary.signer_name = SIGNER
    return services.summary_save(summary=summary, expected_version=None, by=leader_user)
