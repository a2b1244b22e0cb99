"""A pre-printed card is checked against the whole chain before it is issued.

A generated card number is unique in the chain by construction (it begins with the
terminal's card prefix from HQ). A pre-printed card's number was printed elsewhere:
two stores may have been sent the same batch of cards. When HQ can be reached the
number is checked there first; offline the card is issued on the till's own check
(HQ lists a duplicate later) — the cashier is never held up by the network.
"""

from __future__ import annotations

import logging

from ..errors import DomainError
from ..members.card_numbers import looks_generated, normalize_card
from ..members.member import MemberForm, MemberView, issue_card
from ..shop.details import get_shop
from ..shop.staff import Actor
from ..store.database import Store
from .config import require_sealed_target, sync_config
from .errors import SyncError
from .token_store import TokenStore
from .transport import HttpTransport, Refused, Unreachable

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 3.0  # seconds: a cashier waits this long at most before issuing offline


def card_used_in_chain(
    store: Store, card_no: str, *, token: str | None = None, timeout: float = CHECK_TIMEOUT
) -> str | None:
    """The store that already uses `card_no` in the chain, or None (also when HQ cannot say)."""
    config = sync_config(store)
    if config is None:
        return None
    try:
        require_sealed_target(store)
    except SyncError:  # an address written into the file is not asked (check names it)
        return None
    token = token or TokenStore().get(config.terminal_id)
    if not token:
        return None
    try:
        with HttpTransport(config.url, token, timeout=timeout) as transport:
            answer = transport.card_status(card_no)
    except (Unreachable, Refused) as exc:
        log.info("card %s not checked at HQ: %s", card_no, exc)
        return None
    if answer.get("known"):
        return str(answer.get("store_code") or "?")
    return None


def issue_card_checked(
    store: Store, actor: Actor, form: MemberForm, *, card_no: str | None = None,
    token: str | None = None,
) -> MemberView:  # fmt: skip
    """Issue a card as `issue_card` does, after asking HQ about a pre-printed number."""
    if card_no:
        prefix = get_shop(store).card_prefix
        number = normalize_card(card_no, prefix)
        if not looks_generated(number, prefix):
            used_at = card_used_in_chain(store, number, token=token)
            if used_at is not None:
                raise DomainError("card.in_use_in_chain", card=number, store=used_at)
    return issue_card(store, actor, form, card_no=card_no)
