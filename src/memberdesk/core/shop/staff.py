"""Staff, PINs, roles and the permissions core enforces (not only the UI).

PINs are stored as scrypt hashes (stdlib) with a per-PIN salt, at a cost that keeps
a PIN check near a fifth of a second: trying every 4-digit PIN of a stolen backup
takes about 40 minutes of one core, every 6-digit PIN about 60 hours (a PIN is a
short secret: the file itself must be kept safe). Repeated wrong PINs lock the
account, for longer each time (5, 15, then 60 minutes) until a right PIN is typed.

Privileged acts need a manager or owner, either as the acting staff or as the one
who typed their PIN to authorise. An authoriser is believed only as `login` or
`authorise` made it — after checking the PIN against the staff table — never as
any `Actor` a caller puts together: such an actor carries a seal only this
process can make.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..clock import from_utc_naive
from ..errors import DomainError
from ..i18n import N_, Message, gettext
from ..store.database import Store
from ..store.models import Staff
from ..store.uow import UnitOfWork
from ..text import check_text
from .details import read_setting, shop_info, write_setting

ROLES = ("cashier", "manager", "owner")


# How a role reads (translated where shown).
ROLE_NAMES = {"cashier": N_("Cashier"), "manager": N_("Manager"), "owner": N_("Owner")}


MAX_FAILED_PINS = 5


# Each lockout in a row lasts longer; a right PIN starts again from the first.
LOCKOUTS = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
LOCKOUT = LOCKOUTS[0]


# ASCII digits only, whole string: \d also takes full-width and other scripts' digits and
# `$` lets a trailing newline through, and such a PIN could never be typed on the keypad.
PIN_PATTERN = re.compile(r"[0-9]{4,8}")


SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**16, 8, 1
SCRYPT_MAXMEM = 2**28  # N·r·128 bytes = 64 MiB for the default; room for older hashes
# Made fresh in each process: an authoriser's seal cannot be made outside `login`.
_SEAL_KEY = secrets.token_bytes(32)


# Acts that need a manager or owner, with how they read in a refusal ("… may not {action}").
PRIVILEGED: dict[str, str] = {
    "refund": N_("refund"),
    "points_adjust": N_("adjust points"),
    "tier_set": N_("change a member's tier"),
    "program_change": N_("change the loyalty program"),
    "export_full_phone": N_("export full phone numbers"),
    "view_full_phone": N_("see full phone numbers"),
    "staff_admin": N_("manage staff"),
    "wallet_cashout": N_("cash out stored value"),
    "restore_backup": N_("restore a backup"),
    "backup_settings": N_("change where backups are kept"),
    "import_members": N_("import members"),
    "discount": N_("approve a discount over the cashier's limit"),
    "day_report": N_("see the day-end report"),
    "shift_settings": N_("change the shift-close settings"),
    "catalogue_change": N_("change the product catalogue"),
    "coupon_issue": N_("issue coupons"),
    "shop_settings": N_("change the shop's details or where it syncs to"),
    "held_discard": N_("remove a held sale that was changed outside memberdesk"),
    "member_erase": N_("erase a member's personal information"),
    "member_copy": N_("give a member a copy of their personal information"),
}


@dataclass(frozen=True)
class Actor:
    """Who is doing something: passed into every core operation that changes data."""

    staff_id: str | None
    name: str
    role: str
    # Set by `login` once the PIN was checked; an authoriser without it is not believed.
    seal: str = field(default="", compare=False, repr=False)

    @property
    def privileged(self) -> bool:
        return self.role in ("manager", "owner")

    @property
    def verified(self) -> bool:
        return bool(self.seal) and hmac.compare_digest(self.seal, _seal_of(self))


def _seal_of(actor: Actor) -> str:
    text = f"{actor.staff_id}\x1f{actor.name}\x1f{actor.role}".encode()
    return hmac.new(_SEAL_KEY, text, hashlib.sha256).hexdigest()


def _sealed(staff_id: str | None, name: str, role: str) -> Actor:
    plain = Actor(staff_id, name, role)
    return Actor(staff_id, name, role, seal=_seal_of(plain))


# Who acts for the machine's owner (command line, imports, the default program): a name
# kept in audit records, written in 简体中文 like the rest of the shop's records.
SYSTEM_NAME = gettext(N_("System"))


SYSTEM = Actor(staff_id=None, name=SYSTEM_NAME, role="owner")


@dataclass(frozen=True)
class StaffInfo:
    id: str
    name: str
    role: str
    active: bool
    locked: bool


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=SCRYPT_MAXMEM
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(
            pin.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAXMEM,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def check_pin_format(pin: str) -> None:
    if not PIN_PATTERN.fullmatch(pin or ""):
        raise DomainError("pin.invalid")


def require(actor: Actor, act: str, authoriser: Actor | None = None) -> Actor:
    """Return who allowed `act`: the actor if privileged, else a privileged authoriser."""
    if actor.privileged:
        return actor
    if authoriser is not None and authoriser.privileged:
        if not authoriser.verified:  # put together by a caller, not checked by its PIN
            raise DomainError("permission.unverified", name=authoriser.name)
        return authoriser
    raise DomainError(
        "permission.denied",
        name=actor.name,
        role=Message(ROLE_NAMES.get(actor.role, actor.role)),
        action=Message(PRIVILEGED[act]),
    )


def _owners_matter(allowed_by: Actor, row: Staff | None, role: str | None) -> None:
    """Only an owner makes someone owner or changes an owner (their role, whether they
    may log in, their PIN): a manager could otherwise make themselves owner, or take the
    owner's place by setting the owner's PIN."""
    touches_owner = role == "owner" or (row is not None and row.role == "owner")
    if touches_owner and allowed_by.role != "owner":
        raise DomainError("staff.owner_only", name=allowed_by.name)


def _keep_an_owner(session: Session, row: Staff, role: str, active: bool) -> None:
    """The shop always keeps one owner who can log in (only an owner sets the limits and
    makes owners: without one, nobody could ever again)."""
    if row.role != "owner" or not row.active or (role == "owner" and active):
        return
    others = session.scalar(
        select(Staff.id).where(Staff.role == "owner", Staff.active, Staff.id != row.id).limit(1)
    )
    if others is None:
        raise DomainError("staff.last_owner", name=row.name)


def _find(session: Session, name: str) -> Staff:
    row = session.scalar(select(Staff).where(Staff.name == name))
    if row is None:
        raise DomainError("staff.not_found", name=name)
    return row


MAX_STAFF_NAME = 40


def add_staff(
    store: Store, actor: Actor, name: str, role: str, pin: str, *, authoriser: Actor | None = None
) -> StaffInfo:
    """Create a staff member. The very first staff member (an owner) needs no one's leave."""
    name = name.strip()
    if not name:
        raise DomainError("staff.name_required")
    if len(name) > MAX_STAFF_NAME:  # as the till keeps it (staff.name, and on every record)
        raise DomainError("name.too_long", max=MAX_STAFF_NAME)
    check_text(name, N_("the staff member's name"))
    if role not in ROLES:
        raise DomainError("staff.role_invalid")
    check_pin_format(pin)
    with store.write() as uow:
        standing = _standing(uow.session)
        if standing.changed:  # never the first owner of a shop whose staff were taken away
            raise standing.refusal()
        first = standing.new
        allowed_by = actor if first else require(actor, "staff_admin", authoriser)
        _owners_matter(allowed_by, None, role)
        if uow.session.scalar(select(Staff.id).where(Staff.name == name)):
            raise DomainError("staff.duplicate", name=name)
        row = Staff(
            name=name,
            role=role,
            pin_hash=hash_pin(pin),
            failed_pins=0,
            active=True,
            created_at=uow.now,
        )
        uow.session.add(row)
        uow.session.flush()
        _audit_staff(uow, actor, allowed_by, "staff.add", row, {"role": role})
        return _info(row, uow)


def reset_pin(
    store: Store, actor: Actor, name: str, new_pin: str, *, authoriser: Actor | None = None
) -> None:
    check_pin_format(new_pin)
    with store.write() as uow:
        allowed_by = require(actor, "staff_admin", authoriser)
        row = _find(uow.session, name)
        _as_sealed(uow.session, row, keeps_pin=False)
        _owners_matter(allowed_by, row, None)
        row.pin_hash = hash_pin(new_pin)
        row.failed_pins = 0
        row.locked_until = None
        _audit_staff(uow, actor, allowed_by, "staff.pin_reset", row, {})


def set_role(
    store: Store,
    actor: Actor,
    name: str,
    role: str,
    *,
    active: bool = True,
    authoriser: Actor | None = None,
) -> StaffInfo:
    if role not in ROLES:
        raise DomainError("staff.role_invalid")
    with store.write() as uow:
        allowed_by = require(actor, "staff_admin", authoriser)
        row = _find(uow.session, name)
        before = {"role": row.role, "active": row.active}
        _as_sealed(uow.session, row, keeps_pin=True)
        _owners_matter(allowed_by, row, role)
        _keep_an_owner(uow.session, row, role, active)
        row.role, row.active = role, active
        _audit_staff(
            uow,
            actor,
            allowed_by,
            "staff.change",
            row,
            {"before": before, "role": role, "active": active},
        )
        return _info(row, uow)


def _audit_staff(
    uow: UnitOfWork, actor: Actor, allowed_by: Actor, action: str, row: Staff, detail: dict
) -> None:
    uow.audit(
        action,
        staff_id=actor.staff_id,
        staff_name=actor.name,
        authorised_by=None if allowed_by is actor else allowed_by.name,
        target=row.name,
        detail=detail,
    )
    uow.emit(
        action,
        row.id,
        {"id": row.id, "name": row.name, "role": row.role, "active": row.active,
         "pin": pin_fingerprint(row.pin_hash), **detail},
    )  # fmt: skip


def pin_fingerprint(pin_hash: str) -> str:
    """What the journal seals of a PIN: a digest of its salted hash (which cannot be tried
    against PINs without the salt), so `check` sees a hash copied from another staff
    member in the file."""
    return hashlib.sha256(pin_hash.encode()).hexdigest()[:16]


# ------------------------------------------------------------- staff rows as sealed
#
# Each staff change journals the whole row (_audit_staff): name, role, whether they may log
# in, the PIN's fingerprint. A cashier with the shop's file could raise their own role, or
# put the hash of a PIN they know (anyone can make one) on a manager's row, and act with
# that authority at the till. So the till believes a staff row only as its last journal
# row sealed it, as `check` compares them (core/check/state.py, SEALED): a field an older
# journal row does not carry is not compared, a row with none was added outside memberdesk,
# and journal rows a restore carried onto the file (their changes stayed in the file it
# replaced) are not the last word, when a restore's audit row says it carried them. One
# lookup by the journal's index of record ids.
_LAST_SEAL = text(
    "SELECT o.payload FROM outbox o INDEXED BY ix_outbox_aggregate_id"
    " WHERE o.aggregate_id = :id AND o.kind LIKE 'staff.%' AND NOT EXISTS ("
    " SELECT 1 FROM json_each((SELECT CASE WHEN json_valid(value) THEN value END FROM settings"
    " WHERE key = 'restore.carried')) c"
    " WHERE o.seq BETWEEN json_extract(c.value, '$[0]') AND json_extract(c.value, '$[1]')"
    " AND EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'restore.carried'"
    " AND json_extract(a.detail, '$.first_seq') = json_extract(c.value, '$[0]')"
    " AND json_extract(a.detail, '$.last_seq') = json_extract(c.value, '$[1]')))"
    " ORDER BY o.seq DESC LIMIT 1"
)
SEALED_FIELDS = ("name", "role", "active", "pin")


def last_seal(session: Session, staff_id: str) -> dict | None:
    """What the journal last sealed for a staff member (None: nothing, it was added in the
    file)."""
    payload = session.execute(_LAST_SEAL, {"id": staff_id}).scalar()
    if payload is None:
        return None
    sealed = json.loads(payload) if isinstance(payload, str) else payload
    return sealed if isinstance(sealed, dict) else {}


def _held(row: Staff) -> dict:
    return {"name": row.name, "role": row.role, "active": row.active,
            "pin": pin_fingerprint(row.pin_hash)}  # fmt: skip


def _differs(row: Staff, sealed: dict) -> list[str]:
    held = _held(row)
    return [key for key in SEALED_FIELDS if key in sealed and sealed[key] != held[key]]


def _trusted(session: Session, row: Staff) -> None:
    """Refuse a staff row that is not what the journal last sealed for it (nothing counted,
    nothing written). An owner's row is put right with the recovery code, sealed apart."""
    sealed = last_seal(session, row.id)
    if sealed is None or _differs(row, sealed):
        owner = sealed is not None and sealed.get("role") == "owner"
        raise DomainError("staff.tampered_owner" if owner else "staff.tampered", name=row.name)


def _as_sealed(session: Session, row: Staff, *, keeps_pin: bool) -> dict | None:
    """Before the staff page seals a row again (its journal row carries the whole row): its
    name, role and access go back to what the journal last sealed, so that a role raised or
    lowered in the file is neither sealed by a PIN reset nor lets a manager touch an owner,
    and the act sets the rest. A PIN cannot be put back (the journal keeps only its
    fingerprint): an act that keeps the PIN of a row whose PIN was set in the file is
    refused (a new PIN is set instead). Returns the row's last seal."""
    sealed = last_seal(session, row.id)
    if keeps_pin and (sealed is None or sealed.get("pin", _held(row)["pin"]) != _held(row)["pin"]):
        raise DomainError("staff.pin_tampered", name=row.name)
    if sealed is not None:
        _put_back(session, row, sealed)
    return sealed


def _put_back(session: Session, row: Staff, sealed: dict) -> None:
    if sealed.get("role") in ROLES:
        row.role = sealed["role"]
    if isinstance(sealed.get("active"), bool):
        row.active = sealed["active"]
    name = sealed.get("name")
    if isinstance(name, str) and name and name != row.name:
        taken = session.scalar(select(Staff.id).where(Staff.name == name, Staff.id != row.id))
        if taken is None:
            row.name = name


# ------------------------------------------------------------- the staff list as sealed
#
# A shop whose journal ever sealed a staff member is not new, whatever its staff table
# holds: with the rows deleted in the file (or every one made unable to log in), the till
# would otherwise take it for a shop just made, let anyone set themselves up as its first
# owner in the window, and act as its owner at the command line without a PIN. Only a shop
# with no staff in the file nor in its journal sets up its first owner. Journal rows a
# restore carried onto the file are not the last word (last_seal).
#
# The usual shop has an owner who may log in, as sealed (the till always keeps one:
# _keep_an_owner): a look at its few staff rows, each by the journal's index of record ids,
# says so. Only without one is the journal read through for the staff it sealed, whose rows
# may have been deleted (`check` names any deleted, whatever the rest).
_SEALED_STAFF = text(
    "SELECT aggregate_id FROM outbox WHERE kind LIKE 'staff.%' AND aggregate_id != :recovery"
    " GROUP BY aggregate_id ORDER BY min(seq)"
)  # in the order they were added
_ANY_SEALED_STAFF = text(
    "SELECT 1 FROM outbox WHERE kind LIKE 'staff.%' AND aggregate_id != :recovery LIMIT 1"
)


@dataclass(frozen=True)
class StaffStanding:
    """What the file's staff list is against what the journal last sealed of it."""

    new: bool  # no staff in the file nor in the journal: the first owner is set up
    gone: tuple[str, ...]  # staff the journal last sealed whose rows are gone from the file
    none_active: bool  # the journal sealed staff, and no row in the file is active
    # owners as last sealed (active) whose rows are still in the file: the recovery code
    # puts such a row back (recover_owner_pin)
    owners: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """The staff list was changed outside memberdesk: nobody can act for the shop."""
        return bool(self.gone) or self.none_active

    def refusal(self) -> DomainError:
        if self.gone:
            return DomainError("staff.list_gone", names=", ".join(self.gone))
        return DomainError("staff.list_inactive")


def _standing(session: Session) -> StaffStanding:
    rows = {row.id: row for row in session.scalars(select(Staff))}
    seals = {staff_id: last_seal(session, staff_id) for staff_id in rows}
    owners = tuple(
        row.name
        for row in rows.values()
        if (seal := seals[row.id]) is not None
        and seal.get("role") == "owner"
        and seal.get("active") is True
    )
    owner_as_sealed = any(
        row.active and row.role == "owner" and not _differs(row, seal)
        for row in rows.values()
        if (seal := seals[row.id]) is not None
    )
    recovery = {"recovery": RECOVERY_AGGREGATE}
    if owner_as_sealed:
        return StaffStanding(new=False, gone=(), none_active=False, owners=owners)
    if not rows and session.execute(_ANY_SEALED_STAFF, recovery).first() is None:
        return StaffStanding(new=True, gone=(), none_active=False)
    gone: list[str] = []
    sealed_any = False
    for (staff_id,) in session.execute(_SEALED_STAFF, recovery).all():
        seal = seals[staff_id] if staff_id in rows else last_seal(session, staff_id)
        if seal is None:
            continue  # only rows a restore carried over
        sealed_any = True
        if staff_id not in rows:
            gone.append(str(seal.get("name") or staff_id))
    return StaffStanding(
        new=not rows and not sealed_any,
        gone=tuple(gone),
        none_active=sealed_any and not any(row.active for row in rows.values()),
        owners=owners,
    )


def staff_standing(store: Store) -> StaffStanding:
    """Whether the shop is new (its first owner is set up), or its staff list was changed
    outside memberdesk (rows deleted, or none left who may log in), or as it should be."""
    with store.read() as s:
        return _standing(s)


def require_staff_as_sealed(store: Store) -> StaffStanding:
    """Refuse to act for a shop whose staff list was changed outside memberdesk (say which
    staff are gone); the standing otherwise."""
    standing = staff_standing(store)
    if standing.changed:
        raise standing.refusal()
    return standing


def _info(row: Staff, uow: UnitOfWork) -> StaffInfo:
    locked = row.locked_until is not None and row.locked_until > uow.now
    return StaffInfo(id=row.id, name=row.name, role=row.role, active=row.active, locked=locked)


def list_staff(store: Store, *, include_inactive: bool = False) -> list[StaffInfo]:
    now = store.now()
    with store.read() as s:
        q = select(Staff).order_by(Staff.created_at, Staff.name)
        if not include_inactive:
            q = q.where(Staff.active.is_(True))
        return [
            StaffInfo(
                r.id, r.name, r.role, r.active, r.locked_until is not None and r.locked_until > now
            )
            for r in s.scalars(q)
        ]


def login(store: Store, name: str, pin: str) -> Actor:
    """Check a PIN. Wrong PINs count towards a lockout; the count is saved even on refusal.
    A staff row changed in the file (a role raised, a PIN hash put in) is refused whatever
    the PIN, and nothing is counted."""
    refusal: DomainError | None = None
    with store.write() as uow:
        row = _find(uow.session, name)
        _trusted(uow.session, row)
        if not row.active:
            raise DomainError("staff.inactive", name=name)
        if row.locked_until is not None and row.locked_until > uow.now:
            raise DomainError("pin.locked", until=_local_time(uow.session, row.locked_until))
        if verify_pin(pin, row.pin_hash):
            _unlock(uow, row)
            return _sealed(row.id, row.name, row.role)
        refusal = _wrong(uow, row, "pin.wrong")
    raise refusal


def _unlock(uow: UnitOfWork, row: Staff) -> None:
    """A right PIN (or recovery code): the count of wrong ones and the lockouts start again."""
    row.failed_pins = 0
    row.locked_until = None
    lockouts_key = f"staff.lockouts.{row.id}"
    if read_setting(uow.session, lockouts_key):
        write_setting(uow.session, lockouts_key, 0)


def _wrong(uow: UnitOfWork, row: Staff, code: str, locked: str = "pin.locked") -> DomainError:
    """Count a wrong PIN or recovery code (the caller raises the refusal after the
    transaction, so the count is kept): the fifth in a row locks the account."""
    lockouts_key = f"staff.lockouts.{row.id}"
    row.failed_pins += 1
    if row.failed_pins < MAX_FAILED_PINS:
        return DomainError(code, left=MAX_FAILED_PINS - row.failed_pins)
    row.failed_pins = 0
    before = int(read_setting(uow.session, lockouts_key) or 0)
    row.locked_until = uow.now + LOCKOUTS[min(before, len(LOCKOUTS) - 1)]
    write_setting(uow.session, lockouts_key, before + 1)
    uow.audit("staff.locked", staff_id=row.id, staff_name=row.name, target=row.name,
              detail={"lockout": before + 1})  # fmt: skip
    uow.touched("staff.locked", row.id)  # the staff list shows who is locked out
    return DomainError(locked, name=row.name, until=_local_time(uow.session, row.locked_until))


# ------------------------------------------------------------- the owner's recovery code
#
# The one way back for a shop whose only owner forgot their PIN (nobody else may set an
# owner's PIN): a code only the owner holds, written down at set-up, kept like the PIN, as
# a salted slow hash in the shop's settings. Using it sets the owner's PIN and spends it:
# a new code is made and shown, to be written down again.

RECOVERY_KEY = "staff.recovery_code"
# The journal files a code made by the machine's owner (no staff row) under this id.
RECOVERY_AGGREGATE = "owner-recovery-code"
# Crockford's base32: no I, L, O or U, so nothing is misread from paper.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_LENGTH = 16  # 80 random bits
_MISREAD = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _make_code() -> tuple[str, str]:
    """A new code as written down (ABCD-EFGH-JKMN-PQRS) and its salted slow hash."""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)), hash_pin(raw)


def _typed_code(typed: str) -> str:
    """The code as typed back: any case, with or without dashes and spaces, an O for a 0 or
    an I or L for a 1."""
    raw = "".join((typed or "").split()).replace("-", "").upper().translate(_MISREAD)
    if len(raw) != RECOVERY_LENGTH or any(c not in RECOVERY_ALPHABET for c in raw):
        raise DomainError("recovery.invalid")
    return raw


# Each act that makes a code writes its fingerprint into the audit log (_keep_code), in the
# same transaction as the code: the last such entry says which code the shop holds. A code
# written into the file by hand (its hash is made as any PIN's) would set the owner's PIN
# for whoever wrote it; the till takes only the sealed one, and `check` names another.
RECOVERY_ACTIONS = ("staff.recovery_code", "staff.pin_recovered")
_SEALED_CODE = (
    "SELECT json_extract(detail, '$.recovery_code') FROM audit_log WHERE action IN "
    f"({', '.join(repr(a) for a in RECOVERY_ACTIONS)}) ORDER BY id DESC LIMIT 1"
)


def sealed_recovery_code(session: Session) -> str | None:
    """The fingerprint of the recovery code last made at this till, as the audit log sealed
    it; None if none was ever made."""
    return session.execute(text(_SEALED_CODE)).scalar()


def recovery_code_as_sealed(session: Session) -> bool:
    """The recovery code the shop holds (or its lack) is the one last made at this till."""
    held, sealed = read_setting(session, RECOVERY_KEY), sealed_recovery_code(session)
    if held is None or held == "":
        return sealed is None
    return isinstance(held, str) and pin_fingerprint(held) == sealed


def has_recovery_code(store: Store) -> bool:
    with store.read() as s:
        return bool(read_setting(s, RECOVERY_KEY))


def _keep_code(uow: UnitOfWork, actor: Actor, row: Staff | None, action: str, code_hash: str,
               detail: dict) -> None:  # fmt: skip
    write_setting(uow.session, RECOVERY_KEY, code_hash)
    detail = {**detail, "recovery_code": pin_fingerprint(code_hash)}
    if row is not None:
        _audit_staff(uow, actor, actor, action, row, detail)
        return
    uow.audit(action, staff_id=actor.staff_id, staff_name=actor.name, detail=detail)
    uow.emit(action, RECOVERY_AGGREGATE, detail)


def new_recovery_code(store: Store, actor: Actor) -> str:
    """Make the owner's recovery code (at set-up, or again on the staff page) and return it,
    to be written down: it is shown only now. Any earlier code no longer works."""
    if actor.role != "owner":
        raise DomainError("recovery.owner_only", name=actor.name)
    code, code_hash = _make_code()
    with store.write() as uow:
        row = uow.session.get(Staff, actor.staff_id) if actor.staff_id else None
        if actor.staff_id and (row is None or row.role != "owner" or not row.active):
            raise DomainError("recovery.owner_only", name=actor.name)
        _keep_code(uow, actor, row, "staff.recovery_code", code_hash, {})
    return code


def recover_owner_pin(store: Store, name: str, code: str, new_pin: str) -> str:
    """Set an owner's forgotten PIN with the shop's recovery code. Wrong codes count towards
    the lockout as wrong PINs do. The code is spent: the new one is returned, to be written
    down again."""
    check_pin_format(new_pin)
    typed = _typed_code(code)
    pin_hash = hash_pin(new_pin)
    next_code, next_hash = _make_code()
    refusal: DomainError | None = None
    with store.write() as uow:
        row = _find(uow.session, name.strip())
        # The owner's row as last sealed: the code puts right an owner's row changed in the
        # file (their PIN set to one someone knows), never makes an owner of another's.
        sealed = last_seal(uow.session, row.id)
        if sealed is None:
            raise DomainError("staff.tampered", name=row.name)
        held = _held(row) | {k: v for k, v in sealed.items() if k in ("name", "role", "active")}
        if not held["active"]:
            raise DomainError("staff.inactive", name=row.name)
        if held["role"] != "owner":
            raise DomainError("recovery.not_owner", name=row.name)
        if row.locked_until is not None and row.locked_until > uow.now:
            until = _local_time(uow.session, row.locked_until)
            raise DomainError("recovery.locked", name=row.name, until=until)
        if not recovery_code_as_sealed(uow.session):
            raise DomainError("recovery.tampered")
        stored = read_setting(uow.session, RECOVERY_KEY)
        if not stored:
            raise DomainError("recovery.none")
        if verify_pin(typed, stored):
            _unlock(uow, row)
            _put_back(uow.session, row, sealed)
            row.pin_hash = pin_hash
            owner = Actor(row.id, row.name, row.role)
            _keep_code(uow, owner, row, "staff.pin_recovered", next_hash, {})
            return next_code
        refusal = _wrong(uow, row, "recovery.wrong", "recovery.locked")
    raise refusal


def _local_time(session: Session, naive_utc: datetime) -> str:
    tz = ZoneInfo(shop_info(session).timezone)
    return from_utc_naive(naive_utc).astimezone(tz).strftime("%H:%M")


def authorise(store: Store, name: str, pin: str, act: str) -> Actor:
    """A manager's or owner's PIN, checked against the staff table, for `act`: the
    authoriser core believes (wrong PINs count towards the lockout as at log-in)."""
    who = login(store, name, pin)
    if not who.privileged:
        raise DomainError(
            "permission.denied", name=who.name, role=Message(ROLE_NAMES.get(who.role, who.role)),
            action=Message(PRIVILEGED[act]),
        )  # fmt: skip
    return who


def actor_by_name(store: Store, name: str) -> Actor:
    """A staff member by name, without their PIN, for trusted local callers (the machine's
    owner at the command line). Believed only as the log-in believes a row: a dismissed
    staff member is refused, and so is a row that is not what the journal last sealed (a
    role raised or a PIN put in the file), with the log-in's messages. Not an authoriser:
    no PIN was checked, so the actor carries no seal."""
    with store.read() as s:
        row = _find(s, name)
        _trusted(s, row)
        if not row.active:
            raise DomainError("staff.inactive", name=row.name)
        return Actor(staff_id=row.id, name=row.name, role=row.role)


def approver_again(session: Session, staff_id: str | None) -> Actor | None:
    """The manager or owner who approved something core kept for later (a held sale's
    discount), believed again as they were when their PIN was checked: only while they
    are still active and still a manager or owner, and their row is what the journal last
    sealed (None otherwise: ask again)."""
    row = session.get(Staff, staff_id) if staff_id else None
    if row is None or not row.active or row.role not in ("manager", "owner"):
        return None
    sealed = last_seal(session, row.id)
    if sealed is None or _differs(row, sealed):  # changed in the file: not believed
        return None
    return _sealed(row.id, row.name, row.role)
