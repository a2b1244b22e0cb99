"""The member import's first pass: every row checked against the store and the rows
before it, and a plan of what the second pass writes.

The store's members, cards, staff and tiers are loaded once (a dict lookup per row).
The file is streamed: a row is parsed, checked and let go; what outlives it is small
— the first row each card and phone appeared on, a state byte per row, the problems
of bad rows, the referrers between new members — so memory follows the number of
rows, not the size of the file, and the plan can be replayed: the second pass reads
the file again and writes the rows the plan marks, in the order it gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import from_utc_naive, shop_date
from ..errors import DomainError
from ..i18n import DEFAULT_LANG, N_, Listing, Message, translate
from ..loyalty.program_store import tier_names
from ..money import format_fen
from ..progress import Progress, counted
from ..shop.details import read_setting, shop_info
from ..store.models import Card, Member, Staff
from . import import_columns as sheets
from .birthdays import GUARDIAN_AGE, Birthday, under_guardian
from .import_columns import RowContext, Sheet, SheetRow
from .member import STATUS_NAMES
from .phone import mask_phone, normalize_mobile

# What the first pass decided for each row (a byte per row number).
BLANK, NEW, UPDATE, SKIP, BAD = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Opening:
    """The opening balance a new member's row brings from the old system."""

    row: int
    name: str
    points: int
    principal: int  # fen
    bonus: int  # fen

    def message(self, lang: str | None = DEFAULT_LANG) -> str:
        return translate(N_("{name} opens {points} points and {wallet} stored value ({bonus} bonus)"),
                         lang, name=self.name, points=self.points,
                         wallet=format_fen(self.principal + self.bonus), bonus=format_fen(self.bonus))  # fmt: skip


@dataclass(frozen=True)
class Kept:
    """A row about a member already here that is not written (or whose balances are not)."""

    row: int
    member_name: str
    card_no: str
    reason: DomainError

    def message(self, lang: str | None = DEFAULT_LANG) -> str:
        return self.reason.message(lang)


@dataclass
class Plan:
    """What the first pass found: the state of every row, the problems of the bad ones,
    and what the writing needs to know beyond each row's own cells."""

    total: int = 0  # data rows
    state: bytearray = field(default_factory=bytearray)
    problems: dict[int, list[tuple[str, DomainError]]] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)  # rows skipped, and why
    balances_kept: list[Kept] = field(default_factory=list)
    openings: list[Opening] = field(default_factory=list)
    referrers: dict[int, str] = field(default_factory=dict)  # row -> card or phone to refer by
    depends: dict[int, int] = field(default_factory=dict)  # row -> a new member's row before it
    has_points: bool = False  # the sheet brings the old system's points

    def count(self, state: int) -> int:
        return self.state.count(state)

    def mark(self, row: int, state: int) -> None:
        if row >= len(self.state):
            self.state.extend(bytes(row + 1 - len(self.state)))
        self.state[row] = state

    def problem(self, row: int, name: str, error: DomainError) -> None:
        self.problems.setdefault(row, []).append((name, error))
        self.mark(row, BAD)


class SheetCheck:
    """The store's members, cards, staff and tiers as the import sees them, loaded once."""

    def __init__(self, session: Session, now: datetime):
        shop = shop_info(session)
        today = shop_date(from_utc_naive(now), shop.timezone)
        self.ctx = RowContext(shop.card_prefix, ZoneInfo(shop.timezone), now, today)
        q = select(Member.id, Member.name, Member.card_no, Member.phone, Member.status,
                   Member.updated_at, Member.tier, Member.points, Member.wallet_principal,
                   Member.wallet_bonus, Member.birthday, Member.guardian_consent)  # fmt: skip
        self.members = {m.id: m for m in session.execute(q)}
        self.by_card = dict(session.execute(select(Card.card_no, Card.member_id)).all())
        self.by_phone = {m.phone: i for i, m in self.members.items()
                         if m.phone and m.status != "cancelled"}  # fmt: skip
        self.staff = dict(session.execute(select(Staff.name, Staff.id)).all())
        # A shop that never saved its program gets the default preset on its first member.
        self.names = tier_names(session)
        self.tiers = _tier_codes(read_setting(session, "program.tier_codes", None) or self.names)
        self.seen: dict[tuple[str, str], int] = {}  # (kind, key) -> the first row with it
        self.flagged: set[tuple[str, str]] = set()
        self.members_of_rows: dict[int, str] = {}  # row -> the member here it is about
        self.refs: list[tuple[int, str, str | None]] = []  # (row, referrer as written, member)

    def resolve(self, r: SheetRow) -> Any:
        """Which member here the row is about (same card, else same phone), its
        salesperson and tier as the store knows them; returns the member's row or None."""
        by_card = self.by_card.get(r.card) if r.card else None
        by_phone = self.by_phone.get(r.phone) if r.phone else None
        r.member_id = by_card or by_phone
        known = self.members.get(r.member_id) if r.member_id else None
        if r.salesperson:
            r.salesperson_id = self.staff.get(r.salesperson)
        if r.tier and not (known and known.tier == r.tier):
            r.tier = self._tier(r, r.tier)
        return known

    def match(self, r: SheetRow, plan: Plan) -> None:
        """The row against the store and the rows before it; its state goes in `plan`."""
        known = self.resolve(r)
        by_card = self.by_card.get(r.card) if r.card else None
        by_phone = self.by_phone.get(r.phone) if r.phone else None
        target = r.member_id
        live = (known.status if known else r.status or "active") != "cancelled"
        if by_card and by_phone and by_card != by_phone and live:
            other = self.members[by_phone]
            r.problems.append(("phone", DomainError("phone.duplicate", name=other.name, card=other.card_no)))  # fmt: skip
        elif known and by_phone and r.card and not by_card:
            r.problems.append(("card", DomainError("import.card_mismatch", card=r.card, phone=r.phone,
                                                   name=known.name, member_card=known.card_no)))  # fmt: skip
        if r.masked and (known is None or mask_phone(known.phone) != r.masked):
            r.problems.append(("phone", DomainError("import.phone_masked", phone=r.masked)))
        if known is None and r.status not in (None, "active"):
            status = Message(STATUS_NAMES[r.status])
            r.problems.append(("status", DomainError("import.status_new", status=status)))
        if r.salesperson and r.salesperson_id is None:
            r.problems.append(("salesperson", DomainError("import.salesperson_unknown", name=r.salesperson)))  # fmt: skip
        self._once(r, plan, "card", r.card, "import.duplicate_card")
        if live:
            self._once(r, plan, "phone", r.phone, "import.duplicate_phone")
        if target and not r.bad:
            self._once(r, plan, "row", target, "import.same_member", known.name)
        if known is not None and not r.bad:
            self._decide(r, known)
        if r.skip is None:  # a row left as the member is here needs nothing more
            self._guardian(r, known)
        if known is not None and r.member_id:
            self.members_of_rows[r.row] = r.member_id
            if not r.bad:
                self._balances(r, known, plan)
        if r.referrer:
            self.refs.append((r.row, r.referrer, r.member_id))
        for name, error in r.problems:
            plan.problem(r.row, name, error)
        if r.bad:
            return
        if r.skip is not None:
            plan.mark(r.row, SKIP)
            plan.kept.append(Kept(r.row, known.name, known.card_no, r.skip))
        elif known is not None:
            plan.mark(r.row, UPDATE)
        else:
            plan.mark(r.row, NEW)
            if r.opening:
                plan.openings.append(Opening(r.row, r.name, r.points or 0, r.principal or 0, r.bonus or 0))  # fmt: skip

    def _guardian(self, r: SheetRow, known: Any) -> None:
        """A member under 14 needs a guardian's consent (member.py), given in the row or held
        here already; a blank birthday keeps the one held here."""
        born = r.born or (known.birthday if known is not None else None)
        if born is None or not under_guardian(Birthday(born), self.ctx.today):
            return
        if not (
            r.guardian or (r.guardian is None and known is not None and known.guardian_consent)
        ):
            error = DomainError("member.guardian_consent", age=GUARDIAN_AGE)
            r.problems.append(("guardian", error))

    def _tier(self, r: SheetRow, tier: str) -> str:
        code = (self.tiers or {}).get(tier.lower())
        if code is None and self.tiers:
            known = Listing(dict.fromkeys(self.names.get(c, c) for c in self.tiers.values()))
            r.problems.append(("tier", DomainError("import.tier_unknown", tier=tier, known=known)))
        elif code is None:  # no tiers until the loyalty program sets them up
            r.problems.append(("tier", DomainError("import.tier_unconfigured", tier=tier)))
        return code or tier

    def _once(self, r: SheetRow, plan: Plan, kind: str, key: str | None, code: str,
              shown: str = "") -> None:  # fmt: skip
        """A card, phone or member seen on an earlier row: both rows name each other."""
        if not key:
            return
        first = self.seen.setdefault((kind, key), r.row)
        if first == r.row:
            return
        r.problems.append((kind, DomainError(code, value=shown or key, other=first)))
        if (kind, key) not in self.flagged:
            self.flagged.add((kind, key))
            plan.problem(first, kind, DomainError(code, value=shown or key, other=r.row))

    def _decide(self, r: SheetRow, known: Any) -> None:
        """Update the member only when the row's 更新时间 is newer than the store's."""
        stored = known.updated_at.replace(microsecond=0)
        when = from_utc_naive(stored).astimezone(self.ctx.tz).strftime("%Y-%m-%d %H:%M:%S")
        if r.updated is None and r.name == known.name:
            r.skip = DomainError("import.already_here", name=known.name, card=known.card_no)
        elif r.updated is None:
            r.skip = DomainError("import.skip_no_time", name=known.name, when=when)
        elif r.updated == stored:
            r.skip = DomainError("import.skip_same", name=known.name, when=when)
        elif r.updated < stored:
            r.skip = DomainError("import.skip_newer", name=known.name, when=when)
        elif known.status == "cancelled":
            r.problems.append(("row", DomainError("member.cancelled", name=known.name)))

    def _balances(self, r: SheetRow, known: Any, plan: Plan) -> None:
        """A member already here keeps the balances the ledgers give them: an import opens
        balances only for the members it creates (so running a file twice never opens
        them twice). Said when the row's figures differ from the member's."""
        pairs = ((r.points, known.points), (r.principal, known.wallet_principal),
                 (r.bonus, known.wallet_bonus))  # fmt: skip
        if all(given is None or given == held for given, held in pairs):
            return
        wallet = format_fen(known.wallet_principal + known.wallet_bonus)
        reason = DomainError("import.balance_kept", name=known.name, card=known.card_no,
                             points=known.points, wallet=wallet)  # fmt: skip
        plan.balances_kept.append(Kept(r.row, known.name, known.card_no, reason))

    def referrers(self, plan: Plan) -> None:
        """推荐人 is a card or phone of a member here, or of a new member in the same file."""
        for row, written, own in self.refs:
            key = written.upper()
            try:
                phone = normalize_mobile(key)
            except DomainError:
                phone = ""
            target = self.by_card.get(key) or self.by_phone.get(phone)
            found = ("card", key) if ("card", key) in self.seen else ("phone", phone)
            ref = self.seen.get(found)
            if target is None and ref is not None and ref in self.members_of_rows:
                target = self.members_of_rows[ref]
            if (target is not None and target == own) or (target is None and ref == row):
                plan.problem(row, "referrer", DomainError("referrer.self"))
            elif target is not None:
                plan.referrers[row] = self.members[target].card_no
            elif ref is None:
                plan.problem(row, "referrer", DomainError("referrer.not_found", ref=written))
            else:
                plan.depends[row], plan.referrers[row] = ref, found[1]

    def write_order(self, plan: Plan, written: dict[int, str]) -> None:
        """Rows whose referrer is a new member in the file wait for that row: a circle of
        them, or a chain that reaches a bad row, is reported on each of its rows."""
        done: dict[int, bool] = {}  # row -> its chain holds
        for start in sorted(plan.depends):
            path: list[int] = []
            cur = start
            while cur in plan.depends and cur not in done and cur not in path:
                if plan.state[cur] == BAD:
                    break
                path.append(cur)
                cur = plan.depends[cur]
            if cur in path:  # a circle of referrers
                cycle, path = path[path.index(cur) :], path[: path.index(cur)]
                text = Listing(cycle)
                for x in cycle:
                    plan.problem(x, "referrer", DomainError("import.referrer_cycle", rows=text))
                    done[x] = False
            broken = (done.get(cur) is False) or (cur < len(plan.state) and plan.state[cur] == BAD)
            for x in reversed(path):
                if broken:
                    error = DomainError("import.referrer_bad_row", ref=written[x], row=plan.depends[x])  # fmt: skip
                    plan.problem(x, "referrer", error)
                done[x] = not broken


def _tier_codes(setting: Any) -> dict[str, str] | None:
    """program.tier_codes (codes or names, or {code: name}) → {spelling: code}; None if unset."""
    if not setting:
        return None
    pairs = setting.items() if isinstance(setting, dict) else ((str(t), str(t)) for t in setting)
    spellings: dict[str, str] = {}
    for code, name in pairs:
        spellings.setdefault(sheets.plain(code).lower(), code)
        spellings.setdefault(sheets.plain(name).lower(), code)
    return spellings


def check_sheet(check: SheetCheck, sheet: Sheet, progress: Progress | None = None) -> Plan:
    """The first pass: every row read once, checked, and let go."""
    plan = Plan(has_points="points" in sheet.columns.index)
    for number, values in counted(sheet.rows, progress):
        r = sheets.parse_row(sheet.columns, number, values, check.ctx, sheet.merged(number, values))  # fmt: skip
        check.match(r, plan)
        plan.total += 1
    check.referrers(plan)
    check.write_order(plan, {row: written for row, written, _ in check.refs})
    # Rows a later row or the referrers made bad no longer open a balance or skip quietly.
    plan.openings = [o for o in plan.openings if plan.state[o.row] == NEW]
    plan.kept = [k for k in plan.kept if plan.state[k.row] == SKIP]
    plan.balances_kept = [k for k in plan.balances_kept if plan.state[k.row] != BAD]
    return plan
