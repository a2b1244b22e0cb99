"""Opening balances from the old system's sheet, end to end on real files.

积分 / 储值本金 / 储值赠送 of a member the import creates become ledger entries of kind
"opening" — with their outbox rows (points.entry / wallet.entry, as head office projects
any entry), a note naming the file and row, and the cached balances moved with them — so
`memberdesk check` still finds every cached total equal to its ledger. The dry run shows
them per row and in total; a negative or fractional figure is a row problem; a member
already here keeps the balances the ledgers give them, so running a file twice never
opens anything twice.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from memberdesk.cli import main
from memberdesk.core.clock import FixedClock
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.members.import_export import import_members
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, OutboxEvent, PointsEntry, WalletEntry

from .loyalty_helpers import use_program


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


SHEET = [
    ["姓名", "手机号", "积分", "储值本金", "储值赠送", "备注"],
    ["张三", "13800138000", "1,200", "¥350.00", "50", "老顾客"],
    ["李四", "13900139000", "", "", "", ""],
    ["王五", "13700137000", "88", "1000.5", "", ""],
    ["赵六", "13600136000", "-5", "", "", ""],
    ["钱七", "13500135000", "12.5", "", "", ""],
    ["孙八", "13400134000", "", "12.345", "", ""],
    ["周九", "13300133000", "", "", "-1", ""],
]


def test_opening_balances_dry_run_then_import_then_check(
    store: Store, owner: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A program with a sign-up gift: the old system's points are the member's points,
    # nothing is added on top of them.
    use_program(
        store, owner, revise(preset("generic"), {"promotions": {"signup_bonus_points": 100}})
    )
    db = str(store.path)
    store.close()
    sheet = write_csv(tmp_path / "old.csv", SHEET)

    code, out, _ = cli(capsys, "--db", db, "import", "members", str(sheet), "--dry-run")
    assert code == 3  # rows with problems
    assert "  第 2 行：张三 期初 1200 积分、储值 ¥400.00（其中赠送 ¥50.00）" in out
    assert "  第 4 行：王五 期初 88 积分、储值 ¥1,000.50（其中赠送 ¥0.00）" in out
    assert "将为 2 位会员建立期初余额：1288 积分，储值 ¥1,400.50（其中赠送 ¥50.00）" in out
    assert "  第 5 行 [积分]：积分“-5”是负数；期初余额不能为负" in out
    assert "  第 6 行 [积分]：积分“12.5”不是整数积分" in out
    assert "  第 7 行 [储值本金]：储值本金“12.345”不是以元为单位的金额（例如 350.00）" in out
    assert "  第 8 行 [储值赠送]：储值赠送“-1”是负数；期初余额不能为负" in out
    code, out, _ = cli(
        capsys, "--db", db, "--lang", "en", "import", "members", str(sheet), "--dry-run"
    )
    assert "2 members, 1288 points, ¥1,400.50 stored value (¥50.00 bonus) would be opened" in out

    code, out, _ = cli(capsys, "--db", db, "import", "members", str(sheet))
    assert code == 3
    assert "已为 2 位会员建立期初余额：1288 积分，储值 ¥1,400.50（其中赠送 ¥50.00）" in out
    assert "共 7 行：可导入 3 行，有问题 4 行，已写入 3 行" in out

    with Store(db) as again, again.read() as s:
        zhang = s.scalar(select(Member).where(Member.name == "张三"))
        li = s.scalar(select(Member).where(Member.name == "李四"))
        assert (zhang.points, zhang.wallet_principal, zhang.wallet_bonus) == (1200, 35000, 5000)
        assert (li.points, li.wallet_principal, li.wallet_bonus) == (0, 0, 0)
        points = s.scalars(select(PointsEntry).where(PointsEntry.member_id == zhang.id)).all()
        wallet = s.scalars(select(WalletEntry).where(WalletEntry.member_id == zhang.id)).all()
        assert [(p.kind, p.delta, p.balance_after) for p in points] == [("opening", 1200, 1200)]
        assert [(w.kind, w.principal_delta, w.bonus_delta) for w in wallet] == [("opening", 35000, 5000)]  # fmt: skip
        assert points[0].note == "期初余额，来自 old.csv 第 2 行"
        events = {e.aggregate_id: e for e in s.scalars(select(OutboxEvent))}
        assert events[points[0].id].kind == "points.entry"
        assert events[points[0].id].payload["kind"] == "opening"
        assert events[wallet[0].id].kind == "wallet.entry"
        assert (events[wallet[0].id].payload["principal_delta"], events[wallet[0].id].payload["bonus_delta"]) == (35000, 5000)  # fmt: skip
        assert s.scalars(select(PointsEntry.kind).where(PointsEntry.member_id == li.id)).all() == []

    assert cli(capsys, "--db", db, "check")[0] == 0

    # The same file again: nobody's balance is opened twice, nothing is written twice.
    code, out, err = cli(capsys, "--db", db, "import", "members", str(sheet))
    assert code == 3 and "已写入 0 行" in out
    assert (
        "第 2 行：已在本店：会员 张三（卡号 8800000013）已使用这个卡号或手机号；本行不再重复导入"
        in out
    )
    assert "建立期初余额" not in out
    with Store(db) as again, again.read() as s:
        assert s.scalar(select(Member.points).where(Member.name == "张三")) == 1200
        assert len(s.scalars(select(PointsEntry)).all()) == 2  # 张三's and 王五's openings


def test_a_member_already_here_keeps_the_ledgers_balances(
    store: Store, owner: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "first.csv", [["姓名", "手机号", "积分"], ["张三", "13800138000", "100"]])  # fmt: skip
    assert import_members(store, owner, first, dry_run=False).written == 1
    clock.advance(hours=3)
    later = write_csv(tmp_path / "later.csv", [
        ["姓名", "手机号", "积分", "储值本金", "更新时间"],
        ["张三丰", "13800138000", "900", "20", "2026-03-10 12:00"],
    ])  # fmt: skip
    report = import_members(store, owner, later, dry_run=False)
    assert report.written == 1 and report.openings == []
    assert [k.message("en") for k in report.balances_kept] == [
        "the row's balances are not opened: 张三 (card 8800000013) is a member here already, "
        "holding 100 points and ¥0.00 stored value; change those with a points adjustment or a "
        "top-up"
    ]
    with store.read() as s:
        m = s.scalar(select(Member).where(Member.phone == "13800138000"))
    assert (m.name, m.points, m.wallet_principal) == ("张三丰", 100, 0)


def test_a_run_that_writes_nothing_says_why_and_exits_non_zero(
    store: Store, owner: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "2 rows: 2 good, 0 problems, 0 written" used to exit 0 without a word about why."""
    sheet = write_csv(tmp_path / "again.csv", [
        ["姓名", "手机号", "微信号"], ["张三", "13800138000", "wx1"], ["李四", "13900139000", ""],
    ])  # fmt: skip
    assert import_members(store, owner, sheet, dry_run=False).written == 2
    db = str(store.path)
    store.close()

    code, out, err = cli(capsys, "--db", db, "--lang", "en", "import", "members", str(sheet))

    assert code == 4
    assert out.splitlines() == [
        "  row 2: already here: member 张三 (card 8800000013) has this card or phone; the row is "
        "not imported again",
        "  row 3: already here: member 李四 (card 8800000021) has this card or phone; the row is "
        "not imported again",
        "  ignored: column “微信号” is not known; ignored",
        "2 rows: 2 good, 0 with problems, 0 written",
    ]
    assert err.strip() == (
        "nothing to write: of 2 rows, 0 have problems and 2 are about members already here "
        "(each is listed above)"
    )
    header_only = write_csv(tmp_path / "empty.csv", [["姓名", "手机号"]])
    code, out, err = cli(capsys, "--db", db, "--lang", "en", "import", "members", str(header_only), "--dry-run")  # fmt: skip
    assert (
        code == 4
        and err.strip() == f"{header_only} has no rows under its header: nothing to import"
    )
