"""Call sheets as PDF, read back with a text extractor (a missing font renders blank
without an error, so nothing here is checked by looking at pixels)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from memberdesk.core.followups.callsheet_pdf import (
    EDGES,
    HEADER_H,
    HEADINGS_H,
    MARGIN,
    PAD,
    PAGE,
    SIZE,
    WIDTHS,
    build_callsheet_pdf,
    yuan,
)
from memberdesk.core.followups.lists import Period, followup_list
from memberdesk.core.followups.sms import save_template
from memberdesk.core.loyalty.program import presets
from memberdesk.core.loyalty.program_store import save_program
from memberdesk.core.members.tiers import set_tier
from memberdesk.core.money import format_fen
from memberdesk.core.pdf_fonts import text_width, wrap_text
from memberdesk.core.store.models import AuditEntry
from tests.conftest import missing


def pages_text(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def embedded_fonts(path: Path) -> set[str]:
    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


def test_the_right_members_are_on_the_sheet(shop, tmp_path: Path) -> None:
    store, fx, _ = shop
    fl = followup_list(store, "birthdays")
    out = build_callsheet_pdf(store, fx.owner, fl, tmp_path / "birthdays.pdf")
    text = "\n".join(pages_text(out.path))
    for name in ("张四月", "李农历", "周无同意", "欧阳<&>娜"):
        assert name in text
    for name in ("何农历", "赵五一", "孙三一", "吴冷却", "郑不联系", "冯注销", "陈冻结", "钱九十"):
        assert name not in text
    assert "农历三月初一生日，今年是 04-17" in text
    assert "8800000021" in text  # card number under the name
    assert "不同意营销" in text


def test_the_cjk_font_is_embedded(shop, tmp_path: Path) -> None:
    store, fx, _ = shop
    out = build_callsheet_pdf(
        store, fx.owner, followup_list(store, "birthdays"), tmp_path / "b.pdf"
    )
    assert "WenQuanYiMicroHei-0" in embedded_fonts(out.path)


def test_one_salesperson_per_page_with_header_and_page_numbers(shop, tmp_path: Path) -> None:
    store, fx, _ = shop
    out = build_callsheet_pdf(
        store, fx.owner, followup_list(store, "birthdays"), tmp_path / "b.pdf"
    )
    pages = pages_text(out.path)
    assert out.pages == len(pages) == 3
    for number, (page, salesperson) in enumerate(
        zip(pages, ["小林", "小美", "未分配导购"], strict=True), start=1
    ):
        assert f"第 {number} / 3 页" in page
        assert "测试小店 · 生日关怀" in page
        assert "期间：2026-04-01 至 2026-04-30" in page and "生成时间：2026-03-10 10:00" in page
        assert f"导购：{salesperson}" in page
        for other in {"小林", "小美", "未分配导购"} - {salesperson}:
            assert f"导购：{other}" not in page
    assert "张四月" in pages[0] and "李农历" in pages[0] and "周无同意" in pages[1]
    for label in ("接通", "未接", "预约到店", "不再联系", "联系日期", "备注", "建议话术"):
        assert label in pages[0]


def test_phones_are_full_only_for_roles_that_may_see_them(shop, tmp_path: Path) -> None:
    store, fx, _ = shop
    fl = followup_list(store, "birthdays")
    full = "\n".join(pages_text(build_callsheet_pdf(store, fx.lin, fl, tmp_path / "m.pdf").path))
    masked = "\n".join(pages_text(build_callsheet_pdf(store, fx.mei, fl, tmp_path / "c.pdf").path))
    phone = next(r.phone for r in fl.rows if r.name == "张四月")
    assert phone in full and phone not in masked
    assert f"{phone[:3]}****{phone[-4:]}" in masked
    with store.read() as s:
        audits = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "callsheet.full_phone")
        ).all()
    assert [a.staff_name for a in audits] == ["小林"]


def test_markup_in_names_notes_and_scripts_does_not_break_the_pdf(shop, tmp_path: Path) -> None:
    store, fx, _ = shop
    save_template(
        store,
        fx.owner,
        "birthdays",
        "问{name}好 <b>不是标签</b> & 祝 {points}<1000 分",
        script=True,
    )
    out = build_callsheet_pdf(
        store, fx.owner, followup_list(store, "birthdays"), tmp_path / "x.pdf"
    )
    text = re.sub(r"\s+", "", "".join(pages_text(out.path)))
    assert "欧阳<&>娜" in text
    assert "问欧阳<&>娜好<b>不是标签</b>&祝20<1000分" in text


def test_an_empty_list_still_makes_a_page(shop, tmp_path: Path) -> None:
    store, fx, _ = shop
    fl = followup_list(store, "bigspend", Period(date(2025, 1, 1), date(2025, 1, 7)))
    out = build_callsheet_pdf(store, fx.owner, fl, tmp_path / "empty.pdf")
    assert out.pages == 1 and "本期没有需要跟进的会员" in pages_text(out.path)[0]


def test_money_is_formatted_like_format_fen() -> None:
    for fen in (0, 5, 99, 100, 123456, 100000000, -1, -123456):
        assert yuan(fen) == format_fen(fen)


def test_a_page_renders_to_png(shop, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        missing("pdftoppm (poppler-utils) is not installed")
    store, fx, _ = shop
    out = build_callsheet_pdf(
        store, fx.owner, followup_list(store, "birthdays"), tmp_path / "b.pdf"
    )
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(out.path), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_a_long_shop_name_does_not_run_into_the_page_number(shop, tmp_path: Path) -> None:
    from memberdesk.core.pdf_fonts import text_width
    from memberdesk.core.shop.details import configure_shop

    store, fx, _ = shop
    name = "杭州市西湖区文三路一百号悦己服饰有限公司万达广场旗舰店" * 2
    configure_shop(store, name=name)
    out = build_callsheet_pdf(
        store, fx.owner, followup_list(store, "birthdays"), tmp_path / "b.pdf"
    )
    strings: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            strings.append((tm[4] * cm[0] + cm[4], text.strip()))

    PdfReader(out.path).pages[0].extract_text(visitor_text=visit)
    title = next(s for s in strings if s[1].endswith("· 生日关怀"))
    page = next(s for s in strings if s[1] == "第 1 / 3 页")
    assert title[1].startswith("杭州市西湖区文三路") and "…" in title[1]
    assert title[0] + text_width(title[1], 14) < page[0]


def test_a_four_character_tier_is_printed_on_one_line(shop, tmp_path: Path) -> None:
    """The clothing preset's lowest tier, 积分会员, was broken over two lines (积分会 / 员) on
    every row of its members."""
    store, fx, _ = shop
    save_program(store, fx.owner, presets("zh_CN")["clothing"], note="服装店")
    for row in followup_list(store, "birthdays").rows[:2]:
        set_tier(store, fx.owner, row.member_id, "member", locked=True, reason="新会员")
    fl = followup_list(store, "birthdays")
    assert "积分会员" in {row.tier for row in fl.rows}
    out = build_callsheet_pdf(store, fx.owner, fl, tmp_path / "birthdays.pdf")
    text = "\n".join(pages_text(out.path))
    assert "积分会\n员" not in text
    assert text.count("积分会员") == sum(row.tier == "积分会员" for row in fl.rows)


def test_an_amount_in_a_reason_stays_whole_on_its_line() -> None:
    """The dropping-away reason printed 平时约 ¥ / 1,515.94: the yuan sign at the end of one
    line, its number on the next."""
    room = WIDTHS[4] - 2 * PAD
    lines = wrap_text("近 90 天消费 ¥497.00，平时约 ¥1,515.94", SIZE, room)
    assert lines == ["近 90 天消费 ¥497.00，平时约", "¥1,515.94"]


def test_a_comma_after_an_amount_takes_the_whole_amount_down() -> None:
    """A comma that could not start a line took the amount's last digit with it (¥300.0 / 0，)."""
    room = text_width("本金 ¥300.00", SIZE)
    assert wrap_text("本金 ¥300.00，赠", SIZE, room) == ["本金", "¥300.00，赠"]


def test_an_opening_bracket_goes_down_with_what_it_opens() -> None:
    """The new-member reason ended a line with （ and began the next with 11-19 入会）."""
    room = WIDTHS[4] - 2 * PAD
    lines = wrap_text("入会第 15 天：邀请再次到店（11-19 入会）", SIZE, room)
    assert lines == ["入会第 15 天：邀请再次到店", "（11-19 入会）"]


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW", "en"])
def test_every_column_heading_stays_inside_its_column(shop, tmp_path: Path, lang: str) -> None:
    """The English sheet printed "Last seen in store" over the next heading ("Total spend")."""
    store, fx, _ = shop
    fl = followup_list(store, "birthdays", lang=lang)
    out = build_callsheet_pdf(store, fx.owner, fl, tmp_path / "birthdays.pdf")
    bar = PAGE[1] - MARGIN - HEADER_H - HEADINGS_H  # the headings' bar, its lower edge
    drawn: list[tuple[float, str, float]] = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        y = cm[5] + tm[5]
        if text.strip() and bar < y < bar + HEADINGS_H:
            drawn.append((cm[4] + tm[4], text.strip(), size))

    PdfReader(out.path).pages[0].extract_text(visitor_text=visit)
    assert len(drawn) >= len(WIDTHS)
    for x, text, size in drawn:
        column = max(i for i, edge in enumerate(EDGES[:-1]) if MARGIN + edge <= x + 0.5)
        assert x + text_width(text, size) <= MARGIN + EDGES[column + 1], (lang, text)
