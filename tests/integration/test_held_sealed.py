"""A held sale is sealed when it is put aside (a sealed audit log entry with the digest of
what was held): someone holding the file who lowers its prices, raises its discount, names
another approver or another member, or writes a held sale in, cannot have it rung up —
recalling it is refused and changes nothing, `check` names it, and a manager or the owner
can remove it from the list."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.database import Store
from memberdesk.core.store.journal import append_unattended_audit
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.discounts import approve_discount, try_discount
from memberdesk.core.till.held import count_held, discard_held, held_sales, hold_sale, recall_held
from memberdesk.core.till.manual import ManualDiscount


def _edit(db_path: Path, *statements: str) -> None:
    """Someone holding the file changes it by hand."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        for sql in statements:
            conn.execute(sql)
    conn.close()


def _found(store: Store) -> list[str]:
    return [p.text("en") for p in run_checks(store).problems]


def _discounted(store, cashier, member_id: str) -> CheckoutRequest:
    """A coat at 20 % off, approved by the manager's PIN, and a scarf, for a member."""
    base = CheckoutRequest(lines=(SaleLineInput("外套", 50000),), member_id=member_id)
    asked = try_discount(store, cashier, base, 0, ManualDiscount("percent", 20, zhe=True))
    who = approve_discount(store, "店长", "6666", asked.applied)
    return CheckoutRequest(
        lines=(SaleLineInput("外套", 50000, manual=asked.applied.discount.approved(who)),
               SaleLineInput("围巾", 9900)),
        member_id=member_id,
    )  # fmt: skip


FORGERIES = [
    ("a line's price lowered",
     "UPDATE held_sales SET sale = json_set(sale, '$.lines[0].unit_price', 500), amount = 500"),
    ("its approved discount made deeper",
     "UPDATE held_sales SET sale = json_set(sale, '$.lines[0].manual.value', 10)"),
    ("a discount written in under the owner's name",
     "UPDATE held_sales SET sale = json_set(sale, '$.lines[1].manual', json('{\"kind\": "
     "\"percent\", \"value\": 50, \"zhe\": false, \"approved_by\": {\"id\": \"{owner}\", "
     "\"name\": \"老板\"}}'))"),
    ("another member's",
     "UPDATE held_sales SET member_id = '{other}', member_name = '钱七',"
     " sale = json_set(sale, '$.member_id', '{other}')"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "sql"), FORGERIES, ids=[f[0] for f in FORGERIES])
def test_a_held_sale_changed_in_the_file_is_not_rung_up_and_check_names_it(
    what, sql, store, db_path, owner, manager, cashier
):
    member = issue_card(store, owner, MemberForm(name="周九", phone="13700001234"))
    other = issue_card(store, owner, MemberForm(name="钱七", phone="13700005678"))
    held = hold_sale(store, cashier, _discounted(store, cashier, member.id))
    assert run_checks(store).ok

    _edit(db_path, sql.replace("{owner}", owner.staff_id).replace("{other}", other.id))

    with pytest.raises(DomainError) as refused:
        recall_held(store, cashier, held.id)
    assert refused.value.code == "held.altered"
    assert "不能取回" in refused.value.message("zh_CN")
    assert "cannot be taken back" in refused.value.message("en")
    assert count_held(store) == 1  # nothing changed: it is still on the list
    found = _found(store)
    assert any(f"held sale {held.id}" in p and "changed outside memberdesk" in p
               for p in found), found  # fmt: skip

    # The cashier cannot make it go away unseen: a manager or the owner removes it.
    with pytest.raises(DomainError) as denied:
        discard_held(store, cashier, held.id)
    assert denied.value.code == "permission.denied" and count_held(store) == 1
    discard_held(store, cashier, held.id, authoriser=manager)
    assert count_held(store) == 0
    assert run_checks(store).ok


def test_a_held_sale_written_in_by_hand_or_put_back_after_its_recall_is_named(
    store, db_path, owner, manager, cashier
):
    member = issue_card(store, owner, MemberForm(name="周九", phone="13700001234"))
    held = hold_sale(store, cashier, _discounted(store, cashier, member.id))
    _edit(db_path,
          "INSERT INTO held_sales SELECT 'forged-1', held_at, staff_id, staff_name, shift_id,"
          " member_id, member_name, amount, line_count, sale FROM held_sales",
          "CREATE TABLE kept AS SELECT * FROM held_sales WHERE id != 'forged-1'")  # fmt: skip

    found = _found(store)
    assert any("held sale forged-1" in p and "written into the file" in p for p in found), found
    with pytest.raises(DomainError) as refused:
        recall_held(store, cashier, "forged-1")
    assert refused.value.code == "held.altered"

    # The honest one comes back; put back in the file afterwards, it is refused: the
    # manager's discount would be given a second time without the manager.
    draft = recall_held(store, cashier, held.id)
    assert draft.request.lines[0].manual.approved_by.name == "店长"
    _edit(db_path, "INSERT INTO held_sales SELECT * FROM kept", "DROP TABLE kept")
    with pytest.raises(DomainError) as again:
        recall_held(store, cashier, held.id)
    assert again.value.code == "held.altered"
    found = _found(store)
    assert any(f"held sale {held.id}" in p and "written into the file" in p
               for p in found), found  # fmt: skip


def test_honest_holds_recalls_and_removals_leave_the_check_clean(store, owner, manager, cashier):
    member = issue_card(store, owner, MemberForm(name="周九", phone="13700001234"))
    first = hold_sale(store, cashier, _discounted(store, cashier, member.id))
    second = hold_sale(store, cashier, CheckoutRequest(lines=(SaleLineInput("咖啡", 2800),)))
    assert run_checks(store).ok
    on_screen = CheckoutRequest(lines=(SaleLineInput("面包", 1200),))
    draft = recall_held(store, cashier, first.id, swap=on_screen)
    assert draft.request == _discounted(store, cashier, member.id)
    assert sorted(h.amount for h in held_sales(store)) == [1200, 2800]
    discard_held(store, cashier, second.id)  # the customer left: a cashier may drop it
    assert [h.amount for h in held_sales(store)] == [1200]
    sold = checkout(store, cashier, CheckoutRequest(**{**draft.request.__dict__,
                                                       "tenders": {"cash": 50000}}))  # fmt: skip
    assert sold.total == 40000 + 9900
    assert run_checks(store).ok
    with pytest.raises(DomainError) as gone:
        discard_held(store, cashier, second.id)
    assert gone.value.code == "held.gone"


def test_a_sale_held_before_the_seal_is_sealed_when_the_file_is_upgraded(
    db_path, clock, store, cashier
):
    store.close()
    _edit(db_path,
          "INSERT INTO held_sales VALUES ('old-1', '2026-03-10 01:00:00.000000',"
          f" '{cashier.staff_id}', '收银员', NULL, NULL, '', 2800, 1,"
          " '{\"lines\": [{\"description\": \"咖啡\", \"unit_price\": 2800, \"quantity\": 1,"
          " \"category\": \"\", \"no_discount\": false, \"price_typed\": false, \"manual\": null}],"
          " \"member_id\": null, \"gift_code\": null, \"sale_discount\": null, \"coupon\": null}')",
          "UPDATE alembic_version SET version_num = '0018'")  # fmt: skip
    with Store(db_path, clock=clock) as upgraded:
        assert run_checks(upgraded).ok
        assert recall_held(upgraded, cashier, "old-1").request.lines[0].unit_price == 2800
        assert run_checks(upgraded).ok


def _held_findings(store: Store) -> list[str]:
    return [p for p in _found(store) if "held sale" in p]


def test_a_held_sale_deleted_in_the_file_is_named_with_its_amount(
    store, db_path, clock, owner, manager, cashier
):
    """The cashier takes ¥300 cash, puts the sale aside and deletes it in the file: no sale,
    no removal, the money pocketed. Sales taken back and rung up, removed at the till or
    still waiting are not named."""
    coat = CheckoutRequest(lines=(SaleLineInput("外套", 30000),))
    pocketed = hold_sale(store, cashier, coat)
    clock.advance(minutes=5)
    rung_up = hold_sale(store, cashier, CheckoutRequest(lines=(SaleLineInput("咖啡", 2800),)))
    left = hold_sale(store, cashier, CheckoutRequest(lines=(SaleLineInput("面包", 1200),)))
    waiting = hold_sale(store, manager, CheckoutRequest(lines=(SaleLineInput("围巾", 9900),)))
    draft = recall_held(store, cashier, rung_up.id)
    checkout(store, cashier, CheckoutRequest(lines=draft.request.lines, tenders={"cash": 2800}))
    discard_held(store, cashier, left.id)
    assert run_checks(store).ok

    _edit(db_path, f"DELETE FROM held_sales WHERE id = '{pocketed.id}'")

    assert [h.id for h in held_sales(store)] == [waiting.id]
    found = _held_findings(store)
    assert len(found) == 1, found
    assert f"held sale {pocketed.id} (put aside 2026-03-10 10:00 by 收银员, ¥300.00)" in found[0]
    assert "deleted from the file outside memberdesk" in found[0]
    zh = [p.text("zh_CN") for p in run_checks(store).problems if pocketed.id in p.text("en")]
    assert len(zh) == 1 and "¥300.00" in zh[0] and "收银员" in zh[0] and "删除" in zh[0], zh


def test_a_deleted_held_sale_sealed_before_its_amount_was_recorded_says_what_is_known(
    store, db_path, cashier
):
    """A hold made before its amount was recorded says when and by whom; a seal the upgrade
    wrote without them says when it was sealed."""
    with store.write() as uow:  # a hold's entry as the till wrote it then: the digest alone
        uow.audit("held.hold", staff_id=cashier.staff_id, staff_name=cashier.name,
                  target="older-1", detail={"digest": "0" * 64})  # fmt: skip
    _edit_audit(db_path, ("held.hold", "sealed-1", '{"digest": "' + "1" * 64 + '"}'))

    found = _held_findings(store)
    assert len(found) == 2, found
    older = next(p for p in found if "older-1" in p)
    assert "put aside 2026-03-10 10:00 by 收银员; its amount was not recorded" in older
    assert "deleted from the file" in older
    sealed = next(p for p in found if "sealed-1" in p)
    assert "put aside before 2026-03-11 09:30, when the file was upgraded" in sealed
    assert "deleted from the file" in sealed


def _edit_audit(db_path: Path, *entries: tuple[str, str, str]) -> None:
    """Entries the upgrade appended, sealed to the log as it did (no one at the till)."""
    conn = sqlite3.connect(db_path)
    with conn:
        append_unattended_audit(conn.execute, "2026-03-11 01:30:00.000000", list(entries))
    conn.close()


def test_a_sale_held_before_the_seal_and_deleted_after_the_upgrade_is_named(
    db_path, clock, store, cashier
):
    store.close()
    _edit(db_path,
          "INSERT INTO held_sales VALUES ('old-2', '2026-03-09 03:15:00.000000',"
          f" '{cashier.staff_id}', '收银员', NULL, NULL, '', 4500, 1,"
          " '{\"lines\": [{\"description\": \"帽子\", \"unit_price\": 4500, \"quantity\": 1,"
          " \"category\": \"\", \"no_discount\": false, \"price_typed\": false, \"manual\": null}],"
          " \"member_id\": null, \"gift_code\": null, \"sale_discount\": null, \"coupon\": null}')",
          "UPDATE alembic_version SET version_num = '0018'")  # fmt: skip
    with Store(db_path, clock=clock) as upgraded:
        assert run_checks(upgraded).ok
    _edit(db_path, "DELETE FROM held_sales WHERE id = 'old-2'")
    with Store(db_path, clock=clock) as upgraded:
        found = _held_findings(upgraded)
    assert len(found) == 1, found
    assert "held sale old-2 (put aside 2026-03-09 11:15 by 收银员, ¥45.00)" in found[0]
