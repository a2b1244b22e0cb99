"""The catalogue on a real file: adding, editing and deactivating items, finding them, the
till's one box telling goods from members and prices, and catalogue sales."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import DomainError, ValidationFailed
from memberdesk.core.items.catalogue import (
    ItemForm,
    create_item,
    edit_item,
    form_of,
    get_item,
    set_item_active,
)
from memberdesk.core.items.lookup import find_items, item_categories, item_for_code
from memberdesk.core.items.scan import read_scan
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import AuditEntry, Item, OutboxEvent, SaleLine
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.refunds import refund

COLA = ItemForm(name="可口可乐 500ml", price=350, barcodes=("6901234567892",), category="饮料",
                member_price=300)  # fmt: skip
TOWEL = ItemForm(name="纯棉毛巾", price=1290, code="B0001", barcodes=("96385074", "036000291452"),
                 category="日用")  # fmt: skip


def line_of(item, quantity: int = 1) -> SaleLineInput:
    return SaleLineInput(item.name, item.price, quantity, item.category, item.no_discount,
                         item_id=item.id, item_code=item.code, member_price=item.member_price,
                         earns_points=item.earns_points)  # fmt: skip


def test_an_item_is_added_with_its_audit_and_its_record_for_hq(store, owner):
    cola = create_item(store, owner, COLA)
    assert (cola.code, cola.barcodes, cola.price, cola.member_price) == (
        "6901234567892", ("6901234567892",), 350, 300,
    )  # fmt: skip
    with store.read() as s:
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "item.created")).one()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "item.created")).one()
    assert event.aggregate_id == cola.id
    assert event.payload["barcodes"] == ["6901234567892"] and event.payload["member_price"] == 300
    assert event.payload["change"] == {"by": "老板", "via": "editor"}
    assert (audit.staff_name, audit.target) == ("老板", "6901234567892")
    assert run_checks(store).ok


def test_every_field_problem_is_named_and_nothing_is_written(store, owner):
    create_item(store, owner, COLA)
    bad = ItemForm(name="", price=-1, code="编码", barcodes=("6901234567891",), member_price=10)
    with pytest.raises(ValidationFailed) as e:
        create_item(store, owner, bad)
    assert set(e.value.errors) == {"name", "price", "code", "barcodes"}
    assert e.value.errors["barcodes"].code == "item.barcode_check_digit"
    with pytest.raises(ValidationFailed) as e:
        create_item(store, owner, ItemForm(name="雪碧", price=300, barcodes=("6901234567892",)))
    assert e.value.errors["barcodes"].message("en") == (
        "barcode 6901234567892 already belongs to 可口可乐 500ml (6901234567892)"
    )
    with pytest.raises(ValidationFailed) as e:  # a code may not be another item's barcode either
        create_item(store, owner, ItemForm(name="雪碧", price=300, code="6901234567892"))
    assert e.value.errors["code"].code == "item.code_duplicate"
    with pytest.raises(ValidationFailed) as e:
        create_item(store, owner, ItemForm(name="雪碧", price=300, code="S1", member_price=400))
    assert e.value.errors["member_price"].message("zh_CN") == "会员价 ¥4.00 高于售价 ¥3.00"
    with pytest.raises(ValidationFailed) as e:
        create_item(store, owner, ItemForm(name="雪碧", price=0.5))  # type: ignore[arg-type]
    assert e.value.errors["price"].code == "amount.not_fen"
    with store.read() as s:
        assert s.scalars(select(Item.name)).all() == ["可口可乐 500ml"]


def test_a_cashier_changes_the_catalogue_only_with_a_managers_pin(store, cashier, manager):
    with pytest.raises(DomainError) as e:
        create_item(store, cashier, COLA)
    assert e.value.code == "permission.denied"
    made = create_item(store, cashier, COLA, authoriser=manager)
    with store.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "item.created")).one()
    assert (audit.staff_name, audit.authorised_by) == ("收银员", "店长")
    assert made.name == "可口可乐 500ml"


def test_edit_changes_keys_and_barcodes_and_refuses_a_stale_copy(store, owner):
    towel = create_item(store, owner, TOWEL)
    assert towel.barcodes == ("0036000291452", "96385074")  # UPC-A kept as EAN-13
    edited = edit_item(store, owner, towel.id,
                       ItemForm(name="竹纤维毛巾", price=1590, code="B0001", barcodes=("96385074",),
                                category="日用"), expected_version=towel.version)  # fmt: skip
    assert (edited.name, edited.price, edited.barcodes, edited.version) == (
        "竹纤维毛巾", 1590, ("96385074",), 2,
    )  # fmt: skip
    assert item_for_code(store, "036000291452") is None  # the barcode taken off no longer finds it
    assert [i.name for i in find_items(store, "zxw").items] == ["竹纤维毛巾"]
    assert find_items(store, "纯棉").items == []
    with pytest.raises(DomainError) as e:
        edit_item(store, owner, towel.id, form_of(edited), expected_version=towel.version)
    assert e.value.code == "item.stale"
    with store.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "item.edited")).one()
    assert audit.detail["changed"]["price"] == [1290, 1590]
    assert audit.detail["changed"]["barcodes"] == [["0036000291452", "96385074"], ["96385074"]]


def test_deactivated_items_are_listed_apart_and_not_sold(store, owner):
    cola = create_item(store, owner, COLA)
    towel = create_item(store, owner, TOWEL)
    off = set_item_active(store, owner, towel.id, False)
    assert not off.active and off.version == 2
    assert [i.code for i in find_items(store, active=True).items] == ["6901234567892"]
    assert [i.code for i in find_items(store, active=False).items] == ["B0001"]
    answer = read_scan(store, "96385074")
    assert answer.kind == "refused" and answer.refusal.code == "item.inactive"
    assert (
        answer.refusal.message("zh_CN") == "纯棉毛巾（B0001）已停用，不能销售；请先在商品资料中启用"
    )
    back = set_item_active(store, owner, towel.id, True)
    assert back.active and read_scan(store, "96385074").item.id == towel.id
    with store.read() as s:
        kinds = [
            e.kind
            for e in s.scalars(select(OutboxEvent).where(OutboxEvent.aggregate_id == towel.id))
        ]
    assert kinds == ["item.created", "item.deactivated", "item.reactivated"]
    assert get_item(store, cola.id).active


def test_finding_items_by_code_barcode_name_pinyin_and_category(store, owner):
    create_item(store, owner, COLA)
    create_item(store, owner, TOWEL)
    for i in range(150):
        create_item(store, owner, ItemForm(name=f"发圈{i:03d}", price=150, code=f"H{i:03d}",
                                           category="配饰"))  # fmt: skip
    assert [i.code for i in find_items(store, "b00").items] == ["B0001"]  # code start
    assert [i.code for i in find_items(store, "690123").items] == ["6901234567892"]  # barcode start
    assert [i.code for i in find_items(store, "可乐").items] == [
        "6901234567892"
    ]  # a part of the name
    assert [i.code for i in find_items(store, "kkkl").items] == ["6901234567892"]  # pinyin initials
    assert [i.code for i in find_items(store, "chunmian").items] == ["B0001"]  # full pinyin
    page = find_items(store, "发圈", limit=100)
    assert page.total == 150 and len(page.items) == 100 and page.items[0].code == "H000"
    rest = find_items(store, category="配饰", limit=100, offset=100)
    assert rest.total == 150 and [i.code for i in rest.items][:2] == ["H100", "H101"]
    assert item_categories(store) == ["日用", "配饰", "饮料"]
    assert item_for_code(store, "0036000291452").code == "B0001"  # UPC-A as EAN-13 finds it
    assert item_for_code(store, "036000291452").code == "B0001"
    assert item_for_code(store, "h001").name == "发圈001"


def test_the_box_reads_goods_then_cards_then_prices_then_members(store, owner):
    cola = create_item(store, owner, COLA)
    create_item(store, owner, ItemForm(name="毛巾", price=990, code="1001"))
    zhang = issue_card(store, owner, MemberForm(name="张三", phone="13800001001"))
    issue_card(store, owner, MemberForm(name="李四", phone="13800005678"))
    # A member's card that happens to be 13 digits, and an item coded like a member's card.
    lee = issue_card(
        store, owner, MemberForm(name="王五", phone="13900000000"), card_no="2000000000015"
    )
    cases = {
        "6901234567892": ("item", cola.id),  # a product barcode
        "1001": ("either", None),  # an item's code and the last four digits of 13800001001
        zhang.card_no: ("member", None),  # a member card
        "2000000000015": ("member", None),  # no item has it: it is 王五's card
        "35": ("price", 3500),  # the defect: a typed price is a price, not a member search
        "12.50": ("price", 1250),
        "¥1280": ("price", 128000),
        "13800005678": ("member", None),  # a full phone
        "5678": ("member", None),  # the last four digits of a member's phone
        "张三": ("member", None),
        "kkkl": ("item", cola.id),  # no member has these initials: the catalogue's item
    }
    for text, (kind, value) in cases.items():
        answer = read_scan(store, text)
        assert answer.kind == kind, (text, answer)
        if kind == "item" and value:
            assert answer.item.id == value
        if kind == "price":
            assert answer.price == value
    refused = {
        "1280": "no member's phone ends in 1280; to sell at ¥1,280.00, type it with a point or ¥ "
                "(1280.00 or ¥1280)",
        "4006000000005": "no item or member card has the number 4006000000005",
        "咖啡": "no item or member matches “咖啡” (a new member? F3 issues a card)",
        "qqx": "no item or member matches “qqx”",  # letters: initials, not a name
        "0": "a price must be more than ¥0.00",
    }  # fmt: skip
    for text, message in refused.items():
        answer = read_scan(store, text)
        assert answer.kind == "refused" and answer.refusal.message("en") == message, text
    assert lee.card_no == "2000000000015"


def test_four_digits_that_are_an_items_code_and_a_phones_end_are_asked_about(store, owner):
    """The defect: a cashier typing a member's last four got the item coded the same."""
    cake = create_item(store, owner, ItemForm(name="蛋糕", price=2800, code="5678"))
    bun = create_item(store, owner, ItemForm(name="面包", price=500, code="4321"))
    li = issue_card(store, owner, MemberForm(name="李四", phone="13800005678"))
    wang = issue_card(store, owner, MemberForm(name="王五", phone="13900005678"))
    answer = read_scan(store, "5678")
    assert answer.kind == "either" and answer.item.id == cake.id
    assert {h.member_id for h in answer.members} == {li.id, wang.id}
    assert sorted(h.phone for h in answer.members) == ["138****5678", "139****5678"]  # masked
    assert {h.phone for h in read_scan(store, "5678", actor=owner).members} == {
        "13800005678",
        "13900005678",
    }  # the owner sees them whole, as in the member search
    # four digits that end no member's phone are the item at once, as before
    assert (read_scan(store, "4321").kind, read_scan(store, "4321").item.id) == ("item", bun.id)
    # an item no longer sold leaves the members alone with the digits
    set_item_active(store, owner, cake.id, False)
    assert read_scan(store, "5678").kind == "member"
    set_item_active(store, owner, bun.id, False)
    assert read_scan(store, "4321").refusal.code == "item.inactive"


def test_a_name_that_several_items_share_offers_them_all(store, owner):
    for code, name in (("T1", "短袖T恤"), ("T2", "长袖T恤")):
        create_item(store, owner, ItemForm(name=name, price=5900, code=code))
    answer = read_scan(store, "T恤")
    assert answer.kind == "items" and [i.code for i in answer.items] == ["T1", "T2"]


def test_a_catalogue_sale_names_its_items_and_refunds_as_any_sale(store, owner, manager):
    cola = create_item(store, owner, COLA)
    smokes = create_item(store, owner, ItemForm(name="香烟", price=4500, code="Y01", category="烟",
                                                no_discount=True, earns_points=False))  # fmt: skip
    member = issue_card(store, owner, MemberForm(name="张三", phone="13800001001"))
    sale = checkout(store, owner, CheckoutRequest(
        lines=(line_of(cola, 2), line_of(smokes), SaleLineInput("手写", 1000)),
        member_id=member.id, tenders={"cash": 10000},
    ))  # fmt: skip
    # Cola at the member price (¥3.00 × 2), tobacco at its price, a typed line at its price.
    assert (sale.subtotal, sale.total, sale.change) == (700 + 4500 + 1000, 600 + 4500 + 1000, 3900)
    assert sale.points_earned == 16  # ¥16 earns; the ¥45 of tobacco does not
    assert sale.discount_by_kind == {"member_price": 100}
    with store.read() as s:
        rows = s.execute(select(SaleLine.item_id, SaleLine.item_code, SaleLine.unit_price,
                                SaleLine.discount_kind, SaleLine.amount, SaleLine.no_discount)
                         .order_by(SaleLine.line_no)).all()  # fmt: skip
        payload = s.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.kind == "sale.completed")
        ).one()
    assert [tuple(r) for r in rows] == [
        (cola.id, "6901234567892", 350, "member_price", 600, False),
        (smokes.id, "Y01", 4500, "", 4500, True),
        (None, "", 1000, "", 1000, False),
    ]  # fmt: skip
    assert [ln.get("item_code") for ln in payload["lines"]] == ["6901234567892", "Y01", None]
    back = refund(store, manager, sale.sale_id, {1: 1}, reason="退一瓶")
    assert back.amount == 300
    assert run_checks(store).ok


def test_a_discount_by_hand_never_takes_off_less_than_the_members_own(store, owner):
    """Discounts do not add up and the best applies: a 95折 by hand on goods the member
    already has at the member price would raise it, so it is refused; a whole-sale 9折
    leaves the member price where that takes more off, and discounts the rest."""
    from memberdesk.core.till.checkout import quote
    from memberdesk.core.till.manual import ManualDiscount

    cola = create_item(store, owner, COLA)
    member = issue_card(store, owner, MemberForm(name="李四", phone="13800001002"))
    cola2 = line_of(cola, 2)  # ¥7.00, ¥6.00 at the member price
    with pytest.raises(DomainError) as e:
        quote(store, CheckoutRequest(lines=(replace(cola2, manual=ManualDiscount("percent", 5)),),
                                     member_id=member.id))  # fmt: skip
    assert e.value.code == "discount.program_better"
    assert "¥1.00" in e.value.message("en")
    deeper = quote(store, CheckoutRequest(
        lines=(replace(cola2, manual=ManualDiscount("percent", 20, zhe=True)),),
        member_id=member.id))  # fmt: skip
    assert deeper.pricing.total_fen == 560  # 8折 of ¥7.00 takes more than the member price
    whole_sale = checkout(store, owner, CheckoutRequest(
        lines=(cola2, SaleLineInput("手写", 1000)), member_id=member.id,
        sale_discount=ManualDiscount("percent", 10, zhe=True), tenders={"cash": 2000}))  # fmt: skip
    assert (whole_sale.subtotal, whole_sale.total) == (1700, 600 + 900)
    with store.read() as s:
        kinds = s.execute(select(SaleLine.discount_kind, SaleLine.amount)
                          .where(SaleLine.sale_id == whole_sale.sale_id)
                          .order_by(SaleLine.line_no)).all()  # fmt: skip
    assert [tuple(k) for k in kinds] == [("member_price", 600), ("sale", 900)]
    assert run_checks(store).ok


def test_a_code_the_till_reads_as_a_price_is_saved_only_once_confirmed(store, owner):
    """Typed at the till, 123 is ¥123.00 unless an item's code is 123: then the item is
    added. The owner saving such a code is told so, in plain words, and saves it only by
    confirming; the till keeps adding the item, and 123. still rings up ¥123.00."""
    form = ItemForm(name="法棍", price=800, code="123")
    with pytest.raises(DomainError) as asked:
        create_item(store, owner, form)
    assert asked.value.code == "item.code_reads_as_price"
    assert asked.value.message("zh_CN") == (
        "在收银台输入 123 将加入这件商品，而不是按 ¥123.00 收款；以后要按 ¥123.00 收款，"
        "收银员需输入 123.。仍要用 123 作这件商品的编码吗？"
    )
    assert read_scan(store, "123").kind == "price"  # nothing was saved
    bread = create_item(store, owner, form, price_codes_ok=True)
    assert read_scan(store, "123").item.id == bread.id  # the item wins at the till
    assert (read_scan(store, "123.").kind, read_scan(store, "123.").price) == ("price", 12300)
    assert read_scan(store, "¥123").price == 12300
    # its other fields change without being asked again; a new price-like barcode is asked
    bread = edit_item(store, owner, bread.id, replace(form, price=900))
    with pytest.raises(DomainError) as again:
        edit_item(store, owner, bread.id, replace(form, barcodes=("12.50",)))
    assert again.value.params["example"] == "¥12.50"
    # a barcode, four digits (a phone's last four, not a price) or letters are not asked
    create_item(store, owner, ItemForm(name="可乐", price=350, barcodes=("6901234567892",)))
    create_item(store, owner, ItemForm(name="面包", price=500, code="1234"))
    create_item(store, owner, ItemForm(name="蛋糕", price=500, code="A12"))


def test_four_digits_that_end_members_phones_are_saved_only_once_confirmed(store, owner):
    """The till asks which is meant when 5678 is an item's code and ends members' phones;
    the editor asks the owner before saving such a code, as the import warns about it."""
    issue_card(store, owner, MemberForm(name="李四", phone="13800005678"))
    issue_card(store, owner, MemberForm(name="王五", phone="13900005678"))
    form = ItemForm(name="蛋糕", price=2800, code="5678")
    with pytest.raises(DomainError) as asked:
        create_item(store, owner, form)
    assert asked.value.code == "item.code_is_last4"
    assert asked.value.message("zh_CN") == (
        "收银台也把 5678 读作手机尾号，目前有 2 位会员的手机尾号是 5678：以后在收银台输入 5678 时，"
        "每次都会询问要这件商品还是会员。仍要用 5678 作这件商品的编码吗？"
    )
    with store.read() as s:
        assert s.scalars(select(Item)).all() == []  # nothing was saved
    cake = create_item(store, owner, form, last4_codes_ok=True)
    assert read_scan(store, "5678").kind == "either"
    # its other fields change without being asked again; another item's new barcode is asked
    assert edit_item(store, owner, cake.id, replace(form, price=3000)).price == 3000
    bun = create_item(store, owner, ItemForm(name="面包", price=500, code="4321"))  # no member
    issue_card(store, owner, MemberForm(name="赵六", phone="13700002468"))
    with pytest.raises(DomainError) as barcode:
        edit_item(store, owner, bun.id, ItemForm(name="面包", price=500, code="4321",
                                                 barcodes=("2468",)))  # fmt: skip
    assert barcode.value.params == {"code": "2468", "members": 1}
    assert read_scan(store, "2468").kind == "member"  # nothing was saved


def test_an_imported_sheet_keeps_its_short_codes(store, owner):
    """The import and the demo write through add_item without asking (a sheet has no one
    to ask row by row): only the editor asks."""
    from memberdesk.core.items.catalogue import add_item

    with store.write() as uow:
        add_item(uow, owner, ItemForm(name="法棍", price=800, code="101"))
    assert read_scan(store, "101").kind == "item"
