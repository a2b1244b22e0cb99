"""The program in force: versions saved in the database, audited, never edited.

A sale records the version it was made under, so changing the program applies
from the moment it is saved and past sales keep their rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import DomainError
from ..i18n import N_, gettext
from ..shop.details import read_setting, shop_info, write_setting
from ..shop.staff import SYSTEM_NAME, Actor, require
from ..store.database import Store
from ..store.models import ProgramVersion
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from .program import Program, ProgramInvalid, preset, save_problems, validate_program

DEFAULT_PRESET = "generic"


@dataclass(frozen=True)
class ProgramInForce:
    version: int
    program: Program


# Validating a program costs about a millisecond; checkout needs it on every sale.
# Keyed by the stored document's text, so two databases (or a restored file) with the
# same version number but different settings never share an entry.
_cache: dict[str, Program] = {}


_LATEST = "SELECT version, settings FROM program_versions ORDER BY version DESC LIMIT 1"


_VERSION = "SELECT version, settings FROM program_versions WHERE version = ?"


def _parse(document: str) -> Program:
    program = _cache.get(document)
    if program is None:
        if len(_cache) > 64:
            _cache.clear()
        program = _cache[document] = validate_program(json.loads(document))
    return program


def program_in_force(session: Session) -> ProgramInForce | None:
    row = raw_connection(session).execute(_LATEST).fetchone()
    if row is None:
        return None
    return ProgramInForce(row[0], _parse(row[1]))


def program_version(session: Session, version: int) -> Program:
    row = raw_connection(session).execute(_VERSION, (version,)).fetchone()
    if row is None:
        raise DomainError("program.missing", version=version)
    return _parse(row[1])


def ensure_program(uow: UnitOfWork) -> ProgramInForce:
    """The program in force; a shop with none yet gets the default preset as version 1."""
    current = program_in_force(uow.session)
    if current is not None:
        return current
    lang = shop_info(uow.session).language
    return _save(uow, preset(DEFAULT_PRESET, lang), saved_by=SYSTEM_NAME,
                 note=gettext(N_("Default program"), lang))  # fmt: skip


def tier_names(session: Session) -> dict[str, str]:
    """{tier code: name} of the program in force; before one is saved, the default preset's
    in the shop's language (the tiers a first member or an import will get)."""
    saved = read_setting(session, "program.tier_codes", None)
    if isinstance(saved, dict) and saved:
        return {str(code): str(name) for code, name in saved.items()}
    current = program_in_force(session)
    program = current.program if current else preset(DEFAULT_PRESET, shop_info(session).language)
    return {t.code: t.name for t in program.tiers.levels}


def _save(uow: UnitOfWork, program: Program, *, saved_by: str, note: str) -> ProgramInForce:
    latest = uow.session.scalar(select(func.max(ProgramVersion.version))) or 0
    data = json.loads(program.to_json())
    row = ProgramVersion(
        version=latest + 1, preset=program.code, settings=data, saved_at=uow.now,
        saved_by=saved_by, note=note,
    )  # fmt: skip
    uow.session.add(row)
    # Import maps a sheet's 银卡 to its code without parsing the program: {code: name}.
    write_setting(uow.session, "program.tier_codes", {t.code: t.name for t in program.tiers.levels})
    uow.session.flush()
    uow.emit(
        "program.saved",
        f"program-{row.version}",
        {"version": row.version, "settings": data, "by": saved_by},
    )
    return ProgramInForce(row.version, program)


def save_program(
    store: Store,
    actor: Actor,
    program: Program | dict[str, Any],
    *,
    authoriser: Actor | None = None,
    note: str = "",
) -> ProgramInForce:
    """Save a new version (manager/owner). Invalid settings raise ProgramInvalid with field paths."""
    if not isinstance(program, Program):
        program = validate_program(program)
    problems = save_problems(program)
    if problems:
        raise ProgramInvalid(problems)
    with store.write() as uow:
        allowed_by = require(actor, "program_change", authoriser)
        before = program_in_force(uow.session)
        saved = _save(uow, program, saved_by=actor.name, note=note)
        uow.audit(
            "program.change", staff_id=actor.staff_id, staff_name=actor.name,
            authorised_by=None if allowed_by is actor else allowed_by.name,
            target=f"v{saved.version}",
            detail={"from_version": before.version if before else None, "preset": program.code, "note": note},
        )  # fmt: skip
        return saved


def current_program(store: Store) -> ProgramInForce:
    with store.read() as s:
        current = program_in_force(s)
    if current is not None:
        return current
    with store.write() as uow:
        return ensure_program(uow)


__all__ = [
    "ProgramInForce", "ProgramInvalid", "current_program", "ensure_program", "save_program",
    "tier_names",
]  # fmt: skip
