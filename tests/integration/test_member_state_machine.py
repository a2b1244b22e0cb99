"""Random sequences of the member lifecycle against a model, on a real SQLite file.

Valid steps must do exactly what the model says; invalid ones (a bad phone, a future
birthday, a phone already in use, a status change that is not allowed) must raise a
DomainError and change nothing at all. After every step `check` passes.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
)
from sqlalchemy import select, text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.clock import FixedClock, shop_date
from memberdesk.core.errors import DomainError, ValidationFailed
from memberdesk.core.members.birthdays import GUARDIAN_AGE, Birthday, age_on
from memberdesk.core.members.lookup import find_members
from memberdesk.core.members.member import (
    MemberForm,
    cancel,
    edit_member,
    freeze,
    issue_card,
    phone_holder,
    replace_card,
    report_lost,
    unfreeze,
)
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member
from tests.conftest import START

pytestmark = pytest.mark.slow

# A small pool, so that duplicates and re-use after cancelling really happen.
PHONES = [f"1381234{n:04d}" for n in range(6)] + ["13900001111", "15012345678"]
BAD_PHONES = ["123", "1381234567", "138123456789", "23812345678", "abcdefghijk", "110"]
NAMES = ["张三", "李四", "王小明", "曾国藩", "欧阳娜娜", "Anna Lee", "ÉLODIE", "单田芳"]

names = st.one_of(
    st.sampled_from(NAMES),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=4),
)
phones = st.one_of(st.none(), st.sampled_from(PHONES))
birthdays = st.one_of(st.none(), st.dates(min_value=date(1930, 1, 1), max_value=date(2015, 12, 31)))
LIVE = {"active", "lost", "frozen"}


@functools.cache
def migrated_shop() -> Path:
    """An empty shop at the newest schema, made once; each example starts from a copy."""
    folder = Path(tempfile.mkdtemp(prefix="memberdesk-sm-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "memberdesk.sqlite"
    with Store(path, clock=FixedClock(START)) as store:
        configure_shop(store, name="状态机小店", store_code="S001")
    return path


@dataclass
class Model:
    name: str
    phone: str | None
    status: str = "active"
    version: int = 1
    card_no: str = ""


class MemberLifecycle(RuleBasedStateMachine):
    members = Bundle("members")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="memberdesk-sm-"))
        self.clock = FixedClock(START)
        path = self.folder / "memberdesk.sqlite"
        shutil.copyfile(migrated_shop(), path)  # a fresh file per example, without re-migrating
        self.store = Store(path, clock=self.clock)
        self.model: dict[str, Model] = {}
        self.before_loss: dict[str, str] = {}

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # ------------------------------------------------------------ helpers

    def snapshot(self) -> tuple:
        """Every row a member operation could touch."""
        with self.store.read() as s:
            return tuple(
                tuple(s.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")))
                for table in ("members", "cards", "member_search", "outbox", "settings")
            )

    def refused(self, action, *args, **kwargs) -> DomainError:
        """`action` must raise a DomainError and leave the database exactly as it was."""
        before = self.snapshot()
        with pytest.raises(DomainError) as err:
            action(self.store, *args, **kwargs)
        assert self.snapshot() == before, f"{err.value.code} changed the database"
        return err.value

    def live_holder(self, phone: str | None, except_id: str | None = None) -> str | None:
        for member_id, m in self.model.items():
            if phone and m.phone == phone and m.status in LIVE and member_id != except_id:
                return member_id
        return None

    def today(self) -> date:
        return shop_date(self.clock.now())

    def changed(self, member_id: str, view) -> None:
        m = self.model[member_id]
        m.version += 1
        assert (view.status, view.version) == (m.status, m.version)

    # ------------------------------------------------------------ issuing

    @rule(target=members, name=names, phone=phones, birthday=birthdays, consent=st.booleans())
    def issue(self, name: str, phone: str | None, birthday: date | None, consent: bool):
        form = MemberForm(name=name, phone=phone, birthday=birthday, guardian_consent=consent)
        holder = self.live_holder(phone)
        child = birthday is not None and age_on(Birthday(birthday), self.today()) < GUARDIAN_AGE
        if holder is not None or (child and not consent):
            err = self.refused(issue_card, SYSTEM, form)
            assert isinstance(err, ValidationFailed)
            expected = {"phone"} if holder is not None else set()
            expected |= {"guardian_consent"} if child and not consent else set()
            assert set(err.errors) == expected, err.errors
            if holder is not None:
                assert err.errors["phone"].code == "phone.duplicate"
            return multiple()
        view = issue_card(self.store, SYSTEM, form)
        assert (view.status, view.version, view.phone) == ("active", 1, phone)
        self.model[view.id] = Model(name=name, phone=phone, card_no=view.card_no)
        return view.id

    @rule(name=names, phone=st.sampled_from(BAD_PHONES))
    def issue_with_bad_phone(self, name: str, phone: str) -> None:
        err = self.refused(issue_card, SYSTEM, MemberForm(name=name, phone=phone))
        assert err.code == "phone.invalid"

    @rule(name=names, days=st.integers(min_value=1, max_value=3000))
    def issue_born_in_the_future(self, name: str, days: int) -> None:
        born = self.today() + timedelta(days=days)
        err = self.refused(issue_card, SYSTEM, MemberForm(name=name, birthday=born))
        assert err.code == "birthday.future"

    @precondition(lambda self: any(m.phone and m.status in LIVE for m in self.model.values()))
    @rule(name=names, data=st.data())
    def issue_with_a_phone_in_use(self, name: str, data: st.DataObject) -> None:
        taken = sorted(m.phone for m in self.model.values() if m.phone and m.status in LIVE)
        phone = data.draw(st.sampled_from(taken))
        err = self.refused(issue_card, SYSTEM, MemberForm(name=name, phone=phone))
        assert err.code == "phone.duplicate"

    # ------------------------------------------------------------ changing

    @rule(member_id=members, name=names, phone=phones)
    def edit(self, member_id: str, name: str, phone: str | None) -> None:
        m = self.model[member_id]
        form = MemberForm(name=name, phone=phone, notes="改过")
        if m.status == "cancelled":
            assert self.refused(edit_member, SYSTEM, member_id, form).code == "member.cancelled"
        elif self.live_holder(phone, except_id=member_id) is not None:
            assert self.refused(edit_member, SYSTEM, member_id, form).code == "phone.duplicate"
        else:
            view = edit_member(self.store, SYSTEM, member_id, form)
            m.name, m.phone = name, phone
            self.changed(member_id, view)

    @rule(member_id=members)
    def edit_with_a_stale_version(self, member_id: str) -> None:
        m = self.model[member_id]
        if m.status != "cancelled":
            form = MemberForm(name=m.name, phone=m.phone)
            err = self.refused(edit_member, SYSTEM, member_id, form, expected_version=m.version - 1)
            assert err.code == "member.stale"

    def _transition(self, action, member_id: str, allowed: set[str], to: str | None) -> None:
        m = self.model[member_id]
        if m.status not in allowed:
            assert self.refused(action, SYSTEM, member_id).code == "member.bad_status_change"
            return
        view = action(self.store, SYSTEM, member_id)
        if to is not None:
            m.status = to
        self.changed(member_id, view)
        if view.card_no != m.card_no:
            assert action is replace_card
            m.card_no = view.card_no

    @rule(member_id=members)
    def lose_card(self, member_id: str) -> None:
        was = self.model[member_id].status
        self._transition(report_lost, member_id, {"active", "frozen"}, "lost")
        if was in ("active", "frozen"):
            self.before_loss[member_id] = was

    @rule(member_id=members)
    def replace(self, member_id: str) -> None:
        was = self.model[member_id].status
        old_card = self.model[member_id].card_no
        # A card frozen before it was lost stays frozen on the new card.
        to = self.before_loss.get(member_id, "active") if was == "lost" else None
        self._transition(replace_card, member_id, LIVE, to)
        if was in LIVE:
            assert self.model[member_id].card_no != old_card

    @rule(member_id=members)
    def freeze_member(self, member_id: str) -> None:
        self._transition(freeze, member_id, {"active"}, "frozen")

    @rule(member_id=members)
    def unfreeze_member(self, member_id: str) -> None:
        self._transition(unfreeze, member_id, {"frozen"}, "active")

    @rule(member_id=members)
    def cancel_member(self, member_id: str) -> None:
        self._transition(cancel, member_id, LIVE, "cancelled")

    @rule(hours=st.integers(min_value=1, max_value=24 * 200))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    # ------------------------------------------------------------ after every step

    @invariant()
    def check_passes(self) -> None:
        report = run_checks(self.store)
        assert report.ok, report.problems

    @invariant()
    def database_agrees_with_the_model(self) -> None:
        with self.store.read() as s:
            rows = {r.id: r for r in s.execute(select(Member.id, Member.status, Member.version,
                                                      Member.phone, Member.card_no))}  # fmt: skip
        assert len(rows) == len(self.model)
        for member_id, m in self.model.items():
            r = rows[member_id]
            assert (r.status, r.version, r.phone, r.card_no) == (
                m.status, m.version, m.phone, m.card_no,
            )  # fmt: skip

    @invariant()
    def a_cancelled_members_phone_is_free(self) -> None:
        with self.store.read() as s:
            for m in self.model.values():
                if m.status != "cancelled" or not m.phone:
                    continue
                holder = phone_holder(s, m.phone)
                assert holder is None or holder.id == self.live_holder(m.phone)
        for member_id, m in self.model.items():
            if m.status == "cancelled" and m.phone:
                hits = find_members(self.store, m.phone).hits
                assert member_id not in {h.member_id for h in hits}


MemberLifecycle.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestMemberLifecycle = MemberLifecycle.TestCase
