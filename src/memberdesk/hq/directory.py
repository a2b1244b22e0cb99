"""The chain's member directory: what every till pulls so that lookup stays local.

Membership scope is chain data (`memberdesk-hq chain`): `store` (today's behaviour: a
store's tills see the store's members) or `chain` (every store sees every member, and
earns and spends on them). The directory carries what lookup and the member panel
need — card numbers (old ones too, so they are refused), name, phone, tier, status,
the member's store; to a till of the member's own store the rest of the profile too
(birthday, notes, salesperson …: its store entered them) — and the balances as HQ knows
them, *without the asking terminal's own entries*: the till adds its own ledger to them, so an entry is counted
once whether or not HQ has it yet (balances are sums of entries with globally unique
ids; each till contributes its own and mirrors everyone else's).

Every ingest that writes a member or an entry for one gives those members the next
number of the feed (`record_changes`, inside the ingest's transaction); a till asks
for the members changed after its cursor, in pages. A spend that leaves a balance
below zero at HQ — two stores spent it offline at once — is recorded as an overdraft,
listed by `memberdesk-hq problems` and sent with the member to every till.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Select,
    bindparam,
    case,
    delete,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..core.members.chain_directory import MAX_AMOUNT as MAX_BALANCE
from ..core.members.erase import ERASED_FIELDS, erased_names
from .models import (
    cards,
    chain_settings,
    directory,
    directory_clock,
    events,
    member_fields,
    members,
    overdrafts,
    points_entries,
    stores,
    terminals,
    wallet_entries,
)

SCOPES = ("store", "chain")
DEFAULT_SCOPE = "store"
# Spending a balance HQ confirmed earlier (core/members/chain_policy.py reads it at the till).
DEFAULT_POLICY: dict[str, int] = {
    "offline_after_minutes": 15,  # a till whose last pull is older is offline for spending
    "offline_points_per_day": 5000,  # per member per day at one till while offline
    "offline_wallet_per_day": 20000,  # fen, likewise
}
MAX_PAGE = 5000
SPEND_POINTS = ("redeem", "gift", "coupon")  # "coupon": points exchanged for one
SPEND_WALLET = ("pay", "cashout", "topup_reversal")  # a reversal pays the top-up back


@dataclass(frozen=True)
class ChainSettings:
    scope: str = DEFAULT_SCOPE
    generation: int = 1  # moves when the scope changes: every till pulls from the start
    policy: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_POLICY))

    @property
    def shared(self) -> bool:
        return self.scope == "chain"


def _insert(conn: Connection):
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert


def read_chain(conn: Connection) -> ChainSettings:
    values = {k: v for k, v in conn.execute(select(chain_settings.c.key, chain_settings.c.value))}
    policy = dict(DEFAULT_POLICY)
    policy.update({k: int(v) for k, v in (values.get("spend_policy") or {}).items()
                   if k in DEFAULT_POLICY})  # fmt: skip
    scope = values.get("membership_scope")
    return ChainSettings(
        scope=scope if scope in SCOPES else DEFAULT_SCOPE,
        generation=int(values.get("scope_generation") or 1),
        policy=policy,
    )


def set_chain(
    engine: Engine, now: datetime, *, scope: str | None = None, policy: dict[str, int] | None = None,
    from_start: bool = False,
) -> ChainSettings:  # fmt: skip
    """Change the membership scope and/or the spending policy (`memberdesk-hq chain set`);
    `from_start`: every till pulls the members from the start at its next pull
    (`memberdesk-hq resend-members`, after HQ's database was put back to a backup: the feed
    numbers changes again from the backup's, below where the tills' cursors already are)."""
    if scope is not None and scope not in SCOPES:
        raise ValueError(scope)
    with engine.begin() as conn:
        have = read_chain(conn)
        values: dict[str, Any] = {}
        if from_start or (scope is not None and scope != have.scope):
            values["scope_generation"] = have.generation + 1
        if scope is not None and scope != have.scope:
            values["membership_scope"] = scope
        if policy:
            values["spend_policy"] = {**have.policy, **policy}
        for key, value in values.items():
            stmt = _insert(conn)(chain_settings).values(key=key, value=value, updated_at=now)
            conn.execute(stmt.on_conflict_do_update(
                index_elements=[chain_settings.c.key], set_={"value": value, "updated_at": now}
            ))  # fmt: skip
        return read_chain(conn)


# ---------------------------------------------------------------- at ingest


def record_changes(
    conn: Connection,
    terminal_id: str,
    member_rows: Iterable[dict[str, Any]],
    inserts: dict[Any, list[dict[str, Any]]],
    now: datetime,
) -> None:
    """Give every member this batch wrote (its row or an entry) the feed's next number, and
    record an overdraft where this batch's spending left a balance below zero."""
    member_rows = list(member_rows)
    merge_profiles(conn, member_rows)
    changed = {row["id"] for row in member_rows}
    spent: dict[str, set[str]] = {}
    for row in inserts.get(points_entries, []):
        changed.add(row["member_id"])
        if row["delta"] < 0 and row["kind"] in SPEND_POINTS:
            spent.setdefault(row["member_id"], set()).add("points")
    for row in inserts.get(wallet_entries, []):
        changed.add(row["member_id"])
        if (row["principal_delta"] < 0 or row["bonus_delta"] < 0) and row["kind"] in SPEND_WALLET:
            spent.setdefault(row["member_id"], set()).add("wallet")
    mark_changed(conn, changed)
    if spent:
        _record_overdrafts(conn, terminal_id, spent, now)


MARK_CHANGED = (
    "WITH n AS (UPDATE hq_directory_clock SET seq = seq + 1 WHERE id = 1 RETURNING seq) "
    "INSERT INTO hq_directory (member_id, change_seq) "
    "SELECT m, n.seq FROM n, json_array_elements_text(%s::json) AS m "
    "ON CONFLICT (member_id) DO UPDATE SET change_seq = excluded.change_seq"
)


def mark_changed(conn: Connection, member_ids: Iterable[str]) -> None:
    """Give these members the feed's next number: every till pulls them again."""
    changed = sorted(set(member_ids))
    if not changed:
        return
    if conn.dialect.name == "postgresql":
        # The number and the rows in one statement through the driver: SQLAlchemy would
        # compile its many-row upsert again on every call, with the clock's lock held.
        with conn.connection.driver_connection.cursor() as cursor:
            cursor.execute(MARK_CHANGED, (json.dumps(changed),))
            if cursor.rowcount != len(changed):  # the clock's row is made by migration 0004
                raise RuntimeError("hq_directory_clock holds no row")
        return
    seq = conn.execute(
        update(directory_clock)
        .where(directory_clock.c.id == 1)
        .values(seq=directory_clock.c.seq + 1)
        .returning(directory_clock.c.seq)
    ).scalar_one()
    stmt = _insert(conn)(directory)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[directory.c.member_id], set_={"change_seq": stmt.excluded.change_seq}
        ),
        [{"member_id": m, "change_seq": seq} for m in changed],
    )


def replay_fields(conn: Connection, member_ids: list[str], kept: Callable[[Row], bool]) -> None:
    """Rebuild these members' per-field times from the edits `kept` says still count (after a
    rebase superseded some), and put each field's latest kept value back into the member's
    row. The row's version is left to the caller."""
    if not member_ids:
        return
    conn.execute(delete(member_fields).where(member_fields.c.member_id.in_(member_ids)))
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    tracked: set[str] = set()
    # An edit's time at its till, never later than HQ received it (as merge_profiles takes it).
    at = case((events.c.created_at > events.c.received_at, events.c.received_at),
              else_=events.c.created_at).label("at")  # fmt: skip
    found = conn.execute(
        select(events.c.aggregate_id, events.c.terminal_id, events.c.epoch, events.c.seq, at,
               events.c.payload)
        .where(events.c.aggregate_id.in_(member_ids), events.c.status == "accepted",
               events.c.kind.like("member.%"))
        .order_by(at, events.c.epoch, events.c.seq)
    )  # fmt: skip
    for e in found:
        data = e.payload if isinstance(e.payload, dict) else {}
        if not kept(e):
            continue
        named = data.get("fields")
        if isinstance(named, list):
            tracked.add(e.aggregate_id)
        names = (
            [f for f in named if f in PROFILE_FIELDS] if isinstance(named, list) else PROFILE_FIELDS
        )
        for name in names:  # in time order: the later edit of a field wins it
            latest[(e.aggregate_id, name)] = {
                "member_id": e.aggregate_id, "field": name, "value": {"v": data.get(name)},
                "changed_at": e.at, "terminal_id": e.terminal_id, "seq": e.seq,
            }  # fmt: skip
    rows = [r for (member_id, _f), r in latest.items() if member_id in tracked]
    if rows:
        conn.execute(member_fields.insert(), rows)
    merged: dict[str, dict[str, Any]] = {}
    for r in rows:
        merged.setdefault(r["member_id"], {})[r["field"]] = r["value"]["v"]
    for member_id, fields in merged.items():
        data = conn.scalar(select(members.c.data).where(members.c.id == member_id))
        data = data if isinstance(data, dict) else {}
        if _erased(data, fields):
            fields = {**fields, **ERASED_FIELDS}
            _clear_erased_fields(conn, [member_id])
        data = {**data, **fields}
        conn.execute(
            update(members).where(members.c.id == member_id).values(
                data=data, **{f: fields[f] for f in ROW_FIELDS if f in fields})
        )  # fmt: skip


# The profile fields a member event carries (core/members/member.py `member_payload`); the
# first five are also columns of hq_members.
PROFILE_FIELDS = (
    "card_no", "name", "phone", "tier", "status", "gender", "birthday", "birthday_lunar",
    "lunar_month", "lunar_day", "lunar_leap", "tier_locked", "salesperson_id", "joined_at",
    "joined_store", "referrer_id", "marketing_consent", "notes", "guardian_consent",
)  # fmt: skip
ROW_FIELDS = PROFILE_FIELDS[:5]


def merge_profiles(conn: Connection, member_rows: list[dict[str, Any]]) -> None:
    """Edits of one member from two places merge field by field, the later edit (by its
    time at its till) winning each field: an event names the fields it changed (`fields`;
    one without, a member issued or an older till's, changed them all). The member's row
    becomes every field's latest value, and a version above each edit that does not hold
    all of them, so that every till takes the merged profile at its next pull. Each edit
    stays whole in hq_events, the history. On PostgreSQL through the driver, in three
    round trips (_ProfilesPg); SQLAlchemy elsewhere."""
    io = _ProfilesPg(conn) if conn.dialect.name == "postgresql" else _ProfilesOrm(conn)
    edits = {r["id"] for r in member_rows if isinstance(r["data"].get("fields"), list)}
    whole = sorted({r["id"] for r in member_rows} - edits)
    first = member_rows[0] if member_rows else None
    seqs = sorted({row["seq"] for row in member_rows})
    # Whether whole rows' members are kept apart already, and the edits' times (both asked
    # at once: the times are wanted only if some row is an edit, and cost little).
    kept, times = io.kept_and_times(whole, first, seqs)
    edits |= kept  # a whole row counts for every field once a member's fields are kept apart
    member_rows = [r for r in member_rows if r["id"] in edits]
    if not member_rows:
        return  # only whole rows of members never edited in part: the newest version holds
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in member_rows:  # in the batch's order: of two edits at one time, the later
        data = row["data"]
        named = data.get("fields")
        names = (
            [f for f in named if f in PROFILE_FIELDS] if isinstance(named, list) else PROFILE_FIELDS
        )
        # The edit's time at its till, never later than HQ received it (row["updated_at"]):
        # a time ahead would win the field against every edit made before it is reached.
        at = min(times.get(row["seq"]) or row["updated_at"], row["updated_at"])
        for name in names:
            have = latest.get((row["id"], name))
            if have is None or at >= have["changed_at"]:
                latest[(row["id"], name)] = {
                    "member_id": row["id"], "field": name, "value": {"v": data.get(name)},
                    "changed_at": at, "terminal_id": row["terminal_id"], "seq": row["seq"],
                }  # fmt: skip
    ids = sorted({row["id"] for row in member_rows})
    merged, current = io.write_fields(list(latest.values()), ids)
    updates, erased = [], []
    for member_id in ids:
        row, fields = current.get(member_id), merged.get(member_id, {})
        if row is None:
            continue
        version, data = row
        data = data if isinstance(data, dict) else {}
        if _erased(data, fields):
            fields = {**fields, **ERASED_FIELDS}
            erased.append(member_id)
        sent = [r for r in member_rows if r["id"] == member_id]
        if any(data.get(f) != v for f, v in fields.items()):  # the merge changed HQ's row
            version = max(version, *(r["version"] for r in sent)) + 1
        for r in sent:  # a till whose edit lost a field takes the merged row at its pull
            if r["version"] >= version and any(r["data"].get(f) != v for f, v in fields.items()):
                version = r["version"] + 1
        data = {**data, **fields, "version": version}
        data.pop("fields", None)
        updates.append({"b_id": member_id, "version": version, "data": data,
                        **{f: fields.get(f, data.get(f)) for f in ROW_FIELDS}})  # fmt: skip
    if updates:
        io.update_members(updates)
    _clear_erased_fields(conn, erased)


def _erased(data: dict[str, Any], fields: dict[str, Any]) -> bool:
    """Whether the merged profile is an erased member's (cancelled under the erased name):
    then it keeps no personal field, even one a till edited offline later (before it took
    the cancellation); the edit stays in hq_events, the history."""
    profile = {**data, **fields}
    return profile.get("status") == "cancelled" and profile.get("name") in erased_names()


def _clear_erased_fields(conn: Connection, member_ids: list[str]) -> None:
    """The erased members' kept fields hold nothing personal either."""
    for name, empty in ERASED_FIELDS.items() if member_ids else ():
        conn.execute(
            update(member_fields)
            .where(member_fields.c.member_id.in_(member_ids), member_fields.c.field == name)
            .values(value={"v": empty})
        )


FIELD_CHANGES = ("value", "changed_at", "terminal_id", "seq")


class _ProfilesOrm:
    """merge_profiles' reads and writes through SQLAlchemy (SQLite)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def kept_and_times(
        self, whole: list[str], first: dict[str, Any] | None, seqs: list[int]
    ) -> tuple[set[str], dict[int, datetime]]:
        conn, kept, times = self.conn, set(), {}
        if whole:
            kept = set(conn.execute(
                select(member_fields.c.member_id.distinct())
                .where(member_fields.c.member_id.in_(whole))
            ).scalars())  # fmt: skip
        if first is not None:
            times = dict(conn.execute(
                select(events.c.seq, events.c.created_at).where(
                    events.c.terminal_id == first["terminal_id"], events.c.epoch == first["epoch"],
                    events.c.seq.in_(seqs))
            ).all())  # fmt: skip
        return kept, times

    def write_fields(
        self, rows: list[dict[str, Any]], ids: list[str]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[int, Any]]]:
        """Upsert the fields (the later edit winning); the members' merged fields and their
        (version, data) as HQ holds them."""
        conn = self.conn
        if rows:  # none where the edits named no field HQ merges (an empty list, a newer till's)
            stmt = _insert(conn)(member_fields)
            new = stmt.excluded
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[member_fields.c.member_id, member_fields.c.field],
                    set_={c: new[c] for c in FIELD_CHANGES},
                    where=new.changed_at >= member_fields.c.changed_at,
                ),
                rows,
            )
        merged: dict[str, dict[str, Any]] = {}
        for member_id, name, value in conn.execute(
            select(member_fields.c.member_id, member_fields.c.field, member_fields.c.value)
            .where(member_fields.c.member_id.in_(ids))
        ):  # fmt: skip
            merged.setdefault(member_id, {})[name] = (value or {}).get("v")
        current = {r.id: (r.version, r.data) for r in conn.execute(
            select(members.c.id, members.c.version, members.c.data).where(members.c.id.in_(ids)))}  # fmt: skip
        return merged, current

    def update_members(self, updates: list[dict[str, Any]]) -> None:
        self.conn.execute(
            update(members).where(members.c.id == bindparam("b_id")).values(
                version=bindparam("version"), data=bindparam("data"),
                **{f: bindparam(f) for f in ROW_FIELDS}),
            updates,
        )  # fmt: skip


class _ProfilesPg(_ProfilesOrm):
    """The same through the driver's own connection: ids as one JSON text, the reads of a
    step pipelined, no statement compiled per call (a catch-up batch's members cost some
    10 ms of SQLAlchemy's work otherwise)."""

    def kept_and_times(
        self, whole: list[str], first: dict[str, Any] | None, seqs: list[int]
    ) -> tuple[set[str], dict[int, datetime]]:
        driver = self.conn.connection.driver_connection
        kept, times = set(), {}
        with driver.pipeline(), driver.cursor() as a, driver.cursor() as b:
            if whole:
                a.execute("SELECT DISTINCT member_id FROM hq_member_fields WHERE member_id "
                          f"= ANY({_JSON_IDS})", (json.dumps(whole),))  # fmt: skip
            if first is not None:
                b.execute("SELECT seq, created_at FROM hq_events WHERE terminal_id = %s "
                          "AND epoch = %s AND seq = ANY(%s::bigint[])",
                          (first["terminal_id"], first["epoch"], seqs))  # fmt: skip
            if whole:
                kept = {m for (m,) in a.fetchall()}
            if first is not None:
                times = dict(b.fetchall())
        return kept, times

    def write_fields(
        self, rows: list[dict[str, Any]], ids: list[str]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[int, Any]]]:
        driver = self.conn.connection.driver_connection
        merged: dict[str, dict[str, Any]] = {}
        with driver.pipeline(), driver.cursor() as write, driver.cursor() as read, \
                driver.cursor() as now:  # fmt: skip
            write.execute(  # one statement, the rows as one JSON text (one per field)
                "INSERT INTO hq_member_fields (member_id, field, value, changed_at, terminal_id, "
                "seq) SELECT * FROM json_to_recordset(%s::json) AS f(member_id text, field text, "
                "value jsonb, changed_at timestamp, terminal_id text, seq bigint) "
                "ON CONFLICT (member_id, field) DO "
                f"UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in FIELD_CHANGES)} "
                "WHERE excluded.changed_at >= hq_member_fields.changed_at",
                (json.dumps(rows, ensure_ascii=False, default=datetime.isoformat),),
            )  # fmt: skip
            param = (json.dumps(ids),)
            read.execute("SELECT member_id, field, value FROM hq_member_fields WHERE member_id "
                         f"= ANY({_JSON_IDS})", param)  # fmt: skip
            now.execute(f"SELECT id, version, data FROM hq_members WHERE id = ANY({_JSON_IDS})",
                        param)  # fmt: skip
            for member_id, name, value in read.fetchall():
                merged.setdefault(member_id, {})[name] = (value or {}).get("v")
            current = {m: (version, data) for m, version, data in now.fetchall()}
        return merged, current

    def update_members(self, updates: list[dict[str, Any]]) -> None:
        with self.conn.connection.driver_connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE hq_members SET version = %s, data = %s::jsonb, "
                f"{', '.join(f'{f} = %s' for f in ROW_FIELDS)} WHERE id = %s",
                [(u["version"], json.dumps(u["data"], ensure_ascii=False),
                  *(u[f] for f in ROW_FIELDS), u["b_id"]) for u in updates],
            )  # fmt: skip


_JSON_IDS = "ARRAY(SELECT json_array_elements_text(%s::json))"


def _record_overdrafts(
    conn: Connection, terminal_id: str, spent: dict[str, set[str]], now: datetime
) -> None:
    ids = sorted(spent)
    points, wallet = balances(conn, ids)
    query = select(members.c.id, members.c.store_code).where(members.c.id.in_(ids))
    owners = {member_id: store for member_id, store in conn.execute(query)}
    rows = []
    for member_id in ids:
        found = []
        if "points" in spent[member_id]:
            found.append(("points", points.get(member_id, 0)))
        if "wallet" in spent[member_id]:
            principal, bonus = wallet.get(member_id, (0, 0))
            found += [("principal", principal), ("bonus", bonus)]
        rows += [{"member_id": member_id, "store_code": owners.get(member_id, ""),
                  "terminal_id": terminal_id, "kind": kind, "balance": balance, "found_at": now}
                 for kind, balance in found if balance < 0]  # fmt: skip
    if rows:
        conn.execute(overdrafts.insert(), rows)


# Spans of a terminal's own records that its file does not hold (`own` of a pull), at most.
MAX_SPANS = 64


def parse_spans(text: str | None) -> list[tuple[int, int]] | None:
    """ "12-40,57-57" → [(12, 40), (57, 57)]: the sequence numbers of a till's own records
    that a restore carried onto its file without their changes (core/shop/backups.py).
    '' is none; None: not spans."""
    if not text:
        return []
    spans = []
    for part in text.split(",", MAX_SPANS):
        first, dash, last = part.partition("-")
        if not dash or not _count(first) or not _count(last) or int(first) > int(last):
            return None
        spans.append((int(first), int(last)))
    return spans if len(spans) <= MAX_SPANS else None


def _own(table: Any, terminal_id: str, keeping: Sequence[tuple[int, int]]) -> Any:
    """The terminal's entries its file holds: all of its entries but those of the spans."""
    mine = table.c.terminal_id == terminal_id
    if not keeping:
        return mine
    return mine & ~or_(*(table.c.seq.between(a, b) for a, b in keeping))


def balances(
    conn: Connection, ids: list[str] | Select, *, without: str | None = None,
    keeping: Sequence[tuple[int, int]] = (),
) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:  # fmt: skip
    """Points and (principal, bonus) of each member as the sum of the entries HQ holds,
    leaving out one terminal's entries when `without` names it — but for those of its
    records in `keeping`, which a restore took off its file (the till has them only from
    HQ). `ids` is a list or a statement selecting them (a page of the directory): one
    grouped statement per ledger over its member index, with no thousand values to send
    and plan."""
    p_where = [points_entries.c.member_id.in_(ids), points_entries.c.superseded.is_(False)]
    w_where = [wallet_entries.c.member_id.in_(ids), wallet_entries.c.superseded.is_(False)]
    if without is not None:
        p_where.append(~_own(points_entries, without, keeping))
        w_where.append(~_own(wallet_entries, without, keeping))
    points = {
        m: int(v)
        for m, v in conn.execute(
            select(points_entries.c.member_id, func.sum(points_entries.c.delta))
            .where(*p_where).group_by(points_entries.c.member_id)
        )
    }  # fmt: skip
    wallet = {
        m: (int(p), int(b))
        for m, p, b in conn.execute(
            select(wallet_entries.c.member_id, func.sum(wallet_entries.c.principal_delta),
                   func.sum(wallet_entries.c.bonus_delta))
            .where(*w_where).group_by(wallet_entries.c.member_id)
        )
    }  # fmt: skip
    return points, wallet


# ---------------------------------------------------------------- the pull


def _count(text: str) -> bool:
    """Whether a cursor's part is a count HQ can have given: ASCII digits ("²" is a digit to
    Python and no number), fewer than a BIGINT column's 19."""
    return 0 < len(text) <= 18 and text.isascii() and text.isdigit()


@dataclass(frozen=True)
class Cursor:
    generation: int = 0
    seq: int = 0
    member_id: str = ""

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """'' is the start; None: not a cursor."""
        if not text:
            return cls()
        parts = text.split(".", 2)
        if (
            len(parts) != 3
            or not _count(parts[0])
            or not _count(parts[1])
            or len(parts[2]) > 64
            or "\x00" in parts[2]
        ):
            return None
        return cls(int(parts[0]), int(parts[1]), parts[2])

    def __str__(self) -> str:
        return f"{self.generation}.{self.seq}.{self.member_id}"


_COLUMNS = (members.c.id, members.c.store_code, members.c.card_no, members.c.name,
            members.c.phone, members.c.tier, members.c.status, members.c.joined_at,
            members.c.version,
            # The member's whole event is kept in `data`: read the one field sent, not all of it.
            members.c.data["gender"].as_string().label("gender"))  # fmt: skip

# The rest of a member's profile (PROFILE_FIELDS not in every entry): sent only to a till of
# the member's own store, which entered them (a till restored from an older backup gets back
# the birthdays and notes of the members it issued after the backup).
OWN_PROFILE = tuple(f for f in PROFILE_FIELDS if f not in ("card_no", "name", "phone", "tier",
                                                           "status", "gender", "joined_at"))  # fmt: skip


def _columns(store_code: str) -> tuple[Any, ...]:
    """_COLUMNS, and the member's whole profile where the member is of `store_code` (NULL
    for another store's: read in the same statement, nothing more for theirs)."""
    return (*_COLUMNS, case((members.c.store_code == store_code, members.c.data),
                            else_=None).label("profile"))  # fmt: skip


def directory_page(
    conn: Connection, terminal_id: str, store_code: str, cursor: Cursor, limit: int,
    own: Sequence[tuple[int, int]] = (),
) -> dict[str, Any]:  # fmt: skip
    """The members changed after `cursor` that this terminal's store may see, oldest
    change first, with the balances without this terminal's own entries (but those of
    its records in `own`, see `balances`)."""
    chain = read_chain(conn)
    if cursor.generation != chain.generation:
        cursor = Cursor(chain.generation)  # the scope changed: from the start
    limit = max(1, min(limit, MAX_PAGE))

    def page(*columns: Any) -> Select:
        """The page: the next `limit` changes after the cursor, along the feed's index."""
        query = select(*columns).where(
            tuple_(directory.c.change_seq, directory.c.member_id)
            > tuple_(cursor.seq, cursor.member_id)
        )
        if not chain.shared or len(columns) > 1:
            query = query.join(members, members.c.id == directory.c.member_id)
        if not chain.shared:
            query = query.where(members.c.store_code == store_code)
        return query.order_by(directory.c.change_seq, directory.c.member_id).limit(limit)

    rows = conn.execute(page(directory.c.change_seq, *_columns(store_code))).all()
    out = _entries(conn, terminal_id, rows, page(directory.c.member_id), own)
    last = Cursor(chain.generation, rows[-1].change_seq, rows[-1].id) if rows else cursor
    return {
        "scope": chain.scope, "policy": chain.policy, "members": out, "cursor": str(last),
        "more": len(rows) == limit, "stores": store_names(conn) if chain.shared else {},
    }  # fmt: skip


def store_names(conn: Connection) -> dict[str, str]:
    """Every store's name by its code: a till names another store's member by the store's
    name (滨江店), which its people know, not only by its code."""
    return {code: name for code, name in conn.execute(select(stores.c.code, stores.c.name))}


def find_member(
    conn: Connection, terminal_id: str, store_code: str, *, card: str | None, phone: str | None,
    own: Sequence[tuple[int, int]] = (),
) -> dict[str, Any] | None:  # fmt: skip
    """One member by a card number they ever had or a phone, if this store may see them."""
    chain = read_chain(conn)
    if card:
        query = (
            select(*_columns(store_code))
            .join(cards, cards.c.member_id == members.c.id)
            .where(cards.c.card_no == card.upper())
        )
    elif phone:
        query = (
            select(*_columns(store_code))
            .where(members.c.phone == phone)
            .order_by(members.c.status == "cancelled", members.c.updated_at.desc())
        )
    else:
        return None
    if not chain.shared:
        query = query.where(members.c.store_code == store_code)
    row = conn.execute(query.limit(1)).first()
    if row is None:
        return None
    return {
        "scope": chain.scope,
        "policy": chain.policy,
        "member": _entries(conn, terminal_id, [row], own=own)[0],
    }


def _held(balance: int) -> int:
    """A balance as a till can hold it: a sum beyond ±¥10,000,000,000 (ten thousand entries,
    each within HQ's limit) is sent at that limit, or every till would refuse the whole page
    it comes in, and its pull would stop there for good."""
    return max(-MAX_BALANCE, min(MAX_BALANCE, balance))


def _entries(
    conn: Connection, terminal_id: str, rows: list[Any], ids: Select | None = None,
    own: Sequence[tuple[int, int]] = (),
) -> list[dict[str, Any]]:  # fmt: skip
    """The rows as the till takes them; `ids` selects the same members (default: a list)."""
    if not rows:
        return []
    if ids is None:
        ids = [r.id for r in rows]
    points, wallet = balances(conn, ids, without=terminal_id, keeping=own)
    old: dict[str, list[str]] = {}
    for number, member_id in conn.execute(
        select(cards.c.card_no, cards.c.member_id).where(cards.c.member_id.in_(ids))
    ):
        old.setdefault(member_id, []).append(number)
    owed: dict[str, list[dict[str, Any]]] = {}
    for o in conn.execute(
        select(overdrafts).where(overdrafts.c.member_id.in_(ids)).order_by(overdrafts.c.id)
    ):
        owed.setdefault(o.member_id, []).append(
            {"id": int(o.id), "kind": o.kind, "balance": int(o.balance),
             "store_code": o.store_code, "found_at": o.found_at.isoformat()}
        )  # fmt: skip
    out = []
    for r in rows:
        member_id, card_no = r.id, r.card_no
        principal, bonus = wallet.get(member_id, (0, 0))
        numbers = old.get(member_id, ())
        out.append({
            # Only what lookup and the member panel need: no notes, birthday, salesperson
            # (but to a till of the member's own store, under "profile").
            "id": member_id, "store_code": r.store_code, "card_no": card_no, "name": r.name,
            "phone": r.phone, "tier": r.tier, "status": r.status, "gender": r.gender or "U",
            "joined_at": r.joined_at.isoformat() if r.joined_at else None, "version": r.version,
            "old_cards": sorted(n for n in numbers if n != card_no) if len(numbers) > 1 else [],
            "points": _held(points.get(member_id, 0)), "wallet_principal": _held(principal),
            "wallet_bonus": _held(bonus), "overdrafts": owed.get(member_id, []),
        })  # fmt: skip
        if isinstance(r.profile, dict):  # the asking till's own store's member: all of it
            out[-1]["profile"] = {f: r.profile[f] for f in OWN_PROFILE if f in r.profile}
    return out


# ---------------------------------------------------------------- listed


@dataclass(frozen=True)
class Overdraft:
    member_id: str
    name: str
    card_no: str
    store_code: str
    terminal_id: str
    kind: str
    balance: int
    found_at: datetime
    till: str = ""  # the spending terminal as people know it: its store and code (S002-01)


def list_overdrafts(conn: Connection, store: str | None = None) -> list[Overdraft]:
    query = (
        select(
            overdrafts,
            members.c.name,
            members.c.card_no,
            terminals.c.store_code.label("till_store"),
            terminals.c.code.label("till_code"),
        )
        .join(members, members.c.id == overdrafts.c.member_id, isouter=True)
        .join(terminals, terminals.c.id == overdrafts.c.terminal_id, isouter=True)
        .order_by(overdrafts.c.found_at, overdrafts.c.id)
    )
    if store is not None:
        query = query.where(overdrafts.c.store_code == store)
    return [
        Overdraft(r.member_id, r.name or "", r.card_no or "", r.store_code, r.terminal_id, r.kind,
                  int(r.balance), r.found_at,
                  f"{r.till_store}-{r.till_code}" if r.till_code else r.terminal_id)
        for r in conn.execute(query)
    ]  # fmt: skip
