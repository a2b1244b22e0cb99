"""Rows that change over time — members, staff, products, the loyalty program, shifts — are
each what the journal last sealed for them.

Every change of one of these rows writes its journal row with the whole row as it became
(core/store/journal.py). The journal's chain cannot be rewritten unseen (journal_chain),
so a row edited in the file — a member's tier raised, a cashier made owner or given the
owner's PIN, a price or a shift's counted cash changed — no longer equals its last journal
row, and a row added in the file has none. (A PIN is sealed as a digest of its salted hash,
core/shop/staff.py.) Fields an older journal row does not carry are not compared. Journal
rows carried onto a restored file (their changes stayed in the old one) are not the last
word on a row; the row before them is.

The till itself believes a staff row only as its last journal row sealed it, by the same
fields and the same PIN fingerprint (core/shop/staff.py, last_seal): a changed row does
not log in nor approve.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..i18n import N_, Message
from ..members.erase import erased_names
from ..money import format_fen
from ..shop.details import IDENTITY_KEYS, ShopInfo, read_setting
from ..shop.staff import (
    RECOVERY_AGGREGATE,
    RECOVERY_KEY,
    pin_fingerprint,
    recovery_code_as_sealed,
)
from ..store.journal import held_sync_settings, sealed_sync_settings, sync_as_sealed
from ..store.statements import raw_connection
from ..till.manual import LIMITS_KEY
from ..till.shift_settings import K_NOTE_THRESHOLD
from .base import examples
from .journal import carried_spans


@dataclass(frozen=True)
class Sealed:
    table: str
    key: str  # the journal rows' aggregate_id for a row (SQL over t)
    kinds: str  # the journal kinds that seal it: a LIKE pattern
    fields: tuple[tuple[str, str], ...]  # (a column of t or SQL over t, JSON path in the payload)
    rows: str = "1"  # the rows compared (SQL over t and o, its last journal row if any)
    label: str = ""  # how a finding names the row (SQL over t giving a name)
    card: str = "NULL"  # … and a member's card (SQL over t)
    moments: tuple[str, ...] = ()  # the fields that are times (compared to the millisecond)
    # Fields compared only on the rows where they hold (SQL over t): (column, condition).
    when: tuple[tuple[str, str], ...] = ()


# A shift by its cashier and when it opened (to the minute).
SHIFT = ("coalesce((SELECT name FROM staff WHERE id = t.cashier_id), '') || ' '"
         " || substr(t.opened_at, 1, 16)")  # fmt: skip

# A product's barcodes (a barcode moved to a cheaper product rings that one up), sorted.
BARCODES = ("(SELECT json_group_array(barcode) FROM (SELECT barcode FROM item_barcodes"
            " WHERE item_id = t.id ORDER BY barcode))")  # fmt: skip
SEALED_BARCODES = ("(SELECT json_group_array(value) FROM (SELECT value FROM"
                   " json_each(o.payload, '$.barcodes') ORDER BY value))")  # fmt: skip

# A pull from head office writes only part of a member (core/members/chain_directory.py):
# the profile HQ holds (card, name, phone, gender, tier, status, counted by chain_base, which
# HQ's own changes raise), and, without raising it, the card and status of a member whose
# edit here HQ has not yet taken, or of another store's member. Those fields are HQ's, whose
# journal holds their changes; the rest of a member (birthday, tier locked, salesperson,
# referrer, consent, notes, joined) HQ sends only for a member of this till's own store
# (another till of the store may have edited them): for another store's member, or one HQ
# never changed, only this till writes them, so they are its last journal row's whoever
# wrote the member last. A member HQ never changed (chain_base 0) was issued here and has
# that row; one a pull brought from another store may have none.
HQ_NEVER_CHANGED = "t.chain_base = 0"
LOCAL_ONLY = "t.chain_base = 0 AND t.chain_store = ''"
# This till's store (ShopInfo's default where none was set).
OWN_STORE = (
    "coalesce((SELECT json_extract(value, '$') FROM settings"
    " WHERE key = 'shop.store_code'), 'S001')"
)
# A member whose personal information was erased at another till (core/members/erase.py)
# had that rest of the profile cleared here by the pull that brought the erasure, whatever
# an older journal row of this till's holds of it.
ERASED_ROW = ("t.status = 'cancelled' AND t.name IN ("
              + ", ".join(f"'{n}'" for n in sorted(erased_names())) + ")")  # fmt: skip
PROFILE_LOCAL = f"NOT (t.chain_base > 0 AND (t.chain_store = {OWN_STORE} OR {ERASED_ROW}))"
REST_OF_PROFILE = ("birthday", "birthday_lunar", "lunar_month", "lunar_day", "lunar_leap",
                   "tier_locked", "salesperson_id", "joined_store", "referrer_id",
                   "marketing_consent", "guardian_consent", "notes")  # fmt: skip
SEALED = (
    Sealed("members", "t.id", "member.%",
           (("card_no", "card_no"), ("name", "name"), ("phone", "phone"), ("gender", "gender"),
            ("birthday", "birthday"), ("birthday_lunar", "birthday_lunar"),
            ("lunar_month", "lunar_month"), ("lunar_day", "lunar_day"),
            ("lunar_leap", "lunar_leap"), ("tier", "tier"), ("tier_locked", "tier_locked"),
            ("status", "status"), ("salesperson_id", "salesperson_id"),
            ("joined_at", "joined_at"), ("joined_store", "joined_store"),
            ("referrer_id", "referrer_id"), ("marketing_consent", "marketing_consent"),
            ("guardian_consent", "guardian_consent"),
            ("notes", "notes"), ("version", "version")),
           rows=f"({HQ_NEVER_CHANGED} OR o.seq IS NOT NULL)",
           label="t.name", card="t.card_no", moments=("joined_at",),
           when=(("card_no", LOCAL_ONLY), ("status", LOCAL_ONLY),
                 ("name", HQ_NEVER_CHANGED), ("phone", HQ_NEVER_CHANGED),
                 ("gender", HQ_NEVER_CHANGED), ("tier", HQ_NEVER_CHANGED),
                 ("version", HQ_NEVER_CHANGED),
                 *((c, PROFILE_LOCAL) for c in REST_OF_PROFILE))),
    Sealed("staff", "t.id", "staff.%",
           (("name", "name"), ("role", "role"), ("active", "active"),
            ("md_pin_fingerprint(t.pin_hash)", "pin")), label="t.name"),
    Sealed("items", "t.id", "item.%",
           (("code", "code"), ("name", "name"), ("category", "category"), ("price", "price"),
            ("member_price", "member_price"), ("no_discount", "no_discount"),
            ("earns_points", "earns_points"), ("active", "active"), ("version", "version"),
            (BARCODES, "barcodes")),
           label="t.code || ' ' || t.name"),
    Sealed("program_versions", "'program-' || t.version", "program.saved",
           (("version", "version"), ("json(t.settings)", "settings")),
           label="t.version"),
    # A shift's expected cash counts its cashier's sales, refunds and top-ups from when it
    # opened to when it closed: each of the three moved in the file moves the count. A shift
    # closes once: one its journal closed is closed (reopened in the file, its count and
    # difference are gone from its report), and it has one close (_closed_twice).
    Sealed("shifts", "t.id", "shift.opened",
           (("opening_float", "opening_float"), ("cashier_id", "cashier_id"),
            ("opened_at", "opened_at")), label=SHIFT, moments=("opened_at",)),
    Sealed("shifts", "t.id", "shift.closed",
           (("expected_cash", "expected_cash"), ("counted_cash", "counted_cash"),
            ("handover", "handover"), ("note", "note"), ("closed_at", "closed_at")),
           rows="(t.closed_at IS NOT NULL OR o.seq IS NOT NULL)", label=SHIFT,
           moments=("closed_at",)),
)  # fmt: skip

WHAT = {
    "members": N_("member {name} ({card})"),
    "staff": N_("staff member {name}"),
    "items": N_("product {name}"),
    "program_versions": N_("loyalty program version {name}"),
    "shifts": N_("the shift of {name}"),
}


def _column(spec: Sealed, column: str) -> str:
    return column if "(" in column else f"t.{column}"


def _same(spec: Sealed, column: str, path: str) -> str:
    """The row's field equals the payload's, or the payload does not carry it."""
    held, sealed = _column(spec, column), f"json_extract(o.payload, '$.{path}')"
    if column in spec.moments:
        held = f"strftime('%Y-%m-%d %H:%M:%f', {held})"
        sealed = f"strftime('%Y-%m-%d %H:%M:%f', {sealed})"
    elif path == "settings":
        sealed = f"json({sealed})"
    elif path == "barcodes":
        sealed = SEALED_BARCODES
    same = f"(json_type(o.payload, '$.{path}') IS NULL OR {held} IS {sealed})"
    when = dict(spec.when).get(column)
    return same if when is None else f"(NOT ({when}) OR {same})"


def _sql(spec: Sealed, skip: str) -> str:
    same = " AND ".join(_same(spec, c, p) for c, p in spec.fields)
    return (
        f"SELECT {spec.label}, {spec.card}, o.seq IS NULL FROM {spec.table} t"
        f" LEFT JOIN outbox o ON o.seq = (SELECT max(j.seq) FROM outbox j"
        f" WHERE j.aggregate_id = {spec.key} AND j.kind LIKE '{spec.kinds}'{skip})"
        f" WHERE {spec.rows} AND (o.seq IS NULL OR NOT ({same})) ORDER BY t.rowid"
    )


def state_matches_journal(s: Session) -> list[Message]:
    dbapi = raw_connection(s)
    dbapi.create_function("md_pin_fingerprint", 1, pin_fingerprint, deterministic=True)
    carried = carried_spans(s)
    skip = "".join(f" AND j.seq NOT BETWEEN {int(a)} AND {int(b)}" for a, b in carried)
    found: list[tuple[str, str, str, bool]] = []
    for spec in SEALED:
        found += [(spec.table, str(name), card, bool(unsealed))
                  for name, card, unsealed in dbapi.execute(_sql(spec, skip))]  # fmt: skip
    problems = examples(found, lambda r: Message(
        N_("{record} has no row in the sync journal: it was added outside memberdesk") if r[3]
        else N_("{record} differs from what the sync journal last sealed for it"),
        record=Message(WHAT[r[0]], name=r[1], card=r[2])))  # fmt: skip
    return (problems + _staff_deleted(dbapi, skip) + _programs_deleted(dbapi, carried)
            + _closed_twice(dbapi, skip))  # fmt: skip


# Each staff member the journal sealed is still in the file (nothing at the till deletes a
# staff member: they are made inactive). With the rows deleted the till would take the
# shop for a new one; with some, the shop may have no owner left. Their last journal rows
# name them; the staff are few.
_STAFF_DELETED = f"""SELECT o.seq, coalesce(json_extract(o.payload, '$.name'), o.aggregate_id)
    FROM outbox o WHERE o.seq IN (SELECT max(j.seq) FROM outbox j WHERE j.kind LIKE 'staff.%'
        AND j.aggregate_id != '{RECOVERY_AGGREGATE}'{{skip}} GROUP BY j.aggregate_id)
      AND NOT EXISTS (SELECT 1 FROM staff t WHERE t.id = o.aggregate_id)
    ORDER BY o.seq"""


def _staff_deleted(dbapi, skip: str) -> list[Message]:
    gone = dbapi.execute(_STAFF_DELETED.format(skip=skip)).fetchall()
    return examples(gone, lambda r: Message(
        N_("{record} is in the sync journal (record {seq}) but no longer in the shop's "
           "records: it was deleted"), record=Message(WHAT["staff"], name=r[1]),
        seq=r[0]))  # fmt: skip


# A shift closed a second time was reopened in the file (nothing at the till reopens one),
# so that its close could be made again with another count: the first close's difference
# would be gone from its report. The shifts are few; each looks up its own journal rows.
_CLOSED_TWICE = f"""SELECT {SHIFT}, (SELECT count(*) FROM outbox j WHERE j.aggregate_id = t.id
        AND j.kind = 'shift.closed'{{skip}}) AS n FROM shifts t WHERE n > 1 ORDER BY t.rowid"""


def _closed_twice(dbapi, skip: str) -> list[Message]:
    found = dbapi.execute(_CLOSED_TWICE.format(skip=skip)).fetchall()
    return examples(found, lambda r: Message(
        N_("the shift of {name} was closed {n} times: a shift closes once, so it was reopened "
           "outside memberdesk"), name=r[0], n=r[1]))  # fmt: skip


# Each version of the loyalty program the journal sealed is still in the file: the newest
# one is in force, so the newest deleted would put an earlier one back (more points for a
# yuan, a larger tier discount). Found by the journal rows' record ids ("program-3"), which
# the outbox keeps in an index, so no pass over the whole journal.
_PROGRAMS_DELETED = """SELECT o.seq, o.aggregate_id FROM outbox o
    WHERE o.aggregate_id >= 'program-' AND o.aggregate_id < 'program.'
      AND o.kind = 'program.saved'
      AND NOT EXISTS (SELECT 1 FROM program_versions t WHERE 'program-' || t.version = o.aggregate_id)
    ORDER BY o.seq"""
PROGRAM_VERSION = N_("loyalty program version")


def _programs_deleted(dbapi, carried: list[tuple[int, int]]) -> list[Message]:
    # Rows a restore carried over are of versions saved in the file it replaced.
    gone = [(seq, record) for seq, record in dbapi.execute(_PROGRAMS_DELETED)
            if not any(a <= seq <= b for a, b in carried)]  # fmt: skip
    return examples(gone, lambda r: Message(
        N_("{what} {id} is in the sync journal (record {seq}) but no longer in the shop's "
           "records: it was deleted"), what=Message(PROGRAM_VERSION),
        id=r[1].removeprefix("program-"), seq=r[0]))  # fmt: skip


# The settings a `shop.configured` journal row carries, by its key there: the shop's details
# are `shop.<key>`. The till's identity is left out: what HQ hands out is not journalled
# at the till (HQ holds it), nor is the till's id when a till first takes its codes from
# HQ. The others are only ever written with their journal row, and never removed: each
# held must have been sealed (a time zone written in moves every business day), and each
# sealed must still be held (the discount limits removed give a cashier the default's).
SHOP_FIELDS = tuple(ShopInfo.__dataclass_fields__)
SETTING_OF = {"discount_limits": LIMITS_KEY, "shift_note_threshold": K_NOTE_THRESHOLD}
GUARDED_SETTINGS = frozenset(SETTING_OF.values()) | {
    f"shop.{key}" for key in SHOP_FIELDS if key not in (*IDENTITY_KEYS, "terminal_id")
}
SETTING_NAMES = {LIMITS_KEY: N_("the discount limits of cashiers and managers"),
                 K_NOTE_THRESHOLD: N_("the shift difference that needs a note")}  # fmt: skip
_SHOP_ROWS = (
    "SELECT seq, aggregate_id, payload, created_at FROM outbox WHERE kind = 'shop.configured'"
    " ORDER BY seq"
)
TERMINAL_ID = "shop.terminal_id"  # each `shop.configured` row is filed under it


def settings_match_journal(s: Session) -> list[Message]:
    """Each setting the journal carries is what its last `shop.configured` row set: the
    discount a cashier may give, the shift difference that needs a note, the shop's
    details, and the till's own id, under which those rows are filed; and the till's store
    code, till number and card prefix are what the last act that set them set."""
    dbapi = raw_connection(s)
    carried = carried_spans(s)
    sealed: dict[str, object] = {}
    identity_set: list[tuple[str, dict]] = []  # (when, what) the rows set of the identity
    for seq, terminal_id, payload, at in dbapi.execute(_SHOP_ROWS):
        if carried and any(a <= seq <= b for a, b in carried):
            continue
        if terminal_id:
            sealed[TERMINAL_ID] = terminal_id
        changes = json.loads(payload)
        if isinstance(changes, dict):
            identity_set.append((str(at), changes))
            for key, value in changes.items():
                if key not in IDENTITY_KEYS:
                    sealed[SETTING_OF.get(key, f"shop.{key}")] = value
    held = {key: value for key, value in dbapi.execute("SELECT key, value FROM settings")}
    found = []
    for key in sorted({*sealed, *(held.keys() & GUARDED_SETTINGS)}):
        if key not in held:
            found.append(key)  # nothing removes a setting: the default would stand in for it
            continue
        value = held[key]  # JSON text; a number is kept as one (the column's affinity)
        if (
            key not in sealed
            or (json.loads(value) if isinstance(value, str) else value) != sealed[key]
        ):
            found.append(key)
    return examples(found, lambda key: Message(
        N_("the setting {key} differs from what the sync journal last sealed for it"),
        key=Message(SETTING_NAMES[key]) if key in SETTING_NAMES else key)) + _identity_as_set(
        dbapi, identity_set)  # fmt: skip


# Who the till is in the chain — its store code, till number and card prefix, in every
# receipt and card number and every record it sends — is kept beside the shop's details but
# not journalled with them (HQ hands it out). Each act that sets it at the till writes an
# audit entry (`shop.identity`, core/shop/identity.py) with the values it set, and, unless
# HQ handed them out, a `shop.configured` journal row carrying them (before the audit entry
# existed, only the row). The last value either set is the one the till may hold: a store
# code written into the file (its records then HQ refuses as another store's, and its
# receipt numbers could be another shop's) or a card prefix (its new cards' numbers another
# till's) is named, and so is one removed (the default would stand in for it).
IDENTITY_SEALED = "shop.identity"
_IDENTITY_AUDIT = f"SELECT at, detail FROM audit_log WHERE action = '{IDENTITY_SEALED}' ORDER BY id"


def _identity_as_set(dbapi, journal: list[tuple[str, dict]]) -> list[Message]:
    """The store code, till number and card prefix the file holds are those last set at the
    till: by an audit entry of `shop.identity`, or by a `shop.configured` journal row of
    `journal` (when, what it set), read with the shop's other settings."""
    moves = [(at, 0, changes) for at, changes in journal]  # (when, order in a moment, what)
    for at, detail in dbapi.execute(_IDENTITY_AUDIT):
        body = _loaded(detail)
        new = body.get("new") if isinstance(body, dict) else None
        moves.append((str(at), 1, new if isinstance(new, dict) else {}))
    sealed: dict[str, object] = {}
    for _, _, changes in sorted(moves, key=lambda m: (m[0], m[1])):
        sealed.update({k: v for k, v in changes.items() if k in IDENTITY_KEYS})
    held = {key[5:]: _loaded(value) for key, value in dbapi.execute(
        "SELECT key, value FROM settings WHERE key IN "
        f"({', '.join(repr(f'shop.{k}') for k in IDENTITY_KEYS)})")}  # fmt: skip
    if all(held.get(k) == sealed.get(k) for k in IDENTITY_KEYS):
        return []
    default = ShopInfo()

    def shown(values: dict[str, object], key: str) -> str:
        return str(values.get(key, getattr(default, key)))

    return [Message(N_("this till is store {store}, terminal {terminal}, card prefix {prefix} in "
                       "the file, but was last set at the till as store {sealed_store}, terminal "
                       "{sealed_terminal}, card prefix {sealed_prefix}: it was changed outside "
                       "memberdesk, and its receipt and card numbers could be another till's"),
                    store=shown(held, "store_code"), terminal=shown(held, "terminal_code"),
                    prefix=shown(held, "card_prefix"), sealed_store=shown(sealed, "store_code"),
                    sealed_terminal=shown(sealed, "terminal_code"),
                    sealed_prefix=shown(sealed, "card_prefix"))]  # fmt: skip


def _loaded(stored: object) -> object:
    """A JSON column's value as the file holds it (a number is kept as one)."""
    if isinstance(stored, str | bytes):
        try:
            return json.loads(stored)
        except ValueError:
            return stored
    return stored


# A member's total spend and visits are what their sales say (checkout adds a sale's total
# and a visit, a refund takes its amount off: a sale's refunded_total): a total raised in
# the file would lift the member's tier at their next sale, and the journal would then
# seal the raised tier. They count this till's sales only, whoever wrote the member last:
# a pull from head office never writes them (a member it brings starts at nothing).
_SALES_OF = """SELECT coalesce(SUM(s.total - s.refunded_total), 0), coalesce(SUM(s.total > 0), 0)
               FROM sales s WHERE s.member_id = {}"""
_SPEND = f"""SELECT m.id, m.name, m.card_no, m.lifetime_spend, m.visit_count FROM members m
    WHERE (m.lifetime_spend, m.visit_count) IS NOT ({_SALES_OF.format("m.id")})
    ORDER BY m.rowid"""


def spend_matches_sales(s: Session) -> list[Message]:
    dbapi = raw_connection(s)
    found = [(*r, *dbapi.execute(_SALES_OF.format("?"), (r[0],)).fetchone())
             for r in dbapi.execute(_SPEND).fetchall()]  # fmt: skip
    return examples(found, lambda r: Message(
        N_("member {name} ({card}) has spent {spend} in {visits} visits; their sales say "
           "{sales} in {sales_visits}"),
        name=r[1], card=r[2], spend=format_fen(r[3]), visits=r[4], sales=format_fen(r[5]),
        sales_visits=r[6]))  # fmt: skip


def recovery_code_sealed(s: Session) -> list[Message]:
    """The owner's recovery code the file holds is the one last made at this till: each code
    made (at set-up, on the staff page, or by its own use) seals its fingerprint in the audit
    log (core/shop/staff.py). One written in by hand, whose hash anyone can make, would set
    the owner's PIN for whoever wrote it (the till refuses it); one removed leaves the owner
    no way back from a forgotten PIN."""
    if recovery_code_as_sealed(s):
        return []
    if read_setting(s, RECOVERY_KEY) in (None, ""):
        return [Message(N_("the owner's recovery code last made at this till is gone from the "
                           "file: it was removed outside memberdesk"))]  # fmt: skip
    return [Message(N_("the owner's recovery code kept in the file is not the one last made at "
                       "this till: it was written in outside memberdesk"))]  # fmt: skip


def sync_settings_sealed(s: Session) -> list[Message]:
    """Where the till syncs to — head office's address and this till's id there — is what
    the last act that set it sealed in the audit log (core/store/journal.py). An address
    written in by hand would have the till pull a directory (stored value for a friend)
    and take a coupon key from a head office of someone's own; the till refuses to sync
    until a manager sets it again."""
    execute = _execute(s)
    held, sealed = held_sync_settings(execute), sealed_sync_settings(execute)
    if sync_as_sealed(held, sealed):
        return []
    if held == (None, None) and sealed is not None:
        return [Message(N_("the head office address {url} and terminal id {terminal} last set at "
                           "this till are gone from the file: they were removed outside "
                           "memberdesk"), url=str(sealed[0]), terminal=str(sealed[1]))]  # fmt: skip
    return [Message(N_("the head office address {url} and terminal id {terminal} kept in the file "
                       "are not those last set at this till: they were written in outside "
                       "memberdesk, and the till does not sync until a manager sets them again"),
                    url=str(held[0] or "-"), terminal=str(held[1] or "-"))]  # fmt: skip


def _execute(s: Session):
    dbapi = raw_connection(s)
    return lambda sql, params: dbapi.execute(sql, params)


STATE_CHECKS = [state_matches_journal, settings_match_journal, spend_matches_sales,
                recovery_code_sealed, sync_settings_sealed]  # fmt: skip
STATE_CHECK_NAMES = {
    "spend_matches_sales": N_("members' total spend and visits"),
    "state_matches_journal": N_("members, staff, products and shifts as sealed"),
    "settings_match_journal": N_("settings as sealed"),
    "recovery_code_sealed": N_("the owner's recovery code as sealed"),
    "sync_settings_sealed": N_("the head office address as sealed"),
}
