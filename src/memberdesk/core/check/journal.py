"""Invariants of the journal (core/store/journal.py): its chain is whole, every record
agrees with the journal row that sealed it (and the reverse), receipt numbers run
without a gap, the guards against rewriting are in place, and nothing is marked sent
that HQ never confirmed. Each names the first broken link it finds."""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..clock import from_utc_naive
from ..i18n import N_, Listing, Message
from ..loyalty.program import TENDER_NAMES
from ..members.erase import erased_names
from ..shop.details import shop_info
from ..store.anchor import anchor_of
from ..store.journal import GENESIS, audit_link, link
from ..store.statements import raw_connection
from .base import examples, rows

# The triggers the migrations create; a missing one was dropped by hand.
GUARDS = (
    "trg_outbox_no_delete", "trg_outbox_frozen", "trg_audit_log_no_delete",
    "trg_audit_log_no_update", "trg_points_ledger_no_delete", "trg_points_ledger_no_update",
    "trg_wallet_ledger_no_delete", "trg_wallet_ledger_no_update", "trg_topups_no_delete",
    "trg_topups_no_update", "trg_refunds_no_delete", "trg_refunds_no_update",
    "trg_sales_no_delete", "trg_sales_frozen", "trg_sales_refunded_up",
    "trg_sale_lines_no_delete", "trg_sale_lines_frozen", "trg_sale_lines_refunded_up",
    "trg_sale_tenders_no_delete", "trg_sale_tenders_no_update",
    "trg_count_cards_no_delete", "trg_count_cards_frozen", "trg_count_cards_left_down",
    "trg_count_card_ledger_no_delete", "trg_count_card_ledger_no_update",
    "trg_call_log_no_delete", "trg_call_log_no_update",
)  # fmt: skip

# Each record and the journal row that sealed it: the fields that must agree.
SEALED = (
    ("sales", "sale.completed", N_("sale"),
     {"receipt_no": "receipt_no", "total": "total", "subtotal": "subtotal",
      "discount_total": "discount", "points_earned": "points_earned",
      "points_redeemed": "points_redeemed", "member_id": "member_id",
      # what a refund gives back to each part of stored value, the lot its points expire
      # with and the program whose refund policy it follows
      "json_extract(details, '$.wallet_principal')": "wallet_principal_used",
      "json_extract(details, '$.wallet_bonus')": "wallet_bonus_used",
      "points_value": "points_value", "business_date": "business_date",
      "program_version": "program_version",
      # what the receipt, printed again from the sales journal, says was received in cash
      # and given back: the cash it took (the cash tender, none when nothing was kept)
      # plus the change; and the cashier it names, by whom the sales journal lists it
      "change_given": "change", "nullif(cash_tendered - change_given, 0)": "tenders.cash",
      "json_extract(details, '$.cashier')": "cashier"}),
    ("refunds", "sale.refunded", N_("refund record"),
     {"receipt_no": "receipt_no", "amount": "amount", "sale_id": "sale_id",
      "points_reversed": "points_reversed", "json(tenders)": "tenders",
      "member_id": "member_id", "business_date": "business_date",
      # what the refund gave back: the day's takings by tender and the sale's history read
      # them, and a later refund of the sale does not take back a gift this one took back
      "points_returned": "points_returned",
      "json_extract(details, '$.wallet_principal')": "wallet_principal",
      "json_extract(details, '$.wallet_bonus')": "wallet_bonus",
      "json_extract(details, '$.deducted_for_points')": "deducted_for_points",
      "json_extract(details, '$.bonus_reversed')": "bonus_reversed",
      "json(md_gifts_back(details))": "gifts_back"}),
    ("topups", "wallet.topup", N_("top-up"),
     {"receipt_no": "receipt_no", "amount": "amount", "bonus": "bonus", "member_id": "member_id",
      "tender": "tender", "business_date": "business_date"}),
    ("points_ledger", "points.entry", N_("points entry"),
     {"delta": "delta", "member_id": "member_id", "kind": "kind", "balance_after": "balance_after",
      # the day its points lapse by, and the sale and refund a refund's reversal matches
      "business_date": "business_date", "sale_id": "sale_id", "refund_id": "refund_id"}),
    ("wallet_ledger", "wallet.entry", N_("stored-value entry"),
     {"principal_delta": "principal_delta", "bonus_delta": "bonus_delta", "member_id": "member_id",
      "principal_after": "principal_after", "bonus_after": "bonus_after",
      # the top-up, sale or refund it belongs to (a top-up's reversal is found by it)
      "business_date": "business_date", "sale_id": "sale_id", "topup_id": "topup_id",
      "refund_id": "refund_id"}),
    ("count_cards", "countcard.sold", N_("count card"),
     {"receipt_no": "receipt_no", "member_id": "member_id", "counts": "counts", "price": "price",
      "item_id": "item_id", "category": "category",
      # what a use and a refund of the card read: its validity, the price of a visit used,
      # and the tender its money goes back in
      "name": "name", "visit_price": "visit_price", "tender": "tender",
      "business_date": "business_date", "expires_on": "expires_on"}),
    ("count_card_ledger", "countcard.entry", N_("count card entry"),
     {"card_id": "card_id", "delta": "delta", "kind": "kind", "amount": "amount",
      "left_after": "left_after", "receipt_no": "receipt_no",
      # the day's takings and a shift's expected cash count a sale's or refund's money by
      # its day, tender and shift; the member's history lists it by member
      "member_id": "member_id", "business_date": "business_date", "tender": "tender",
      "shift_id": "shift_id", "note": "note"}),
    ("coupons", "coupon.issued", N_("coupon"),
     {"code": "code", "type_code": "type_code", "name": "name", "kind": "kind", "value": "value",
      "min_spend": "min_spend", "member_id": "member_id", "source": "source",
      "campaign": "campaign", "valid_from": "valid_from", "valid_until": "valid_until"}),
    # The follow-ups each salesperson made are counted from the call log.
    ("call_log", "call.logged", N_("call log entry"),
     {"member_id": "member_id", "staff_id": "staff_id", "staff_name": "staff_name",
      "list_kind": "list_kind", "outcome": "outcome", "note": "@call_note", "source": "source",
      # when the member was reached keeps them off the lists for the cooldown; the journal
      # holds it as Python's isoformat ("2026-03-10T02:00:00", microseconds only when any)
      "CASE WHEN substr(called_at, 20) = '.000000' THEN replace(substr(called_at, 1, 19), ' ',"
      " 'T') ELSE replace(called_at, ' ', 'T') END": "called_at"}),
)  # fmt: skip

# Fields a record's journal row seals from the time it carries them, each group by the key
# that came with it: rows written before (shops keep years of them) are not compared on
# them. A sale's and a refund's cashier and shift: the sales journal filters by the
# cashier, a shift's expected cash counts that cashier's sales and refunds, and a refund's
# slip and the sale's history say who gave the money back, on whose authority and why.
# A sale's gift for points: its hand-over slip is printed from it again.
SEALED_SINCE = {
    "sale.completed": ("cashier_id", {
        "cashier_id": "cashier_id", "shift_id": "shift_id",
        "json_extract(details, '$.gift.code')": "gift.code",
        "json_extract(details, '$.gift.name')": "gift.name",
        "json_extract(details, '$.gift.points')": "gift.points"}),
    "sale.refunded": ("cashier_id", {
        "cashier_id": "cashier_id", "shift_id": "shift_id", "authorised_by": "authorised_by",
        "json_extract(details, '$.cashier')": "cashier",
        "json_extract(details, '$.reason')": "reason",
        "json_extract(details, '$.lines')": "lines"}),
    # a top-up's and a count card's money count in the drawer of their cashier's shift
    "wallet.topup": ("cashier_id", {"cashier_id": "cashier_id", "shift_id": "shift_id"}),
    "countcard.entry": ("cashier_id", {"cashier_id": "cashier_id"}),
}  # fmt: skip


def _since_held(kind: str) -> str:
    """A record's SEALED_SINCE fields as one JSON array (NULL: its kind has none)."""
    if kind not in SEALED_SINCE:
        return "NULL"
    return f"json_array({', '.join(SEALED_SINCE[kind][1])})"


def _since_sealed(kind: str, payload: str = "payload") -> str:
    """The same as the journal row sealed them; NULL where the row does not carry them."""
    marker, fields = SEALED_SINCE[kind]
    return (f"CASE WHEN json_type({payload}, '$.{marker}') IS NOT NULL THEN "
            f"{_journal_side(fields, payload=payload)} END")  # fmt: skip


# The time each record was written: the same moment as its journal row's, which the chain
# seals (a top-up's reversal asks whether stored value was spent since the top-up by it).
WRITTEN_AT = {"sales": "created_at", "refunds": "created_at", "topups": "created_at",
              "points_ledger": "created_at", "wallet_ledger": "created_at",
              "count_cards": "sold_at", "count_card_ledger": "created_at",
              "coupons": "issued_at", "call_log": "created_at"}  # fmt: skip


# What a refund reads of a sale's details beyond SEALED's fields: the lines that earned no
# points (a return of them takes none back), and the gifts for spend it handed over (a
# return takes them back into stock) with their keys (by which a period's gift is given
# once). The sale's journal row seals the first two from the time it carries them.
SALE_READS = "json_extract(details, '$.no_earn_lines', '$.spend_gifts', '$.spend_gift_keys')"
SEALED_READS = "json_extract(payload, '$.no_earn_lines', '$.spend_gifts')"
NOTHING_HELD = "[null,null,null]"
NOTHING_SEALED = ("[null,null]", "[[],[]]")  # an older row, or a sale with neither


def _gifts_back(details: str | None) -> str | None:
    """The gifts a refund took back, as its journal row names them (their codes, in order),
    from the offers' keys its record keeps ("|month:SCF:300000|…"); None: it keeps none."""
    try:
        keys = json.loads(details).get("gift_keys_back") if details else None
    except (AttributeError, TypeError, ValueError):
        return None
    if not isinstance(keys, str):
        return None
    codes = [k.split(":", 1)[-1].rsplit(":", 1)[0] for k in keys.split("|") if k]
    return json.dumps(codes)


def _functions(dbapi) -> None:
    """The SQL functions SEALED's expressions call, on the check's connection."""
    dbapi.create_function("md_gifts_back", 1, _gifts_back, deterministic=True)


RECEIPT = re.compile(r"-(\d{6})-([A-Z]?)(\d+)$")


def journal_chain(s: Session) -> list[Message]:
    """Every row's chain follows from the one before, and no sequence number is missing.

    The link is core/store/journal.py's ``link``, written out in the loop: a long
    journal spends most of this check here."""
    cursor = raw_connection(s).execute(
        "SELECT seq, event_id, kind, aggregate_id, created_at, payload, chain FROM outbox "
        "ORDER BY seq"
    )
    sha256 = hashlib.sha256
    previous, expected_seq = GENESIS, 1
    try:
        for seq, event_id, kind, aggregate_id, created_at, payload, chain in cursor:
            if seq != expected_seq:
                return [Message(N_("the sync journal is missing records {first}–{last}: they "
                                   "were deleted"), first=expected_seq, last=seq - 1)]  # fmt: skip
            if type(created_at) is str and len(created_at) == 26 and created_at[10] == " ":
                body = (f"{previous}\x1f{seq}\x1f{event_id}\x1f{kind}\x1f{aggregate_id}\x1f"
                        f"{created_at}\x1f{payload}")  # fmt: skip
                sealed = sha256(body.encode()).hexdigest()
            else:
                try:
                    sealed = link(previous, seq, event_id, kind, aggregate_id, created_at, payload)
                except (TypeError, ValueError):
                    sealed = None
            if chain != sealed:
                return [Message(N_("the sync journal is broken at record {seq} ({kind}): it was "
                                   "changed, inserted or removed after it was written"),
                                seq=seq, kind=kind)]  # fmt: skip
            previous, expected_seq = chain, seq + 1
    finally:
        cursor.close()
    return []


def audit_chain(s: Session) -> list[Message]:
    """Every audit log entry's chain follows from the one before (store/journal.py
    `audit_link`): an entry changed, inserted or removed in the file breaks it."""
    cursor = raw_connection(s).execute(
        "SELECT id, at, staff_id, staff_name, authorised_by, action, target, detail, chain "
        "FROM audit_log ORDER BY id"
    )
    previous, expected = GENESIS, 1
    try:
        for (
            entry_id,
            at,
            staff_id,
            staff_name,
            authorised_by,
            action,
            target,
            detail,
            chain,
        ) in cursor:
            try:
                sealed = audit_link(previous, entry_id, at, staff_id, staff_name, authorised_by,
                                    action, target, detail)  # fmt: skip
            except (TypeError, ValueError):
                sealed = None
            if entry_id != expected or chain != sealed:
                return [Message(N_("the audit log is broken at entry {id} ({action}): it was "
                                   "changed, inserted or removed after it was written"),
                                id=entry_id, action=str(action))]  # fmt: skip
            previous, expected = chain, entry_id + 1
    finally:
        cursor.close()
    return []


def guards_present(s: Session) -> list[Message]:
    have = {r.name for r in rows(s, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [
        Message(N_("the guard {name} against rewriting records was removed"), name=name)
        for name in GUARDS
        if name not in have
    ]


def carried_spans(s: Session) -> list[tuple[int, int]]:
    """Journal rows carried onto a restored file (their records stayed in the old one)."""
    row = s.execute(text("SELECT value FROM settings WHERE key = 'restore.carried'")).first()
    spans = json.loads(row[0]) if row is not None and isinstance(row[0], str) else []
    return [(int(a), int(b)) for a, b in spans]


RECEIPT_KINDS = ("sale.completed", "sale.refunded", "wallet.topup", "wallet.topup_reversed",
                 "wallet.cashout", "countcard.entry")  # fmt: skip


def _journal_side(fields: dict[str, str], payload: str = "payload") -> str:
    """A journal row's sealed fields as one JSON array, each read on its own so that text
    comes out decoded (the payload keeps "老板" as "\\u8001\\u677f"), as json_array writes
    a record's: the two compare as text."""
    reads = [
        READS[key[1:]].format(payload=payload) if key.startswith("@") else
        f"json_extract({payload}, '$.{key}')"
        for key in fields.values()
    ]  # fmt: skip
    return f"json_array({', '.join(reads)})"


# Journal fields read otherwise than as sealed (a field name starting with "@"): the note of
# a call about a member whose personal information was erased (core/members/erase.py) is
# cleared on the record, and so read as empty; the journal row keeps what it sealed.
ERASED_MEMBER = (
    "EXISTS (SELECT 1 FROM members WHERE id = json_extract({payload}, '$.member_id') AND "
    "status = 'cancelled' AND name IN ("
    + ", ".join(f"'{n}'" for n in sorted(erased_names()))
    + "))"
)
READS = {
    "call_note": f"CASE WHEN {ERASED_MEMBER} THEN '' ELSE json_extract({{payload}}, '$.note') END"
}


def _sealed(kind: str, fields: dict[str, str]) -> str:
    return f"WHEN '{kind}' THEN {_journal_side(fields)}"


def _mirrored(table: str, alias: str = "") -> str:
    """A ledger's `chain` entries mirror other tills' (core/members/chain_directory.py):
    HQ holds their journal rows; ledger_chain, chain_sums_match and chain_entries_sealed
    (the pulls' seals, core/check/chain_seals.py) check them here. So
    does a coupon of the chain this till learnt when it took it (core/till/coupons.py)."""
    if table in ("points_ledger", "wallet_ledger"):
        return f"{alias}kind != 'chain'"
    return f"{alias}source != 'chain'" if table == "coupons" else "1"


def _as_sealed(table: str, fields: dict[str, str]) -> str:
    """A record's fields as the JSON array json_extract gives of its journal row, and the
    time it was written; then what else `records_match_journal` reads of it."""
    extra = (
        (", json_extract(details, '$.first_month_bonus'), " + SALE_READS)
        if table == "sales"
        else ""
    )
    kind = next(k for t, k, _, _ in SEALED if t == table)
    return (f"SELECT id, json_array({', '.join(fields)}), {WRITTEN_AT[table]}, "
            f"{_since_held(kind)}{extra} FROM {table} WHERE {_mirrored(table)} "
            "ORDER BY rowid")  # fmt: skip


def _pairs(cursor, bonuses: dict[str, int], reads: dict[str, str]):
    """A sales cursor's (id, fields, time), its first-month bonus and what else a refund reads
    of it (SALE_READS) kept aside when it has them."""
    for sale_id, values, at, since, bonus, read in cursor:
        if bonus:
            bonuses[sale_id] = bonus
        if read != NOTHING_HELD:
            reads[sale_id] = read
        yield sale_id, values, at, since


def records_match_journal(s: Session) -> list[Message]:
    """Each record agrees with its sealed journal row and each journal row has its record;
    each payment code is the one its sale's row sealed; receipt numbers run without a gap.

    One ordered pass: a till writes each record and its journal row in the same
    transaction, so a table read in the order its rows were written and the journal's
    rows of its kind read in sequence come in pairs. Where every pair agrees (and
    neither side has a row left over) the table is as its journal sealed it, and no
    record is looked up by id. A table where they part is checked again record by
    record, which names each record that was changed, deleted or never sealed."""
    dbapi = raw_connection(s)
    _functions(dbapi)
    carried = carried_spans(s)
    kinds = {kind: (table, fields) for table, kind, _, fields in SEALED}
    cursors = {
        kind: dbapi.execute(_as_sealed(table, fields)) for kind, (table, fields) in kinds.items()
    }
    bonuses: dict[str, int] = {}  # the first-month bonus each sale says it gave
    held: dict[str, str] = {}  # what a refund reads of each sale (SALE_READS), where any
    tables = {**cursors, "sale.completed": _pairs(cursors["sale.completed"], bonuses, held)}
    sealed = " ".join(_sealed(kind, fields) for kind, (_, fields) in kinds.items())
    since = " ".join(f"WHEN '{kind}' THEN {_since_sealed(kind)}" for kind in SEALED_SINCE)
    wanted = ", ".join(f"'{k}'" for k in {*kinds, *RECEIPT_KINDS})
    journal = dbapi.execute(
        f"""SELECT seq, kind, aggregate_id, CASE kind {sealed} END, created_at,
                   json_extract(payload, '$.receipt_no'),
                   CASE kind WHEN 'sale.completed' THEN json_extract(payload, '$.tender_refs') END,
                   CASE kind WHEN 'sale.completed' THEN json_extract(payload, '$.tenders') END,
                   CASE kind WHEN 'sale.completed' THEN {SEALED_READS} END,
                   CASE kind {since} END,
                   CASE WHEN kind IN ({STOCK_KINDS}) THEN {STOCK_SEALED} END
            FROM outbox WHERE kind IN ({wanted}) ORDER BY seq"""
    )
    parted: set[str] = set()
    receipts: list[str] = []
    refs: set[tuple[str, str, str]] = set()
    # what the sales' journal rows say they took, by tender
    taken: dict[str, int] = defaultdict(int)
    given: dict[str, int] = defaultdict(int)  # the first-month bonus sealed, by sale
    sealed_reads: dict[str, str] = {}  # what the sales' journal rows sealed of SALE_READS
    stock: dict[str, tuple[int, int]] = {}  # each gift's count as last sealed, and where
    try:
        for (seq, kind, aggregate_id, values, at, receipt, tender_refs, tenders, reads, since,
             left) in journal:  # fmt: skip
            if kind in RECEIPT_KINDS and receipt:
                receipts.append(receipt)
            if tender_refs is not None:
                refs.update((aggregate_id, k, v) for k, v in json.loads(tender_refs).items() if v)
            if kind not in kinds:
                continue
            if kind == "points.entry" and '"challenge"' in (values or ""):
                _given(values, given)
            if carried and any(a <= seq <= b for a, b in carried):
                continue
            if reads is not None and reads not in NOTHING_SEALED:
                sealed_reads[aggregate_id] = reads
            if left is not None:
                _stock_sealed(left, seq, stock)
            if tenders is not None:  # what the sale took, by tender ({kind: fen})
                with contextlib.suppress(AttributeError, TypeError, ValueError):
                    for tender, fen in json.loads(tenders).items():
                        taken[tender] += fen
            if kind in parted:
                continue
            record = next(tables[kind], None)
            if (
                record is None
                or record[:3] != (aggregate_id, values, at)
                or (since is not None and record[3] != since)
            ):
                parted.add(kind)
        parted.update(
            kind for kind, rest in tables.items() if kind not in parted and next(rest, None)
        )
        for _ in tables["sale.completed"]:  # every sale's first-month bonus
            pass
    finally:
        journal.close()
        for cursor in cursors.values():
            cursor.close()
    out: list[Message] = []
    for table, kind, label, fields in SEALED:
        if kind in parted:
            out += _records_one_by_one(s, table, kind, label, fields, carried)
    out += _tender_references(s, refs)
    out += _first_month_bonus(s, bonuses, given)
    out += _refund_reads(s, held, sealed_reads)
    out += _card_programs(s, carried)
    out += _lines_as_sealed(s, carried)
    out += _returned_as_sealed(s)
    out += _tenders_taken(s, taken, carried)
    out += _stock_as_sealed(s, stock)
    out += _receipt_gaps(s, receipts)
    out += _carried_here(s, carried)
    return out


# The journal rows that move gift stock, and what each seals of it: the count of each gift
# it moved, as it is after it (core/till/spend_gifts.py `stock_after`).
STOCK_KINDS = "'sale.completed', 'sale.refunded'"
STOCK_SEALED = "json_extract(payload, '$.gift_stock')"


def _stock_sealed(left: str, seq: int, stock: dict[str, tuple[int, int]]) -> None:
    with contextlib.suppress(AttributeError, TypeError, ValueError):
        for code, count in json.loads(left).items():
            stock[code] = (count, seq)


def _stock_as_sealed(s: Session, stock: dict[str, tuple[int, int]]) -> list[Message]:
    """Each gift's stock count is what the last journal row that moved it sealed: a count
    lowered in the file hides gifts taken from the shelf, one raised or deleted (the till
    then counts from the catalogue's stock again) hands out gifts the shelf does not have.
    Gifts no journal row has sealed a count of (moved only before rows carried it) are not
    compared."""
    if not stock:
        return []
    held = {r.code: r.remaining for r in rows(s, "SELECT code, remaining FROM gift_stock")}
    changed = [
        (code, held.get(code), count, seq)
        for code, (count, seq) in sorted(stock.items())
        if held.get(code) != count
    ]
    return examples(changed, lambda c: Message(
        N_("the stock of gift {code} says {held} left, but the sync journal last sealed "
           "{sealed} (record {seq}): it was changed afterwards") if c[1] is not None
        else N_("the stock count of gift {code} was deleted, but the sync journal last sealed "
                "{sealed} left (record {seq}): the till would count the catalogue's stock "
                "again"), code=c[0], held=c[1], sealed=c[2], seq=c[3]))  # fmt: skip


def _carried_here(s: Session, carried: list[tuple[int, int]]) -> list[Message]:
    """A span of carried journal rows is one a restore wrote (its audit row) and its rows'
    records are not in this file: they were written after the backup the file came back
    from and stayed in the file it replaced. A span written into the settings by hand,
    to excuse records deleted or changed since, covers rows whose records are here."""
    if not carried:
        return []
    logged = set()
    for (detail,) in rows(s, "SELECT detail FROM audit_log WHERE action = 'restore.carried'"):
        d = json.loads(detail) if isinstance(detail, str) else detail
        with contextlib.suppress(KeyError, TypeError, ValueError):
            logged.add((int(d["first_seq"]), int(d["last_seq"])))
    out = [
        Message(N_("sync records {first}–{last} are marked as carried over from another file "
                   "at a restore, but no restore carried them"), first=a, last=b)
        for a, b in carried if (a, b) not in logged
    ]  # fmt: skip
    spans = " OR ".join(f"o.seq BETWEEN {int(a)} AND {int(b)}" for a, b in carried)
    for table, kind, label, _ in SEALED:
        here = rows(
            s,
            f"""SELECT o.seq, o.aggregate_id FROM outbox o JOIN {table} t ON t.id = o.aggregate_id
                WHERE o.kind = '{kind}' AND ({spans}) AND {_mirrored(table, "t.")}""",
        )
        out += examples(here, lambda r, label=label: Message(
            N_("{what} {id} is in this file, but its sync record {seq} is marked as carried "
               "over from another file at a restore"), what=Message(label), id=r.aggregate_id,
            seq=r.seq))  # fmt: skip
    return out


# A sale line's fields and the key of each in the sale's journal row. The lines of a sale
# only add up to its total (sales_add_up): without this, two lines could swap their amounts
# in the file and a return of the cheap one would pay out what the dear one cost.
LINE_FIELDS = (("line_no", "no"), ("description", "description"), ("quantity", "quantity"),
               ("unit_price", "unit_price"), ("discount", "discount"), ("amount", "amount"),
               ("item_id", "item_id"))  # fmt: skip
# … and those a sale's row seals from the time it carries them (older rows are not compared
# on them): the kind of each line's discount, by which the day's report splits the
# discounts given (by hand, tier, birthday …) and the receipt names them.
LINE_FIELDS_SINCE = (("discount_kind", "discount_kind"),)


def _lines_as_sealed(s: Session, carried: list[tuple[int, int]]) -> list[Message]:
    """Each sale line is the one its sale's journal row sealed. One ordered pass: the lines
    read in the order written and the sealed lines read in the journal's order come in
    pairs; where they part, line by line, which names each line changed, added or gone."""
    dbapi = raw_connection(s)
    skip = "".join(f" AND o.seq NOT BETWEEN {int(a)} AND {int(b)}" for a, b in carried)
    held = dbapi.execute(
        f"SELECT sale_id, json_array({', '.join(c for c, _ in LINE_FIELDS)}),"
        f" json_array({', '.join(c for c, _ in LINE_FIELDS_SINCE)}) FROM sale_lines"
        " ORDER BY rowid"
    )
    since = (f"json_type(j.value, '$.{LINE_FIELDS_SINCE[0][1]}')",
             ", ".join(f"json_extract(j.value, '$.{k}')" for _, k in LINE_FIELDS_SINCE))  # fmt: skip
    sealed = dbapi.execute(
        "SELECT o.aggregate_id, json_array("
        + ", ".join(f"json_extract(j.value, '$.{k}')" for _, k in LINE_FIELDS)
        + f"), CASE WHEN {since[0]} IS NOT NULL THEN json_array({since[1]}) END"
        " FROM outbox o, json_each(o.payload, '$.lines') j"
        f" WHERE o.kind = 'sale.completed'{skip} ORDER BY o.seq"
    )
    try:
        for sale_id, values, kinds in held:
            pair = next(sealed, None)
            if pair is None or pair[:2] != (sale_id, values) or pair[2] not in (None, kinds):
                break
        else:
            if next(sealed, None) is None:
                return []
    finally:
        held.close()
        sealed.close()
    # A field an older journal row does not carry is not compared.
    same = " AND ".join(
        f"(json_type(j.value, '$.{k}') IS NULL OR json_extract(j.value, '$.{k}') IS l.{c})"
        for c, k in (*LINE_FIELDS, *LINE_FIELDS_SINCE)
        if k != "no"
    )
    sealed_here = (f"JOIN outbox o ON o.aggregate_id = x.id AND o.kind = 'sale.completed'{skip}"
                   " AND json_type(o.payload, '$.lines') = 'array'")  # fmt: skip
    changed = rows(
        s,
        f"""SELECT x.receipt_no, l.line_no, o.seq FROM sale_lines l JOIN sales x ON x.id = l.sale_id
            {sealed_here}
            WHERE NOT EXISTS (SELECT 1 FROM json_each(o.payload, '$.lines') j
                              WHERE json_extract(j.value, '$.no') IS l.line_no AND {same})
            ORDER BY l.rowid""",
    )
    gone = rows(
        s,
        f"""SELECT x.receipt_no, json_extract(j.value, '$.no') AS line_no, o.seq
            FROM sales x {sealed_here}, json_each(o.payload, '$.lines') j
            WHERE NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = x.id
                              AND l.line_no IS json_extract(j.value, '$.no'))
            ORDER BY o.seq""",
    )
    out = examples(changed, lambda r: Message(
        N_("sale {receipt} line {line} differs from what the sync journal sealed (record "
           "{seq}): it was changed afterwards"), receipt=r.receipt_no, line=r.line_no,
        seq=r.seq))  # fmt: skip
    out += examples(gone, lambda r: Message(
        N_("sale {receipt} line {line} is in the sync journal (record {seq}) but no longer in "
           "the sale: it was deleted"), receipt=r.receipt_no, line=r.line_no,
        seq=r.seq))  # fmt: skip
    return out


# What each line of a sale says came back, against what its refunds' journal rows sealed
# ({line: quantity}), for the sales whose refunds all carry it: a refund journalled before
# its row did leaves its sale's lines uncompared. One statement: the lines any refund took
# back or that say some came back (a quantity raised on a sale never refunded, which lets
# no return happen), each against the sum of what the refunds of its sale sealed.
RETURNED = """
    WITH sealed AS (
        SELECT CAST(json_extract(o.payload, '$.sale_id') AS TEXT) AS sale_id,
               CAST(j.key AS INTEGER) AS line_no, sum(j.value) AS qty
        FROM refunds r CROSS JOIN outbox o ON o.aggregate_id = r.id AND o.kind = 'sale.refunded'
             CROSS JOIN json_each(o.payload, '$.lines') j
        GROUP BY 1, 2),
    unsealed AS (
        SELECT r.sale_id FROM refunds r WHERE NOT EXISTS (
            SELECT 1 FROM outbox o WHERE o.aggregate_id = r.id AND o.kind = 'sale.refunded'
            AND json_type(o.payload, '$.lines') = 'object')),
    found AS (
        SELECT l.rowid AS n, l.sale_id, l.line_no, l.refunded_qty AS held,
               coalesce(x.qty, 0) AS sealed
        FROM sale_lines l LEFT JOIN sealed x ON x.sale_id = l.sale_id AND x.line_no = l.line_no
        WHERE l.refunded_qty != 0 AND l.refunded_qty IS NOT coalesce(x.qty, 0)
        UNION ALL
        SELECT l.rowid, l.sale_id, l.line_no, l.refunded_qty, x.qty
        FROM sealed x CROSS JOIN sale_lines l ON l.sale_id = x.sale_id AND l.line_no = x.line_no
        WHERE l.refunded_qty = 0 AND x.qty != 0)
    SELECT (SELECT receipt_no FROM sales WHERE id = f.sale_id) AS receipt_no, f.line_no, f.held,
           f.sealed
    FROM found f WHERE f.sale_id NOT IN (SELECT sale_id FROM unsealed) ORDER BY f.n"""


def _returned_as_sealed(s: Session) -> list[Message]:
    """A line's returned quantity is what the refunds of its sale took back: raised in the
    file, the goods can no longer be returned and the sale's history shows a return that
    never happened; lowered, they can be returned (and paid back) a second time."""
    return examples(rows(s, RETURNED), lambda r: Message(
        N_("sale {receipt} line {line} says {held} of it came back, but the refunds the sync "
           "journal sealed took back {sealed}: it was changed afterwards"),
        receipt=r.receipt_no, line=r.line_no, held=r.held, sealed=r.sealed))  # fmt: skip


def _tender_sums(tenders: str | None) -> dict[str, int]:
    """A sale journal row's `tenders` ({kind: fen}) as it reads; anything but whole fen
    there counts as nothing (the journal's chain names a payload changed)."""
    with contextlib.suppress(TypeError, ValueError):
        sums = json.loads(tenders) if tenders else {}
        if isinstance(sums, dict):
            return {
                str(k): v for k, v in sums.items()
                if isinstance(v, int) and not isinstance(v, bool) and v
            }  # fmt: skip
    return {}


def _tenders_taken(
    s: Session, sealed: dict[str, int], carried: list[tuple[int, int]]
) -> list[Message]:
    """What the sales took by each tender is what their journal rows sealed: a cash payment
    relabelled as another tender in the file would hide cash taken from the drawer, and a
    WeChat payment relabelled as Alipay (or a card one as WeChat) would make the day's
    takings by tender disagree with the WeChat and Alipay statements. Compared as one sum
    per tender; where the sums differ, sale by sale, which names the sales changed and the
    tenders that differ."""
    held = {
        kind: fen
        for kind, fen in s.execute(
            text("SELECT kind, COALESCE(SUM(amount), 0) FROM sale_tenders GROUP BY kind")
        ).all()
        if fen
    }
    if held == {kind: fen for kind, fen in sealed.items() if fen}:
        return []
    changed = []
    for r in rows(
        s,
        """SELECT x.receipt_no, o.seq, json_extract(o.payload, '$.tenders') AS sealed,
                  (SELECT json_group_object(kind, fen) FROM
                      (SELECT p.kind, SUM(p.amount) AS fen FROM sale_tenders p
                       WHERE p.sale_id = x.id GROUP BY p.kind)) AS held
           FROM sales x JOIN outbox o ON o.aggregate_id = x.id AND o.kind = 'sale.completed'
           ORDER BY o.seq""",
    ):
        if any(a <= r.seq <= b for a, b in carried):
            continue
        was, now = _tender_sums(r.sealed), _tender_sums(r.held)
        kinds = {k for k in {*was, *now} if was.get(k, 0) != now.get(k, 0)}
        if kinds:
            changed.append((r, kinds))
    order = list(TENDER_NAMES)
    return examples(changed, lambda c: (
        Message(N_("sale {receipt}: the cash it took differs from what the sync journal "
                   "sealed (record {seq})"), receipt=c[0].receipt_no, seq=c[0].seq)
        if "cash" in c[1]
        else Message(
            N_("sale {receipt}: what it took by {tenders} differs from what the sync journal "
               "sealed (record {seq})"),
            receipt=c[0].receipt_no, seq=c[0].seq,
            tenders=Listing(Message(TENDER_NAMES.get(k, k)) for k in sorted(
                c[1], key=lambda k: (order.index(k) if k in order else len(order), k))))
    ))  # fmt: skip


def _given(values: str, given: dict[str, int]) -> None:
    """A sealed points entry (SEALED's fields: delta, member, kind, balance, day, sale,
    refund): a sale's own first-month bonus is its `challenge` entry of no refund."""
    with contextlib.suppress(TypeError, ValueError):
        delta, _, kind, _, _, sale_id, refund_id = json.loads(values)
        if kind == "challenge" and sale_id and refund_id is None:
            given[sale_id] += int(delta)


def _first_month_bonus(s: Session, held: dict[str, int], given: dict[str, int]) -> list[Message]:
    """The first-month bonus a sale's details say it gave is the `challenge` points entry
    its journal sealed: a refund takes back the sale's points less that bonus, so a bonus
    raised in the file would leave the member the points a return takes back."""
    suspects = sorted(i for i in {*held, *given} if held.get(i, 0) != given.get(i, 0))
    if not suspects:
        return []
    found = []
    for start in range(0, len(suspects), 500):
        ids = ", ".join(f"'{i}'" for i in suspects[start : start + 500] if "'" not in i)
        found += rows(s, f"SELECT id, receipt_no FROM sales WHERE id IN ({ids}) ORDER BY rowid")
    return examples(found, lambda r: Message(
        N_("sale {receipt} says it gave a first-month bonus of {held} points, but its points "
           "entries sealed {given}: a return of it would take back the wrong points"),
        receipt=r.receipt_no, held=held.get(r.id, 0), given=given.get(r.id, 0)))  # fmt: skip


NONE = N_("none")  # no line earned without points


def _as_held(text: str | None) -> tuple:
    """(lines that earned no points, gifts for spend, their keys) as a sale's details hold them."""
    no_earn, gifts, keys = json.loads(text) if text else (None, None, None)
    return _or(no_earn, []), _or(gifts, []), _or(keys, "")


def _or(value, absent):
    """A value as read, `absent` when the key is missing (a falsy value a till never writes,
    such as 0 for the lines, stays as it is: it cannot match)."""
    return absent if value is None else value


def _as_sealed_reads(no_earn, gifts) -> tuple:
    """The same as a journal row seals them (the keys follow from the gifts, as the till
    writes them: those handed over, not those out of stock)."""
    try:
        keys = "".join(f"|{g['key']}|" for g in gifts or [] if not g.get("out_of_stock"))
    except (AttributeError, KeyError, TypeError):
        keys = None  # not as a till writes it: it cannot match
    return _or(no_earn, []), _or(gifts, []), keys


def _lines(no_earn) -> str | Message:
    if not isinstance(no_earn, list):
        return json.dumps(no_earn)  # not as a till writes it
    return ", ".join(str(n) for n in no_earn) if no_earn else Message(NONE)


def _refund_reads(s: Session, held: dict[str, str], sealed: dict[str, str]) -> list[Message]:
    """What a refund reads of a sale (SALE_READS) is what its journal row sealed: a line
    marked in the file as one that earned no points lets its return keep the points, and
    a gift for spend written into a sale is taken back (and counted into stock) by a
    return though never given, while one removed lets the month's gift be given again.
    Sales whose journal row does not carry them (written before it did) are not compared."""
    nothing = ([], [], "")
    suspects = sorted(
        i for i in {*held, *sealed}
        if _as_held(held.get(i)) != (_as_sealed_reads(*json.loads(sealed[i])) if i in sealed
                                     else nothing)
    )  # fmt: skip
    found = []
    for start in range(0, len(suspects), 500):
        ids = ", ".join(f"'{i}'" for i in suspects[start : start + 500] if "'" not in i)
        found += rows(
            s,
            f"""SELECT x.receipt_no, o.seq, {SALE_READS.replace("details", "x.details")} AS held,
                       json_type(o.payload, '$.no_earn_lines') IS NOT NULL AS lines_sealed,
                       json_type(o.payload, '$.spend_gifts') IS NOT NULL AS gifts_sealed,
                       {SEALED_READS.replace("payload", "o.payload")} AS sealed
                FROM sales x JOIN outbox o ON o.aggregate_id = x.id AND o.kind = 'sale.completed'
                WHERE x.id IN ({ids}) ORDER BY x.rowid""",
        )
    lines, gifts = [], []
    for r in found:
        no_earn, handed, keys = _as_held(r.held)
        sealed_lines, sealed_gifts, sealed_keys = _as_sealed_reads(*json.loads(r.sealed))
        if r.lines_sealed and no_earn != sealed_lines:
            lines.append((r, no_earn, sealed_lines))
        if r.gifts_sealed and (handed, keys) != (sealed_gifts, sealed_keys):
            gifts.append(r)
    out = examples(lines, lambda f: Message(
        N_("sale {receipt} says the lines that earned no points are {held}, but the sync journal "
           "sealed {sealed} (record {seq}): a return of its goods would take back the wrong "
           "points"), receipt=f[0].receipt_no, held=_lines(f[1]), sealed=_lines(f[2]),
        seq=f[0].seq))  # fmt: skip
    out += examples(gifts, lambda r: Message(
        N_("sale {receipt}: the gifts for spend it handed over differ from what the sync journal "
           "sealed (record {seq}): a return could take back a gift never given, or a gift be "
           "given twice"), receipt=r.receipt_no, seq=r.seq))  # fmt: skip
    return out


def _card_programs(s: Session, carried: list[tuple[int, int]]) -> list[Message]:
    """A count card's program version (whose rule its refund follows) is the one in force
    when it was sold: the version of the last program the journal sealed before the card's
    own row. Moved in the file to a program that refunds more, the card would pay out what
    the shop never promised. Program rows carried over at a restore are left out (their
    versions are not in this file)."""
    skip = "".join(f" AND seq NOT BETWEEN {int(a)} AND {int(b)}" for a, b in carried)
    programs = rows(
        s,
        "SELECT seq, json_extract(payload, '$.version') AS version FROM outbox"
        f" WHERE kind = 'program.saved'{skip} ORDER BY seq",
    )
    seqs = [p.seq for p in programs]
    cards = rows(
        s,
        """SELECT c.receipt_no, c.program_version, o.seq FROM count_cards c
           JOIN outbox o ON o.aggregate_id = c.id AND o.kind = 'countcard.sold'
           ORDER BY c.rowid""",
    )
    moved = []
    for card in cards:
        before = bisect.bisect_left(seqs, card.seq)
        if before and programs[before - 1].version != card.program_version:
            moved.append((card, programs[before - 1].version))
    return examples(moved, lambda m: Message(
        N_("count card {receipt} says it was sold under loyalty program version {held}, but "
           "version {sealed} was in force when it was sold (sync record {seq}): its refund "
           "would follow another program's rule"), receipt=m[0].receipt_no,
        held=m[0].program_version, sealed=m[1], seq=m[0].seq))  # fmt: skip


def _records_one_by_one(s: Session, table: str, kind: str, label: str, fields: dict[str, str],
                        carried: list[tuple[int, int]]) -> list[Message]:  # fmt: skip
    """A table whose records and journal rows part: each record is looked up in the
    journal by id, and each journal row of its kind in the table (with the pairwise
    pass's own expressions: the record's fields as one array, the journal row's as one)."""
    since = (
        f"t.since IS NOT coalesce({_since_sealed(kind, 'o.payload')}, t.since)"
        if kind in SEALED_SINCE
        else "0"
    )
    found = rows(
        s,
        f"""SELECT t.id, o.seq FROM (
                SELECT id, json_array({", ".join(fields)}) AS held, {WRITTEN_AT[table]} AS at,
                       {_since_held(kind)} AS since
                FROM {table} WHERE {_mirrored(table)}) t
            LEFT JOIN outbox o ON o.aggregate_id = t.id AND o.kind = '{kind}'
            WHERE o.seq IS NULL OR t.held IS NOT {_journal_side(fields, payload="o.payload")}
               OR t.at IS NOT o.created_at OR {since}""",
    )
    out = examples(
        [r for r in found if r.seq is None],
        lambda r: Message(N_("{what} {id} has no sync record"), what=Message(label), id=r.id),
    )  # fmt: skip
    out += examples(
        [r for r in found if r.seq is not None],
        lambda r: Message(
            N_("{what} {id} differs from what the sync journal sealed (record {seq}): it "
               "was changed afterwards"), what=Message(label), id=r.id, seq=r.seq),
    )  # fmt: skip
    orphans = [
        r for r in rows(
            s,
            f"""SELECT o.seq, o.aggregate_id FROM outbox o WHERE o.kind = '{kind}'
                AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = o.aggregate_id)""",
        )
        if not any(a <= r.seq <= b for a, b in carried)
    ]  # fmt: skip
    out += examples(
        orphans,
        lambda r: Message(
            N_("{what} {id} is in the sync journal (record {seq}) but no longer in the "
               "shop's records: it was deleted"), what=Message(label), id=r.aggregate_id,
            seq=r.seq),
    )  # fmt: skip
    return out


def _tender_references(s: Session, sealed: set[tuple[str, str, str]]) -> list[Message]:
    """Each tender's payment code (付款码) is the one its sale's journal row sealed: the
    codes the journal holds and the codes the tenders hold are the same; where they are
    not, the sales concerned are compared tender by tender."""
    held = {
        (r.sale_id, r.kind, r.reference)
        for r in rows(s, "SELECT sale_id, kind, reference FROM sale_tenders WHERE reference != ''")
    }
    if held == sealed:
        return []
    suspects = sorted({sale_id for sale_id, _, _ in held ^ sealed})
    changed = []
    for start in range(0, len(suspects), 500):
        ids = ", ".join(f"'{i}'" for i in suspects[start : start + 500] if "'" not in i)
        changed += rows(
            s,
            f"""SELECT t.sale_id AS id, t.kind, o.seq FROM sale_tenders t JOIN outbox o
                ON o.aggregate_id = t.sale_id AND o.kind = 'sale.completed'
                WHERE t.sale_id IN ({ids})
                  AND coalesce(json_extract(o.payload, '$.tender_refs.' || t.kind), '')
                      IS NOT t.reference""",
        )
    return examples(
        changed,
        lambda r: Message(N_("the payment code of sale {id} ({kind}) differs from what the sync "
                             "journal sealed (record {seq}): it was changed afterwards"),
                          id=r.id, kind=Message(TENDER_NAMES.get(r.kind, r.kind)), seq=r.seq),
    )  # fmt: skip


def _receipt_gaps(s: Session, receipts: list[str]) -> list[Message]:
    """Per day and kind, the receipt numbers the journal holds run 1, 2, 3 … up to the
    counter, with none missing and none given twice; and the counter is past every number
    issued, so the next receipt cannot repeat one a customer holds (a counter turned back
    or removed in the file would start the day's numbers again)."""
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    for receipt in receipts:
        m = RECEIPT.search(receipt)
        if m:
            seen[(m.group(1), m.group(2))].add(int(m.group(3)))
    counters = {
        r.key: int(json.loads(r.value)) if isinstance(r.value, str) else int(r.value)
        for r in rows(s, "SELECT key, value FROM settings WHERE key LIKE 'receipt.seq.%'")
    }
    out = []
    for (day, kind), numbers in sorted(seen.items()):
        top = max(numbers)
        counter = counters.get(f"receipt.seq.{kind}20{day}")
        if counter is None or counter <= top:
            out.append(Message(
                N_("the receipt counter of 20{day} {kind} would give number {next} next, but "
                   "numbers up to {top} were issued: a receipt number would be given twice"),
                day=day, kind=kind or "-", next=1 if counter is None else counter, top=top))  # fmt: skip
        else:
            top = counter - 1
        if len(numbers) == top and min(numbers) >= 1:  # 1 … top, each once
            continue
        missing = sorted(set(range(1, top + 1)) - numbers)
        if not missing:
            continue
        out.append(Message(
            N_("receipt numbers of 20{day} {kind} are missing {numbers}: issued, then gone"),
            day=day, kind=kind or "-", numbers=", ".join(str(n) for n in missing[:10])))  # fmt: skip
    twice = [(r, n) for r, n in Counter(receipts).items() if n > 1]
    out += examples(twice, lambda r: Message(
        N_("receipt number {receipt} was issued {n} times"), receipt=r[0], n=r[1]))  # fmt: skip
    return out


# The states a journal row goes through (core/sync/pusher.py): a row in another is never
# claimed for sending. Sought between them on the state index, not by reading every row.
ROW_STATES = ("acked", "inflight", "pending", "rejected")
_BETWEEN = [f"state < '{ROW_STATES[0]}'",
            *(f"state > '{a}' AND state < '{b}'"
              for a, b in zip(ROW_STATES, ROW_STATES[1:], strict=False)),
            f"state > '{ROW_STATES[-1]}'"]  # fmt: skip
_UNKNOWN_STATES = (
    "SELECT state, count(*) AS n, min(seq) AS first FROM ("
    + " UNION ALL ".join(f"SELECT seq, state FROM outbox WHERE {w}" for w in _BETWEEN)
    + ") GROUP BY state ORDER BY first"
)


def nothing_marked_sent_unconfirmed(s: Session) -> list[Message]:
    """Rows marked sent or refused beyond the last sequence HQ confirmed were never answered;
    no row is in a state the till never writes (marked so in the file, it is never sent, nor
    counted as unsent when a restore asks); and the journal reaches that sequence: rows HQ
    confirmed cannot be missing from its end, where a row cut off with its record breaks no
    link (a sale and its journal rows removed to hide it)."""
    row = s.execute(text("SELECT value FROM settings WHERE key = 'sync.hq_last_seq'")).first()
    value = row[0] if row is not None else None
    confirmed = int(json.loads(value) if isinstance(value, str) else (value or 0))
    found = rows(
        s,
        "SELECT state, count(*) AS n, min(seq) AS first FROM outbox"
        f" WHERE state IN ('acked', 'rejected') AND seq > {confirmed} GROUP BY state ORDER BY state",
    )
    out = []
    for r in found:
        if r.state == "acked":
            out.append(Message(N_("{n} records from number {first} on are marked sent, but head "
                                  "office confirmed only up to {confirmed}"), n=r.n, first=r.first,
                               confirmed=confirmed))  # fmt: skip
        else:
            out.append(Message(N_("{n} records from number {first} on are marked refused by head "
                                  "office, but head office answered only up to {confirmed}: they "
                                  "were marked so outside memberdesk"),
                               n=r.n, first=r.first, confirmed=confirmed))  # fmt: skip
    for r in rows(s, _UNKNOWN_STATES):
        out.append(Message(N_("{n} records from number {first} on are marked “{state}”, which "
                              "memberdesk never writes: they were marked so outside memberdesk "
                              "and are never sent"), n=r.n, first=r.first, state=r.state))  # fmt: skip
    last = rows(s, "SELECT coalesce(max(seq), 0) AS last FROM outbox")[0].last
    if last < confirmed:
        out.append(Message(N_("head office confirmed the sync journal up to record {confirmed}, but "
                              "in the file it ends at record {last}: the records after it were "
                              "removed from the file"), confirmed=confirmed, last=last))  # fmt: skip
    return out


JOURNAL_CHECKS = [
    journal_chain,
    audit_chain,
    guards_present,
    records_match_journal,
    nothing_marked_sent_unconfirmed,
]


def journal_reaches_anchor(s: Session, path: Path) -> list[Message]:
    """The journal and the audit log reach the rows this computer last saw committed to the
    file at `path`, with the links they had then (core/store/anchor.py): a tail cut off, an
    older copy put in the file's place, or a tail written anew with its links computed
    again, is named here even before head office received it. Run in the checking process
    itself (where another store of the anchors was chosen, it may be that process's own)."""
    seen = anchor_of(path)
    if seen is None:
        return []
    tz = ZoneInfo(shop_info(s).timezone)
    out = []
    for end, table, key, what in ((seen.journal, "outbox", "seq", N_("the sync journal")),
                                  (seen.audit, "audit_log", "id", N_("the audit log"))):  # fmt: skip
        if end is None:
            continue
        when = from_utc_naive(end.at).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        row = (
            raw_connection(s)
            .execute(f"SELECT chain FROM {table} WHERE {key} = ?", (end.number,))
            .fetchone()
        )
        if row is None:
            last = rows(s, f"SELECT coalesce(max({key}), 0) AS last FROM {table}")[0].last
            out.append(Message(N_("this computer saw {what} reach record {seq} on {when}, but in "
                                  "the file it ends at record {last}: the records after it were "
                                  "removed from the file, or an older copy was put in its place "
                                  "without memberdesk's restore"),
                               what=Message(what), seq=end.number, when=when, last=last))  # fmt: skip
        elif row[0] != end.chain:
            out.append(Message(N_("record {seq} of {what} is not the one this computer saw "
                                  "written on {when}: it was written anew from there on, or "
                                  "another file was put in its place without memberdesk's "
                                  "restore"), what=Message(what), seq=end.number, when=when))  # fmt: skip
    return out
