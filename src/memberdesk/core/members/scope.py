"""Which members a store's lists hold.

A till may hold other stores' members: copied from the chain's directory while
membership is chain-wide (found and served at the counter like its own), and kept
hidden once it is per store again (their ledgers and history stay). The member list
shows every member the till serves — never a hidden one. The follow-up lists, the
dashboard's counts and the new-member report are the store's own: a member of another
store is followed up, counted and credited where they joined, and this till cannot
tell how long ago they visited the chain.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from ..store.models import Member

SERVED: ColumnElement[bool] = Member.chain_hidden.is_(False)

# The same, for statements written in SQL over `members` (bind :store_code).
OWN_SQL = "chain_hidden = 0 AND chain_store IN ('', :store_code)"


def own(store_code: str) -> ColumnElement[bool]:
    """Members of this store: issued here, or the directory names this store as theirs."""
    return and_(SERVED, Member.chain_store.in_(("", store_code)))
