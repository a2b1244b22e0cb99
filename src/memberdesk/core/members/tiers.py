"""Setting a member's tier by hand, and locking it.

A locked tier is neither raised by a sale nor changed at review (the rules in
``loyalty_rules`` already honour ``tier_locked``); unlocking leaves the tier as it is
until the next sale or review earns another. Manager or owner, with a reason, audited.
"""

from __future__ import annotations

from ..errors import DomainError
from ..i18n import DEFAULT_LANG, N_, translate
from ..loyalty.program_store import ensure_program
from ..shop.staff import Actor, require
from ..store.database import Store
from .member import MemberView, load_member, member_view, record_change, require_status

# A tier name that already says "member" (积分会员, 會員, Points member) is not given another.
MEMBER_SUFFIXES = ("会员", "會員", "member", "Member")


def tier_member(tier: str, lang: str = DEFAULT_LANG) -> str:
    """What a member of `tier` is called: 银卡会员, 積分會員, Gold member; 积分会员 stays so."""
    if not tier or tier.endswith(MEMBER_SUFFIXES):
        return tier
    return translate(N_("{tier} member"), lang, tier=tier)


def set_tier(
    store: Store,
    actor: Actor,
    member_id: str,
    tier: str,
    *,
    locked: bool,
    reason: str,
    authoriser: Actor | None = None,
) -> MemberView:
    """Give the member `tier` (a code of the program in force); `locked` keeps it there."""
    if not reason or not reason.strip():
        raise DomainError("tier.reason")
    with store.write() as uow:
        allowed_by = require(actor, "tier_set", authoriser)
        program = ensure_program(uow).program
        level = program.tier(tier)
        if level is None:
            raise DomainError("tier.unknown", tier=tier)
        m = load_member(uow.session, member_id)
        require_status(m, {"active", "frozen", "lost"}, "tier_set")
        before, was_locked = m.tier, m.tier_locked
        m.tier, m.tier_locked = level.code, locked
        record_change(uow, m, "member.tier_changed", {
            "tier_from": before, "tier_to": level.code, "why": "manual", "locked": locked,
            "by": actor.name, "reason": reason.strip(),
        })  # fmt: skip
        uow.audit(
            "member.tier_set", staff_id=actor.staff_id, staff_name=actor.name,
            authorised_by=None if allowed_by is actor else allowed_by.name, target=m.card_no,
            detail={"from": before, "to": level.code, "locked_before": was_locked,
                    "locked": locked, "reason": reason.strip()},
        )  # fmt: skip
        return member_view(uow.session, m)
