"""Which store owns a record, and whether a terminal may touch it.

Every member, sale, refund and ledger entry is owned by the store of the terminal
that first sent it (the `store_code` of its projection row). A terminal is believed
only about its own store: an event that would change a record owned by another
store is rejected (`other_store`), never applied.

`may_touch` is the one rule. When membership is chain-wide (`memberdesk-hq chain set
--scope chain`) every store's tills earn, spend and edit on every member — a member
stays owned by the store that issued it —; a sale or refund stays its store's own.
A store's refund of its own sale (and the refund's ledger entries) reverses what HQ took
from that sale, so it may touch the member the sale named whatever the scope is now —
with the entries a checkout or a refund writes, crediting no more than the sale moved
(`SaleCredits`), or an old sale would let a store credit another's member at will.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Table, case, func, select

from ..core.members.card_numbers import SEQUENCE_WIDTH, luhn_ok
from .directory import read_chain
from .models import cards, members, points_entries, sales, terminals, wallet_entries
from .rejections import Rejected

CHUNK = 500  # ids per IN (…) list
OWNED_IN = {"member": members, "sale": sales}


def may_touch(record: str, owner: str, store_code: str, *, shared: bool = False) -> bool:
    """Whether a terminal of `store_code` may change a `record` owned by store `owner`;
    `shared`: membership is chain-wide."""
    return owner == store_code or (shared and record == "member")


def members_shared(conn: Connection) -> bool:
    """Whether membership is chain-wide (chain data set at HQ)."""
    return read_chain(conn).shared


def check_touches(
    touches: Iterable[tuple[str, str]], store_code: str, owners: dict[tuple[str, str], str],
    *, shared: bool = False, sale_member: str | None = None,
) -> str | None:  # fmt: skip
    """Raise `other_store` for the first record the event touches that is not its store's;
    `sale_member`: the member named by this store's own sale the event belongs to. Returns
    that member's store when the event may touch them only through the sale (another
    store's member, membership per store), else None."""
    through_sale = None
    for record, record_id in touches:
        owner = owners.get((record, record_id))
        if record == "member" and record_id == sale_member:
            if owner is not None and not may_touch(record, owner, store_code, shared=shared):
                through_sale = owner
            continue
        if owner is not None and not may_touch(record, owner, store_code, shared=shared):
            raise Rejected("other_store", record=record, id=record_id, store_code=owner)
    return through_sale


# The entries a checkout or a refund writes for the sale's member (core/till/checkout.py,
# refunds.py): all a store may still write to another store's member through its own sale.
SALE_ENTRY_KINDS = {
    points_entries: frozenset({"earn", "redeem", "gift", "challenge", "refund_return",
                               "refund_reverse"}),
    wallet_entries: frozenset({"pay", "refund"}),
}  # fmt: skip


@dataclass
class SaleCredits:
    """What a store's own sale lets it still credit to another store's member once
    membership is per store: points up to what the sale earned and redeemed, stored value
    up to what the sale took from it — counting what HQ holds for that sale and member and
    what the batch credited before."""

    conn: Connection
    room: dict[tuple[Table, str, str], int] = field(default_factory=dict)

    def take(self, table: Table, row: dict, sale_id: str, owner: str) -> None:
        """Raise `other_store` for an entry beyond what the sale allows; the refund's own row
        (its money arrives as entries) and the store's tender lines pass."""
        kinds = SALE_ENTRY_KINDS.get(table)
        if kinds is None:
            return
        member = row["member_id"]
        refused = Rejected("other_store", record="member", id=member, store_code=owner)
        if row["kind"] not in kinds:
            raise refused
        delta = (
            row["delta"] if table is points_entries else row["principal_delta"] + row["bonus_delta"]
        )
        key = (table, sale_id, member)
        if key not in self.room:
            self.room[key] = self._room(table, sale_id, member)
        if delta > 0:
            if delta > self.room[key]:
                raise refused
            self.room[key] -= delta
        elif table is wallet_entries:  # the sale paying from stored value: room to give back
            self.room[key] -= delta

    def _room(self, table: Table, sale_id: str, member: str) -> int:
        if table is points_entries:
            moved = self.conn.scalar(
                select(sales.c.points_earned + sales.c.points_redeemed).where(sales.c.id == sale_id)
            )
            delta = points_entries.c.delta
        else:
            moved = 0
            delta = wallet_entries.c.principal_delta + wallet_entries.c.bonus_delta
        credited, taken = self.conn.execute(
            select(func.coalesce(func.sum(case((delta > 0, delta), else_=0)), 0),
                   func.coalesce(func.sum(case((delta < 0, -delta), else_=0)), 0))
            .where(table.c.sale_id == sale_id, table.c.member_id == member)
        ).one()  # fmt: skip
        allowed = (moved or 0) if table is points_entries else taken
        return int(allowed) - int(credited)


def load_owners(conn: Connection, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The owning store of each (record, id) HQ already holds (one query per kind of record)."""
    by_record: dict[str, set[str]] = {}
    for record, record_id in wanted:
        by_record.setdefault(record, set()).add(record_id)
    owners: dict[tuple[str, str], str] = {}
    for record, ids in by_record.items():
        for record_id, store in _stores_of(conn, OWNED_IN[record], sorted(ids)):
            owners[(record, record_id)] = store
    return owners


def sale_members(conn: Connection, sale_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Of the sales HQ holds among `sale_ids`, each one's (store, member) where it named one."""
    found: dict[str, tuple[str, str]] = {}
    ids = sorted(set(sale_ids))
    for i in range(0, len(ids), CHUNK):
        rows = conn.execute(
            select(sales.c.id, sales.c.store_code, sales.c.member_id).where(
                sales.c.id.in_(ids[i : i + CHUNK]),
                sales.c.member_id.is_not(None),
                sales.c.superseded.is_(False),
            )
        )
        found.update({r.id: (r.store_code, r.member_id) for r in rows})
    return found


def _stores_of(conn: Connection, table: Table, ids: list[str]) -> list[tuple[str, str]]:
    """SQLite's: on PostgreSQL hq/lookups.py asks for the owners with the batch's other lookups."""
    found: list[tuple[str, str]] = []
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        found.extend(tuple(r) for r in conn.execute(
            select(table.c.id, table.c.store_code).where(table.c.id.in_(chunk))
        ))  # fmt: skip
    return found


@dataclass
class CardHolders:
    """Who holds the card numbers a batch's member events carry: the member HQ took each
    number from, and the store of the terminal whose generated numbers it has."""

    held: dict[str, str] = field(default_factory=dict)  # card → the member HQ holds it for
    prefixes: dict[str, str] = field(default_factory=dict)  # card prefix → its terminal's store

    def check(self, card_no: str, member_id: str, store_code: str) -> None:
        """Raise `other_store` (record `card`) when a member of `store_code` would take a
        number another store's terminal generates (its prefix, a 7-digit sequence, the Luhn
        digit) that HQ does not hold for this member already: the first member event to
        carry a number makes it that member's at HQ and in the chain's tills, which keep
        the first they pull — a store could take the numbers another's till will issue."""
        if self.held.get(card_no) == member_id:
            return  # an edit of a member whose number HQ has (chain-wide, any store's)
        owner = self.prefixes.get(_generated_prefix(card_no) or "")
        if owner is not None and owner != store_code:
            raise Rejected("other_store", record="card", id=card_no, store_code=owner)


def _generated_prefix(card_no: str) -> str | None:
    """The terminal prefix a number would have been generated under (prefix, 7-digit
    sequence, Luhn digit), or None for a number no terminal generates."""
    if len(card_no) <= SEQUENCE_WIDTH + 1 or not luhn_ok(card_no):
        return None
    return card_no[: -(SEQUENCE_WIDTH + 1)]


def card_holders(conn: Connection, numbers: Iterable[str]) -> CardHolders:
    """Who holds these card numbers: none asked for numbers no terminal generates, and the
    members only of numbers under a terminal's prefix."""
    out = CardHolders()
    of_prefix = {n: p for n in numbers if (p := _generated_prefix(n))}
    prefixes = sorted(set(of_prefix.values()))
    for i in range(0, len(prefixes), CHUNK):
        out.prefixes.update(
            (r.card_prefix, r.store_code)
            for r in conn.execute(
                select(terminals.c.card_prefix, terminals.c.store_code).where(
                    terminals.c.card_prefix.in_(prefixes[i : i + CHUNK])
                )
            )
        )
    wanted = sorted(n for n, p in of_prefix.items() if p in out.prefixes)
    for i in range(0, len(wanted), CHUNK):
        out.held.update(
            (r.card_no, r.member_id)
            for r in conn.execute(
                select(cards.c.card_no, cards.c.member_id).where(
                    cards.c.card_no.in_(wanted[i : i + CHUNK])
                )
            )
        )
    return out
