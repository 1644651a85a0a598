"""Names sort in Vietnamese order, in Python and in the database (SQLite by a registered function, PostgreSQL
by the ICU collation a migration creates)."""

from blocs.models import Unit
from core.collation import vi_sort_key
from tests.factories import ProvinceFactory, UnitFactory

VIETNAMESE_ORDER = [
    "An Giang",
    "Anh",
    "Ăn uống",
    "Âm nhạc",
    "Bảo hiểm xã hội",
    "Công an tỉnh",
    "Dân tộc",
    "Đài Phát thanh và Truyền hình",
    "Hội Cựu chiến binh",
    "Ông",
    "Ơn",
    "Sở Tư pháp",
    "Ủy ban MTTQ",
    "Ưu tiên",
]


def test_python_sorts_by_the_vietnamese_alphabet_then_tones():
    assert sorted(VIETNAMESE_ORDER[1::2] + VIETNAMESE_ORDER[::2], key=vi_sort_key) == VIETNAMESE_ORDER
    assert sorted(["Áo", "Ào", "Ao", "Ạo", "Ảo", "Ão"], key=vi_sort_key) == ["Ao", "Ào", "Ảo", "Ão", "Áo", "Ạo"]


def test_the_database_orders_unit_names_the_same_way(db):
    province = ProvinceFactory()
    for i, name in enumerate(reversed(VIETNAMESE_ORDER)):
        UnitFactory(province=province, name=name, short_name=name, code=f"U{i}")

    assert list(Unit.objects.filter(province=province).order_by("name").values_list("name", flat=True)) == (
        VIETNAMESE_ORDER
    )
    assert list(Unit.objects.filter(province=province).order_by("short_name").values_list("short_name", flat=True)) == (
        VIETNAMESE_ORDER
    )
