"""`memberdesk coupons …` as the owner types it: issue (a manager's PIN), a follow-up-list
campaign with its SMS texts carrying each member's code, list, and the campaign report."""

from __future__ import annotations

import csv

import pytest

from memberdesk.core.loyalty.program import revise
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout

from .test_cli import cli


@pytest.fixture
def shop(store, owner, cashier):
    p = current_program(store).program
    save_program(store, owner, revise(p, {"coupons": {"types": [
        {"code": "A10", "name": "十元券", "kind": "amount", "value": 1000}]}}))  # fmt: skip
    issue_card(store, owner, MemberForm(name="王芳", phone="13800138000", marketing_consent=True))
    return store


def test_issue_campaign_list_and_report(shop, db_path, cashier, capsys, tmp_path, monkeypatch):
    db = ["--db", str(db_path)]
    code, out, _ = cli(capsys, *db, "coupons", "issue", "A10", "--count", "2")
    assert code == 0 and len([ln for ln in out.splitlines() if " CP" in ln]) == 2, out
    sms = tmp_path / "sms.csv"
    code, out, err = cli(capsys, *db, "--lang", "en", "coupons", "campaign", "new", "A10",
                         "--name", "三月回访", "--from", "2026-03-01", "--to", "2026-03-31",
                         "--sms", str(sms), "--template", "[{shop}] {name}: {coupon}")  # fmt: skip
    assert code == 0, err
    assert "1 coupons issued" in out and "1 SMS texts written" in out
    rows = list(csv.reader(sms.open(encoding="utf-8-sig")))
    member_code = rows[1][2].split(": ")[1]
    assert rows[1][:2] == ["王芳", "13800138000"] and member_code.startswith("CP")
    with shop.read() as s:
        from memberdesk.core.store.models import Member

        member_id = s.query(Member.id).scalar()
    with Store(db_path) as now:  # the command line issued it today, by the computer's clock
        checkout(now, cashier, CheckoutRequest(lines=(SaleLineInput("衬衫", 12000),),
                                               member_id=member_id, coupon=member_code,
                                               tenders={"cash": 11000}))  # fmt: skip
    code, out, _ = cli(capsys, *db, "--lang", "en", "coupons", "list", "--status", "redeemed")
    assert code == 0 and "三月回访" in out and "1 coupons" in out
    code, out, _ = cli(capsys, *db, "--lang", "en", "coupons", "report")
    assert (
        "三月回访 十元券: issued 1, redeemed 1, expired 0, not used yet 0; took off ¥10.00, "
        "brought back ¥110.00" in out
    ), out
    assert "manager 十元券: issued 2, redeemed 0" in out

    monkeypatch.setenv("MEMBERDESK_STAFF", "收银员")
    monkeypatch.setenv("MEMBERDESK_PIN", "1111")
    code, _out, err = cli(capsys, *db, "--lang", "en", "coupons", "issue", "A10")
    assert code != 0 and "issue coupons" in err


def test_sms_texts_file_starts_no_formula(store, owner, db_path, capsys, tmp_path):
    """A member whose name is a spreadsheet formula: the SMS file opened in Excel shows
    the name as text and runs nothing."""
    p = current_program(store).program
    save_program(store, owner, revise(p, {"coupons": {"types": [
        {"code": "A10", "name": "十元券", "kind": "amount", "value": 1000}]}}))  # fmt: skip
    name = '=HYPERLINK("http://x.cn","点")'
    issue_card(store, owner, MemberForm(name=name, phone="13800138000", marketing_consent=True))
    sms = tmp_path / "sms.csv"
    code, _out, err = cli(capsys, "--db", str(db_path), "--lang", "en", "coupons", "campaign",
                          "new", "A10", "--name", "三月回访", "--from", "2026-03-01", "--to",
                          "2026-03-31", "--sms", str(sms), "--template", "{name}: {coupon}")  # fmt: skip
    assert code == 0, err
    rows = list(csv.reader(sms.open(encoding="utf-8-sig")))
    assert rows[1][0] == "'" + name
    assert rows[1][2].startswith("'" + name + ": CP")


def test_issue_and_list_say_a_percent_coupons_cap(store, owner, db_path, capsys):
    p = current_program(store).program
    save_program(store, owner, revise(p, {"coupons": {"types": [
        {"code": "P20", "name": "八折券", "kind": "percent", "value": 20, "max_off_fen": 5000},
        {"code": "A10", "name": "十元券", "kind": "amount", "value": 1000}]}}))  # fmt: skip
    db = ["--db", str(db_path)]
    code, out, err = cli(capsys, *db, "coupons", "issue", "P20")
    assert code == 0, err
    assert "八折券  减 20%，最高优惠 ¥50.00  " in out, out
    code, out, err = cli(capsys, *db, "coupons", "issue", "A10")
    assert code == 0 and "十元券  立减 ¥10.00  " in out, err
    code, out, _ = cli(capsys, *db, "--lang", "en", "coupons", "list")
    assert code == 0 and "八折券  20% off, at most ¥50.00 off  Not used" in out, out
    assert "十元券  ¥10.00 off  Not used" in out
