"""Manual points adjustment (manager), with a reason, audited."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import DomainError
from ..i18n import N_
from ..money import MAX_POINTS, whole
from ..shop.details import shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import Member
from .ledger import post_points


@dataclass(frozen=True)
class AdjustResult:
    entry_id: str
    member_id: str
    member_name: str
    delta: int
    points_after: int
    reason: str
    authorised_by: str


def adjust_points(
    store: Store,
    actor: Actor,
    member_id: str,
    delta: int,
    reason: str,
    *,
    authoriser: Actor | None = None,
) -> AdjustResult:
    if not reason or not reason.strip():
        raise DomainError("adjust.reason")
    whole(delta, N_("the points adjustment"), limit=MAX_POINTS, fen=False)
    if delta == 0:
        raise DomainError("adjust.zero")
    with store.write() as uow:
        allowed_by = require(actor, "points_adjust", authoriser)
        member = uow.session.get(Member, member_id)
        if member is None:
            raise DomainError("member.not_found")
        today = uow.today(shop_info(uow.session).timezone)
        entry_id = post_points(uow, member, delta, "adjust", today, note=reason.strip())
        uow.audit(
            "points.adjust", staff_id=actor.staff_id, staff_name=actor.name,
            authorised_by=None if allowed_by is actor else allowed_by.name, target=member.card_no,
            detail={"delta": delta, "reason": reason.strip(), "after": member.points},
        )  # fmt: skip
        return AdjustResult(
            entry_id, member.id, member.name, delta, member.points, reason.strip(), allowed_by.name
        )
