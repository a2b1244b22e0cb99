"""个人信息副本 at head office: a member of a chain-wide membership who bought at two stores
gets, from `memberdesk-hq member-copy`, what every store sent of them — read back from the
.xlsx — where a till's own copy holds what that till keeps. HQ on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.hq.cli import main as hq_main
from memberdesk.hq.directory import set_chain
from memberdesk.hq.provision import add_store

from ..conftest import START
from .support import HQServer, hq_database
from .test_chain_members import Till, join_till


@pytest.fixture
def chain(hq_kind: str, tmp_path: Path, shop_template) -> Iterator[tuple[HQServer, str, dict]]:
    """Stores S001 and S002 with a till each, membership chain-wide."""
    with hq_database(hq_kind, tmp_path) as url:
        hq = HQServer(url).start()
        made: dict[str, Till] = {}
        try:
            set_chain(hq.engine, START.replace(tzinfo=None), scope="chain")
            for store_code in ("S001", "S002"):
                add_store(hq.engine, store_code, f"门店 {store_code}")
                made[store_code] = join_till(hq.engine, tmp_path, shop_template, store_code, "01",
                                             hq.base_url)  # fmt: skip
            yield hq, url, made
        finally:
            for till in made.values():
                till.store.close()
            hq.stop()


def _sell(till: Till, cashier, member_id: str, fen: int) -> None:
    checkout(till.store, cashier, CheckoutRequest(lines=(SaleLineInput("衬衫", fen),),
                                                  member_id=member_id, tenders={"cash": fen}))  # fmt: skip


def test_head_office_copies_what_every_store_sent_of_a_member(
    chain, cashier, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hq, url, tills = chain
    a, b = tills["S001"], tills["S002"]
    member = issue_card(a.store, cashier, MemberForm(
        name="黄蓉", phone="13900008888", notes="穿M码", marketing_consent=True))  # fmt: skip
    _sell(a, cashier, member.id, 20000)
    for till in (a, b):
        till.round()
    _sell(b, cashier, member.id, 30000)  # found at the other store, offline, and sold to
    for till in (b, a):
        till.round()

    out = tmp_path / "黄蓉.xlsx"
    assert hq_main(["member-copy", "--db", url, member.card_no, "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert member.card_no in said and "S001, S002" in said, said
    wb = load_workbook(out)
    profile = {r[0]: r[1] for r in wb["个人信息"].iter_rows(min_row=2, values_only=True)}
    assert profile["姓名"] == "黄蓉" and profile["手机号"] == "13900008888"
    assert profile["备注"] == "穿M码" and profile["同意营销"] == "是"
    bought = list(wb["消费记录"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[1], Decimal(str(r[3]))) for r in bought) == [
        ("S001", Decimal("200.00")), ("S002", Decimal("300.00"))]  # fmt: skip
    stores = {r[1] for r in wb["积分明细"].iter_rows(min_row=2, values_only=True)}
    assert {"S001", "S002"} <= stores

    # An unknown card, or a file that is not .xlsx: said, nothing written.
    assert hq_main(["member-copy", "--db", url, "8800009999", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert not (tmp_path / "x.xlsx").exists()
    assert hq_main(["member-copy", "--db", url, member.card_no, "-o", str(tmp_path / "y.pdf")]) == 2
