"""A coupon slip carries the coupon's code as a QR code and as text the till reads back;
the receipt of a sale that used one says so, and shows what it took off."""

from __future__ import annotations

from memberdesk.core.coupons.issue import issue_coupons
from memberdesk.core.items.scan import read_scan
from memberdesk.core.loyalty.program import revise
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.printing import jobs
from memberdesk.core.printing.escpos_out import preview_text
from memberdesk.core.printing.layout import width
from memberdesk.core.printing.printers import DummyPort, save_printer_settings
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from tests.printing.conftest import PrintShop

from .test_slips import print_text

T50 = {"code": "T50", "name": "满300减50", "kind": "threshold", "value": 5000,
       "min_spend_fen": 30000, "valid_days": 30}  # fmt: skip


def test_the_coupon_slip_and_the_receipt(print_shop: PrintShop, manager) -> None:
    store = print_shop.store
    program = current_program(store).program
    save_program(store, print_shop.owner, revise(program, {"coupons": {"types": [T50]}}))
    (c,) = issue_coupons(store, manager, "T50", [None])
    save_printer_settings(store, print_shop.owner, paper_mm=58)
    port = DummyPort()
    assert jobs.print_now(store, "coupon", c.id, port).ok
    text = preview_text(port.sent[-1])
    assert all(width(line) <= 32 for line in text.splitlines() if not line.startswith("["))
    assert "满300减50" in text and "满 ￥300.00 减 ￥50.00" in text
    assert f"券号：{c.id}" in text and "有效期 2026-03-10 至 2026-04-08" in text
    assert f"[二维码 {c.code}]" in text
    printed = [ln.split() for ln in text.splitlines()]
    typed = " ".join(" ".join(g) for g in printed
                     if g and all(len(x) <= 4 and x.isascii() and x.isalnum() for x in g))  # fmt: skip
    assert read_scan(store, typed).coupon == c.code  # the printed text, typed back

    sale = checkout(store, print_shop.cashier, CheckoutRequest(
        lines=(SaleLineInput("大衣", 30000),), coupon=c.code, tenders={"cash": 25000}))  # fmt: skip
    receipt, _ = print_text(print_shop, sale)
    assert "代金券" in receipt and "-￥50.00" in receipt
    assert f"使用代金券：满300减50（{c.id}）" in "".join(receipt.split())  # wrapped at 32


P20 = {"code": "P20", "name": "八折券", "kind": "percent", "value": 20, "max_off_fen": 5000}


def test_a_capped_percent_coupon_says_its_cap(print_shop: PrintShop, manager) -> None:
    """8折，最高优惠 ¥50: the slip, the receipt of the sale that used it (with the ¥50.00 it
    took off a ¥1,000 coat) and the receipt and slip of one a sale earned all say the cap."""
    from memberdesk.core.printing.coupon_slip import coupon_slip
    from memberdesk.core.printing.layout import Paper
    from memberdesk.core.store.models import Member

    store = print_shop.store
    with store.read() as s:
        spent = s.get(Member, print_shop.member_id).lifetime_spend
    save_program(store, print_shop.owner, revise(current_program(store).program, {"coupons": {
        "types": [P20], "on_spend": [{"spend_fen": spent + 1, "coupon": "P20"}]}}))  # fmt: skip
    (c,) = issue_coupons(store, manager, "P20", [None])
    save_printer_settings(store, print_shop.owner, paper_mm=58)
    port = DummyPort()
    assert jobs.print_now(store, "coupon", c.id, port).ok
    slip = "".join(preview_text(port.sent[-1]).split())  # wrapped at 32
    assert "八折券" in slip and "减20%，最高优惠￥50.00" in slip

    sale = checkout(store, print_shop.cashier, CheckoutRequest(
        lines=(SaleLineInput("大衣", 100000),), coupon=c.code, tenders={"cash": 95000}))  # fmt: skip
    receipt, _ = print_text(print_shop, sale)
    assert "-￥50.00" in receipt and "-￥200.00" not in receipt
    assert "减20%，最高优惠￥50.00" in "".join(receipt.split())

    earned = checkout(store, print_shop.cashier, CheckoutRequest(
        lines=(SaleLineInput("衬衫", 10000),), member_id=print_shop.member_id,
        tenders={"cash": 9500}))  # fmt: skip
    (new,) = earned.coupons_issued
    receipt, _ = print_text(print_shop, earned)
    assert "减20%，最高优惠￥50.00" in "".join(receipt.split())
    handed = coupon_slip(new, earned.shop, earned.local_time, Paper(32)).text
    assert "减20%，最高优惠￥50.00" in "".join(handed.split())
