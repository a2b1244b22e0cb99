"""The program in force: saved as versions, refused whole when invalid, changed only by
a manager or owner, applied from the moment it is saved, while past sales keep the
version they were made under (a refund of an old sale follows the old rules)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from memberdesk.core.check.checks import run_checks
from memberdesk.core.clock import FixedClock
from memberdesk.core.daily.jobs import run_daily_jobs
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.loyalty.program import ProgramInvalid, preset, revise
from memberdesk.core.loyalty.program_store import current_program, program_version, save_program
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM, Actor, add_staff
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import ProgramVersion, Sale
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.wallet import top_up

from .loyalty_helpers import (
    YUAN,
    assert_sound,
    audit_rows,
    new_member,
    outbox_kinds,
    points_of,
    refused,
    sell,
    snapshot,
)

START = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def versions(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(ProgramVersion))


def generic_with(**changes: Any) -> dict[str, Any]:
    data = preset("generic").model_dump()
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = data
        for p in parents:
            node = node[p]
        node[leaf] = value
    return data


def test_a_shop_without_a_program_runs_the_generic_preset(tmp_path: Path) -> None:
    store = Store(tmp_path / "bare.sqlite", clock=FixedClock(START))  # no fixture: no program
    try:
        configure_shop(store, name="新店", store_code="S009")
        info = add_staff(store, SYSTEM, "老板", "owner", "8888")
        owner = Actor(info.id, info.name, info.role)
        assert versions(store) == 0
        r = sell(store, owner, None, 100 * YUAN)
        assert r.receipt_no.startswith("S009-")
        current = current_program(store)
        assert (current.version, current.program.code) == (1, "generic")
        with store.read() as s:
            assert s.scalar(select(Sale.program_version)) == 1
            assert s.get(ProgramVersion, 1).saved_by == "系统"
    finally:
        store.close()


def test_invalid_settings_are_refused_with_field_and_reason(store: Store, owner: Actor) -> None:
    save_program(store, owner, preset("generic"))
    before = snapshot(store), versions(store), outbox_kinds(store)
    bad = generic_with(
        redeem__max_share_percent=150,
        earn__fen_per_point=0,
        wallet__refund_policy="sometimes",
    )
    with pytest.raises(ProgramInvalid) as exc:
        save_program(store, owner, bad)
    fields = {p.path: p.text("zh_CN") for p in exc.value.errors}
    assert fields == {
        "redeem.max_share_percent": "不能超过100%",
        "earn.fen_per_point": "必须大于0",
        "wallet.refund_policy": fields["wallet.refund_policy"],
    }
    assert "只能是" in fields["wallet.refund_policy"]
    # Cross-field rules name their field too: tiers must rise.
    levels = [dict(t) for t in preset("generic").model_dump()["tiers"]["levels"]]
    levels[2]["threshold_fen"] = levels[1]["threshold_fen"]
    with pytest.raises(ProgramInvalid) as exc:
        save_program(store, owner, generic_with(tiers__levels=levels))
    assert [(p.path, p.text("zh_CN")) for p in exc.value.errors] == [
        ("tiers.levels.2.threshold_fen", "门槛必须高于上一等级")
    ]
    with pytest.raises(ProgramInvalid) as exc:
        revise(preset("generic"), {"promotions": {"member_day": 32}})
    assert exc.value.errors[0][0] == "promotions.member_day"
    assert (snapshot(store), versions(store), outbox_kinds(store)) == before


def test_cashier_cannot_change_the_program(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    v = save_program(store, owner, preset("generic")).version
    refused(store, lambda: save_program(store, cashier, preset("clothing")), "permission.denied")
    assert current_program(store).program.code == "generic"
    saved = save_program(store, cashier, preset("clothing"), authoriser=manager, note="换季")
    assert (saved.version, current_program(store).program.code) == (v + 1, "clothing")
    rows = audit_rows(store, "program.change")
    assert [(a.staff_name, a.authorised_by, a.target) for a in rows] == [
        ("老板", None, f"v{v}"),
        ("收银员", "店长", f"v{v + 1}"),
    ]
    assert rows[1].detail == {"from_version": v, "preset": "clothing", "note": "换季"}
    assert outbox_kinds(store).count("program.saved") == v + 1  # one per version


def test_a_change_applies_from_the_moment_it_is_saved(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    v = save_program(store, owner, preset("generic")).version
    m = new_member(store, owner)
    old = sell(store, owner, m.id, 300 * YUAN)
    assert old.points_earned == 300  # generic: 1 元 = 1 分
    clock.advance(minutes=1)
    assert save_program(store, owner, preset("prepaid")).version == v + 1
    new = sell(store, owner, m.id, 300 * YUAN)
    assert new.points_earned == 3  # prepaid: 100 元 = 1 分
    with store.read() as s:
        stored = s.execute(select(Sale.program_version).order_by(Sale.receipt_no)).scalars()
        assert list(stored) == [v, v + 1]
        assert program_version(s, v).code == "generic"


def test_refund_of_an_old_sale_uses_the_old_versions_policy(
    store: Store, clock: FixedClock, owner: Actor, manager: Actor
) -> None:
    """v1 allows a negative balance; v2 refuses. The old sale's refund follows v1, a sale
    made under v2 follows v2."""
    save_program(
        store, owner, revise(preset("generic"), {"wallet": {"refund_policy": "allow_negative"}})
    )
    m = new_member(store, owner)
    old = sell(store, owner, m.id, 100 * YUAN)  # 100 分 under v1
    save_program(store, owner, preset("generic"))  # v2: refund_policy = refuse
    new = sell(store, owner, m.id, 100 * YUAN)  # 100 分 under v2
    adjust_points(store, manager, m.id, -150, "兑换")  # 50 left
    refused(store, lambda: refund(store, manager, new.receipt_no), "refund.points_spent")
    r = refund(store, manager, old.receipt_no)
    assert (r.points_reversed, r.points_after) == (100, -50)
    assert points_of(store, m.id) == -50
    assert_sound(store)


def test_program_versions_are_never_edited(store: Store, owner: Actor) -> None:
    v = save_program(store, owner, preset("generic")).version
    save_program(store, owner, preset("supermarket"))
    with store.read() as s:
        rows = list(s.scalars(select(ProgramVersion).where(ProgramVersion.version >= v)))
    assert [(r.version, r.preset, r.saved_by) for r in rows] == [
        (v, "generic", "老板"),
        (v + 1, "supermarket", "老板"),
    ]
    assert program_version_code(store, v) == "generic"
    assert current_program(store).version == v + 1


def program_version_code(store: Store, version: int) -> str:
    with store.read() as s:
        return program_version(s, version).code


def test_a_program_saved_before_points_could_be_kept_longer_still_runs(
    store: Store, clock: FixedClock, owner: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version saved before programs could keep points a year longer has no `keep_years`:
    it loads as clearing what is not the year's own, sales and the daily job run under it,
    and the shop's check passes (its journal sealed the document as it was written)."""
    older = preset("supermarket")
    document = json.loads(older.to_json())
    del document["expiry"]["keep_years"]
    monkeypatch.setattr(type(older), "to_json", lambda self: json.dumps(document))
    version = save_program(store, owner, older).version
    monkeypatch.undo()
    with store.read() as s:
        stored = s.get(ProgramVersion, version)
        assert stored is not None and "keep_years" not in stored.settings["expiry"]
    assert current_program(store).program.expiry.keep_years == 0
    clock.at = datetime(2026, 3, 10, 2, tzinfo=UTC)
    m = new_member(store, owner)
    sell(store, owner, m.id, 100 * YUAN)
    clock.at = datetime(2027, 1, 1, 2, tzinfo=UTC)  # 10:00 in Shanghai
    assert run_daily_jobs(store).expired_points == 100
    report = run_checks(store, full=True)
    assert report.ok, report.problems
    assert_sound(store)
    # Saved again with points kept to the end of the next year: the new version says so.
    kept = save_program(store, owner, revise(older, {"expiry": {"keep_years": 1}})).version
    with store.read() as s:
        assert s.get(ProgramVersion, kept).settings["expiry"]["keep_years"] == 1
    assert program_version_code(store, version) == "supermarket"
    assert run_checks(store, full=True).ok


def test_a_program_saved_before_the_stored_value_limit_loads_with_the_default(
    store: Store, owner: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version saved before there was a limit on the principal has no `principal_limit_fen`:
    it loads with ¥5,000, even with a top-up tier above it (充10000送1500), which top-ups then
    never reach; saving the program again names that tier as a problem to fix."""
    older = revise(
        preset("prepaid"),
        {"wallet": {"principal_limit_fen": 0, "topup_bonus": [
            {"min_topup_fen": 1000 * YUAN, "bonus_fen": 100 * YUAN},
            {"min_topup_fen": 10000 * YUAN, "bonus_fen": 1500 * YUAN}]}},
    )  # fmt: skip
    document = json.loads(older.to_json())
    del document["wallet"]["principal_limit_fen"]
    monkeypatch.setattr(type(older), "to_json", lambda self: json.dumps(document))
    version = save_program(store, owner, older).version
    monkeypatch.undo()
    with store.read() as s:
        stored = s.get(ProgramVersion, version)
        assert stored is not None and "principal_limit_fen" not in stored.settings["wallet"]
    loaded = current_program(store).program
    assert loaded.wallet.principal_limit_fen == 5000 * YUAN
    m = new_member(store, owner)
    refused(store, lambda: top_up(store, owner, m.id, 10000 * YUAN, "cash"), "topup.over_limit")
    saved = versions(store)
    with pytest.raises(ProgramInvalid) as caught:
        save_program(store, owner, loaded)
    [problem] = caught.value.errors
    assert problem.path == "wallet.topup_bonus.1.min_topup_fen"
    assert problem.text("zh_CN") == ("充值 ¥10,000.00 超过储值上限 ¥5,000.00：此项赠送永远无法送出")
    assert versions(store) == saved
    # With no limit (a shop the rule does not cover) the same tiers are saved.
    unlimited = revise(loaded, {"wallet": {"principal_limit_fen": 0}})
    assert save_program(store, owner, unlimited).program.wallet.principal_limit_fen == 0
    assert top_up(store, owner, m.id, 10000 * YUAN, "cash").bonus_delta == 1500 * YUAN
