"""The loyalty program editor: whole column headings, discounts shown and typed in 折, and
the birthday privilege that receipts print, edited like the rest."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPushButton

from memberdesk.core.loyalty.program_store import current_program
from memberdesk.core.loyalty.zhe import zhe_text

from .conftest import child, click, click_item, log_in, type_into, wheel


def _program_page(qtbot, window):
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    click_item(qtbot, office.menu, "会员方案")
    page = office.program
    qtbot.waitUntil(page.form.tiers.isVisible)
    return page


def _edit_cell(qtbot, table, row: int, col: int, text: str) -> None:
    table.scrollTo(table.model().index(row, col))
    rect = table.visualRect(table.model().index(row, col))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit), editor
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _choose(qtbot, combo: QComboBox, text: str) -> None:
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != text:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"no {text!r} in {combo.objectName()}"


def test_headings_are_whole_and_discounts_read_in_zhe(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    for table in (page.form.tiers, page.form.topups):
        header = table.horizontalHeader()
        for i in range(table.columnCount()):
            if not table.isColumnHidden(i):
                title = table.horizontalHeaderItem(i).text()
                assert header.sectionSize(i) >= header.sectionSizeFromContents(i).width(), title
        assert table.horizontalScrollBar().maximum() == 0  # no column out of sight
    tiers = page.form.tiers
    assert tiers.horizontalHeaderItem(3).text() == "折扣（折）"
    # a tier's name, not a person's (姓名)
    assert tiers.horizontalHeaderItem(1).text() == "等级名称"
    levels = current_program(store).program.tiers.levels
    shown = {tiers.item(r, 1).text(): tiers.item(r, 3).text() for r in range(len(levels))}
    assert shown == {t.name: f"{zhe_text(t.discount_percent)}折" if t.discount_percent else ""
                     for t in levels}  # fmt: skip
    assert "95折" in shown.values()  # 银卡: 5 % off

    gold = next(r for r in range(len(levels)) if tiers.item(r, 1).text() == "金卡")
    _edit_cell(qtbot, tiers, gold, 3, "12.5")  # not a 折
    error = child(page, QLabel, "error_tiers.levels")
    qtbot.waitUntil(error.isVisible)
    assert "“12.5”不是" in error.text() and not page.save_button.isEnabled()
    _edit_cell(qtbot, tiers, gold, 3, "88")  # 八八折
    qtbot.waitUntil(lambda: not error.isVisible())
    member_day = page.form.fields["promotions.member_day_discount_percent"]
    type_into(qtbot, page.form.fields["promotions.member_day"].lineEdit(), "18")
    type_into(qtbot, member_day, "9")  # 九折
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 2 版" in page.bar.text())
    program = current_program(store).program
    assert next(t for t in program.tiers.levels if t.name == "金卡").discount_percent == 12
    assert (program.promotions.member_day, program.promotions.member_day_discount_percent) == (
        18,
        10,
    )
    # what was saved reads back in 折
    assert tiers.item(gold, 3).text() == "88折" and member_day.text() == "9折"


def test_the_birthday_privilege_is_edited_and_checked(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    fields = page.form.fields
    kind = fields["promotions.birthday.kind"]
    assert kind.currentText() == "不设"  # the generic program has none
    assert not fields["promotions.birthday.discount_percent"].isEnabled()
    _choose(qtbot, kind, "折扣")
    _choose(qtbot, fields["promotions.birthday.period"], "生日当月")
    discount = fields["promotions.birthday.discount_percent"]
    assert discount.isEnabled() and not fields["promotions.birthday.gift_name"].isEnabled()
    error = child(page, QLabel, "error_promotions.birthday.discount_percent")
    qtbot.waitUntil(error.isVisible)  # a discount of nothing: said beside the field
    assert not page.save_button.isEnabled()
    type_into(qtbot, discount, "8")  # 八折
    qtbot.waitUntil(lambda: not error.isVisible())
    uses = fields["promotions.birthday.uses_per_year"]
    type_into(qtbot, uses.lineEdit(), "2")
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 2 版" in page.bar.text())
    birthday = current_program(store).program.promotions.birthday
    assert (birthday.kind, birthday.period, birthday.discount_percent, birthday.uses_per_year) == (
        "discount", "month", 20, 2,
    )  # fmt: skip
    assert discount.text() == "8折"

    _choose(qtbot, kind, "不设")
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 3 版" in page.bar.text())
    assert current_program(store).program.promotions.birthday is None


def test_the_count_card_refund_rule_is_chosen(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    rule = page.form.fields["count_cards.refund"]
    assert rule.currentText() == "按未用比例退还售价"  # the default
    _choose(qtbot, rule, "不退")
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 2 版" in page.bar.text())
    assert current_program(store).program.count_cards.refund == "none"


def test_points_kept_to_the_end_of_the_next_year_are_set_and_said_in_words(qtbot, window, store):
    """积分有效期至获得积分次年的12月31日: the owner starts from the supermarket preset (cleared
    on 1 January), keeps points one more year, and reads the rule as members would."""
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    fields = page.form.fields
    keep = fields["expiry.keep_years"]
    words = child(page, QLabel, "program_expiry_words")
    assert words.text() == "积分永久有效"  # the generic program
    assert not keep.isEnabled() and not fields["expiry.clear_month"].isEnabled()
    _choose(qtbot, page.preset, "超市")
    click(qtbot, child(page, QPushButton, "load_preset"))
    qtbot.waitUntil(keep.isEnabled)
    assert keep.currentText() == "不多保留（到下一个清零日为止）"
    assert words.text() == ("积分有效期至获得积分当年的12月31日。"
                            "例：2026-03-10 获得的积分可用到 2026-12-31，2027-01-01 清零")  # fmt: skip
    _choose(qtbot, keep, "多保留1年")
    qtbot.waitUntil(lambda: "次年" in words.text())
    assert words.text() == ("积分有效期至获得积分次年的12月31日。"
                            "例：2026-03-10 获得的积分可用到 2027-12-31，2028-01-01 清零")  # fmt: skip
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 2 版" in page.bar.text())
    expiry = current_program(store).program.expiry
    assert (expiry.mode, expiry.clear_month, expiry.clear_day, expiry.keep_years) == (
        "yearly_clear", 1, 1, 1,
    )  # fmt: skip
    assert keep.currentText() == "多保留1年" and "次年的12月31日" in words.text()
    # Cleared on 31 March instead: a lot of 2026 lasts to 30 March 2028.
    type_into(qtbot, fields["expiry.clear_month"].lineEdit(), "3")
    type_into(qtbot, fields["expiry.clear_day"].lineEdit(), "31")
    qtbot.waitUntil(lambda: "3月30日" in words.text())
    assert words.text() == ("积分有效期至获得积分后第 2 年的3月30日。"
                            "例：2026-03-10 获得的积分可用到 2028-03-30，2028-03-31 清零")  # fmt: skip


def test_a_percent_coupons_cap_is_edited_saved_and_shown(qtbot, window, store, owner):
    from memberdesk.core.loyalty.program import revise
    from memberdesk.core.loyalty.program_store import save_program
    from memberdesk.ui.backoffice.coupon_types_table import CAP, KIND, OFF

    types = [{"code": "A10", "name": "十元券", "kind": "amount", "value": 1000},
             {"code": "P20", "name": "八折券", "kind": "percent", "value": 20, "valid_days": 15}]  # fmt: skip
    save_program(
        store, owner, revise(current_program(store).program, {"coupons": {"types": types}})
    )
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    table = page.form.coupon_types
    assert [table.item(r, 1).text() for r in range(2)] == ["十元券", "八折券"]
    assert (
        table.cellWidget(1, KIND).currentText() == "折扣券" and table.item(1, OFF).text() == "8折"
    )
    assert table.horizontalHeaderItem(CAP).text() == "最高优惠（元）"
    _edit_cell(qtbot, table, 1, CAP, "50")  # 8折，最高优惠 ¥50
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 3 版" in page.bar.text())
    p20 = current_program(store).program.coupons.type("P20")
    assert (p20.kind, p20.value, p20.max_off_fen, p20.valid_days) == ("percent", 20, 5000, 15)
    assert table.item(1, CAP).text() == "50"  # what was saved reads back

    _edit_cell(qtbot, table, 0, CAP, "5")  # a cap on an amount coupon: refused, said beside it
    error = child(page, QLabel, "error_coupons.types")
    qtbot.waitUntil(error.isVisible)
    assert error.text() == "第 1 行：只有折扣券才能设最高优惠" and not page.save_button.isEnabled()
    _edit_cell(qtbot, table, 0, CAP, "0")
    qtbot.waitUntil(lambda: not error.isVisible())
    assert page.save_button.isEnabled()


def test_scrolling_the_page_changes_no_field_under_the_pointer(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    fields = page.form.fields
    kind = fields["promotions.birthday.kind"]
    expiry = fields["expiry.mode"]
    months = fields["expiry.months"]
    points = fields["redeem.points_per_yuan"]
    coupon_kind = child(page, QComboBox, "coupon_kind_0")
    before = (kind.currentText(), expiry.currentText(), points.value(), coupon_kind.currentText())
    for widget in (kind, expiry, points, points.lineEdit(), coupon_kind):
        wheel(widget)
    after = (kind.currentText(), expiry.currentText(), points.value(), coupon_kind.currentText())
    assert after == before == ("不设", *before[1:])
    # a field the owner clicked into still takes the wheel
    kind.setFocus()
    qtbot.waitUntil(kind.hasFocus)
    wheel(kind)
    assert kind.currentText() == "折扣"
    assert months.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel never gives focus


def test_a_new_coupon_type_starts_as_amount_off_and_keeps_its_whole_name(qtbot, window, store):
    from memberdesk.ui.backoffice.coupon_types_table import CODE, KIND, NAME, OFF

    from .conftest import ime_commit

    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    table = page.form.coupon_types
    new = table.rowCount() - 1  # the empty row to add one
    kind = table.cellWidget(new, KIND)
    assert kind.currentText() == "立减券"  # a real kind, in sight
    assert "" not in [kind.itemText(i) for i in range(kind.count())]
    _edit_cell(qtbot, table, new, CODE, "P10")
    # the name as a person types it: the input method commits it into the selected cell
    table.scrollTo(table.model().index(new, NAME))
    rect = table.visualRect(table.model().index(new, NAME))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ime_commit(QApplication.focusWidget(), "九折券")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    assert table.item(new, NAME).text() == "九折券"
    # no amount yet: the message names the kind the drop-down shows
    error = child(page, QLabel, "error_coupons.types")
    qtbot.waitUntil(error.isVisible)
    assert "立减券" in error.text() and "代金券" not in error.text()
    assert not page.save_button.isEnabled()
    _choose(qtbot, kind, "折扣券")
    _edit_cell(qtbot, table, new, OFF, "9")  # 九折
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 2 版" in page.bar.text())
    saved = current_program(store).program.coupons.type("P10")
    assert (saved.name, saved.kind, saved.value) == ("九折券", "percent", 10)
    # a name of up to eight characters shows whole in the window at 1366×768
    header = table.horizontalHeader()
    eight = table.fontMetrics().horizontalAdvance("八个汉字的券名称")
    assert header.sectionSize(NAME) >= eight + 2 * table.style().pixelMetric(
        table.style().PixelMetric.PM_FocusFrameHMargin
    )
    assert table.viewport().width() >= header.sectionViewportPosition(NAME) + header.sectionSize(
        NAME
    )


def test_a_tier_name_typed_in_chinese_into_a_selected_cell_is_kept_whole(qtbot, window, store):
    from .conftest import ime_commit

    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    tiers = page.form.tiers
    levels = current_program(store).program.tiers.levels
    silver = next(r for r in range(len(levels)) if tiers.item(r, 1).text() == "银卡")
    code = tiers.item(silver, 0).text()
    # the name as a person types it: the input method commits it into the selected cell
    tiers.scrollTo(tiers.model().index(silver, 1))
    rect = tiers.visualRect(tiers.model().index(silver, 1))
    qtbot.mouseClick(tiers.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ime_commit(QApplication.focusWidget(), "银卡会员")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tiers.state() != tiers.State.EditingState)
    assert tiers.item(silver, 1).text() == "银卡会员"
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 2 版" in page.bar.text())
    saved = current_program(store).program.tiers.levels
    assert next(t for t in saved if t.code == code).name == "银卡会员"


def test_the_owner_sees_and_sets_how_long_a_coupon_type_is_valid(qtbot, window, store, owner):
    from memberdesk.core.loyalty.program import revise
    from memberdesk.core.loyalty.program_store import save_program
    from memberdesk.ui.backoffice.coupon_types_table import CODE, DAYS, NAME, OFF

    from .conftest import ime_commit

    types = [{"code": "A10", "name": "十元券", "kind": "amount", "value": 1000},
             {"code": "P20", "name": "八折券", "kind": "percent", "value": 20, "valid_days": 15}]  # fmt: skip
    save_program(
        store, owner, revise(current_program(store).program, {"coupons": {"types": types}})
    )
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    table = page.form.coupon_types
    assert table.horizontalHeaderItem(DAYS).text() == "有效期（天）"
    assert [table.item(r, DAYS).text() for r in range(3)] == ["30", "15", "30"]  # new row: 30
    assert table.horizontalScrollBar().maximum() == 0  # the column is in sight

    # a new type, valid for 7 days
    new = 2
    _edit_cell(qtbot, table, new, CODE, "N5")
    table.scrollTo(table.model().index(new, NAME))
    rect = table.visualRect(table.model().index(new, NAME))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ime_commit(QApplication.focusWidget(), "五元券")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    _edit_cell(qtbot, table, new, OFF, "5")
    error = child(page, QLabel, "error_coupons.types")
    for bad in ("0", "2.5", "7天"):  # refused in plain words, nothing saved
        if bad.isascii():
            _edit_cell(qtbot, table, new, DAYS, bad)
        else:  # typed through the input method
            rect = table.visualRect(table.model().index(new, DAYS))
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            ime_commit(QApplication.focusWidget(), bad)
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
            assert table.item(new, DAYS).text() == bad
        qtbot.waitUntil(error.isVisible)
        assert error.text() == "第 3 行：有效期须为 1 到 3650 之间的整数天数", bad
        assert not page.save_button.isEnabled()
    _edit_cell(qtbot, table, new, DAYS, "7")
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 3 版" in page.bar.text())
    coupons = current_program(store).program.coupons
    assert coupons.type("N5").valid_days == 7
    assert (coupons.type("A10").valid_days, coupons.type("P20").valid_days) == (30, 15)
    assert table.item(new, DAYS).text() == "7"  # what was saved reads back


def test_a_coupon_type_that_ends_on_a_date_shows_its_last_day(qtbot, window, store, owner):
    """A type valid until a fixed date showed an empty 有效期 cell beside those valid N days;
    its last day reads there now, and saving the program leaves it a dated type."""
    from memberdesk.core.loyalty.program import revise
    from memberdesk.core.loyalty.program_store import save_program
    from memberdesk.ui.backoffice.coupon_types_table import DAYS, OFF

    types = [{"code": "A10", "name": "十元券", "kind": "amount", "value": 1000, "valid_days": 15},
             {"code": "XM", "name": "圣诞券", "kind": "amount", "value": 2000, "valid_days": None,
              "valid_until": "2027-01-31"},
             {"code": "EXPO", "name": "展会券", "kind": "amount", "value": 800, "valid_days": None,
              "valid_from": "2026-06-01", "valid_until": "2026-06-07"}]  # fmt: skip
    save_program(
        store, owner, revise(current_program(store).program, {"coupons": {"types": types}})
    )
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    table = page.form.coupon_types
    assert [table.item(r, DAYS).text() for r in range(3)] == [
        "15", "有效期至 2027-01-31", "2026-06-01 至 2026-06-07 有效",
    ]  # fmt: skip
    assert table.horizontalScrollBar().maximum() == 0  # in sight
    _edit_cell(qtbot, table, 1, OFF, "25")  # another of its cells changed, then saved
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 3 版" in page.bar.text())
    xm = current_program(store).program.coupons.type("XM")
    assert (xm.value, xm.valid_days, xm.valid_until.isoformat()) == (2500, None, "2027-01-31")
    assert table.item(1, DAYS).text() == "有效期至 2027-01-31"


def test_the_general_preset_is_named_for_what_it_suits(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    choices = child(page, QComboBox, "program_preset")
    names = [choices.itemText(i) for i in range(choices.count())]
    assert names[0] == "各类店铺通用" and "通用" not in names
    assert names[1:] == ["服装店", "饰品店", "超市", "储值会员"]


def test_a_program_saved_before_the_general_preset_was_renamed_reads_as_it_is_called_now(
    qtbot, window, store, owner
):
    """A shop set up when the general preset was called 通用 keeps that name in its saved
    program; the page called its program in force 通用 though the preset is 各类店铺通用."""
    from memberdesk.core.loyalty.program import revise
    from memberdesk.core.loyalty.program_store import save_program

    before = revise(current_program(store).program, {"name": "通用"})
    assert before.code == "generic"
    save_program(store, owner, before)
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    assert page.version.text() == "当前方案：第 2 版（各类店铺通用）"
    assert current_program(store).program.name == "通用"  # the saved version is history


def test_the_tier_and_top_up_tables_show_every_row_without_a_scroll_bar_of_their_own(
    qtbot, window, store
):
    """The page scrolls; a table inside it showed 1½ of its tiers with a scroll bar of its
    own (a scroll inside a scroll, 普通卡 cut in half at 1366×768)."""
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    for table in (page.form.tiers, page.form.topups):
        assert table.rowCount() >= 2
        qtbot.waitUntil(lambda table=table: not table.verticalScrollBar().isVisible())
        last = table.rowCount() - 1
        bottom = table.visualRect(table.model().index(last, 1)).bottom()
        assert bottom <= table.viewport().height(), (table.objectName(), bottom)
