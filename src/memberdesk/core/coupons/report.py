"""What the owner reads about coupons: a member's or a campaign's coupons, and per
campaign how many were issued and redeemed and the spend they brought back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from ..clock import shop_date
from ..i18n import N_, name_of
from ..shop.details import shop_info
from ..store.database import Store
from ..store.statements import raw_connection
from .issue import CouponInfo

LIST_LIMIT = 2000

# What issued a campaign's coupons, for the lines that have no campaign name.
SOURCE_NAMES = {
    "join": N_("Joining gift"),
    "birthday": N_("Birthday coupons"),
    "tier_up": N_("Tier upgrade gift"),
    "spend": N_("Spend rewards"),
    "exchange": N_("Points exchange"),
    "campaign": N_("Follow-up campaign"),
    "manager": N_("Issued by a manager"),
    "chain": N_("Other shops' coupons used here"),
}


@dataclass(frozen=True)
class CampaignFigures:
    campaign: str  # the campaign's name, or what issued them (join, birthday, manager …)
    type_code: str
    name: str
    issued: int
    redeemed: int
    expired: int
    outstanding: int
    taken_off: int  # fen the redeemed coupons took off their sales
    spend: int  # fen: what the sales that used them came to, net of refunds
    named: bool = True  # False: `campaign` is the code of what issued them

    def title(self, lang: str | None = None) -> str:
        """The campaign's name, or what issued its coupons, in `lang`."""
        return self.campaign if self.named else name_of(SOURCE_NAMES, self.campaign, lang)


_LIST = """SELECT id, code, type_code, name, kind, value, min_spend, member_id, source, campaign,
                  valid_from, valid_until, status FROM coupons WHERE 1 = 1"""


def list_coupons(
    store: Store, *, member_id: str | None = None, status: str | None = None,
    campaign: str | None = None, limit: int = LIST_LIMIT,
) -> list[CouponInfo]:  # fmt: skip
    """Coupons newest first, of one member, status or campaign when given."""
    sql, params = _LIST, []
    for column, value in (("member_id", member_id), ("status", status), ("campaign", campaign)):
        if value:
            sql += f" AND {column} = ?"
            params.append(value)
    with store.read() as s:
        return _newest_first(s, sql, params, limit)


def coupons_to_use(store: Store, member_id: str, *, limit: int = LIST_LIMIT) -> list[CouponInfo]:
    """The member's coupons the till offers them, newest first: outstanding and not past
    their last day on the shop's today. One past it is left out at once, though the daily
    job has not marked it expired yet (a till left open over midnight); a sale refuses it
    all the same (till/coupons.py)."""
    with store.read() as s:
        today = shop_date(store.clock.now(), shop_info(s).timezone)
        sql = _LIST + " AND member_id = ? AND status = 'outstanding' AND valid_until >= ?"
        return _newest_first(s, sql, [member_id, today.isoformat()], limit)


def _newest_first(s: Session, sql: str, params: list[object], limit: int) -> list[CouponInfo]:
    sql += " ORDER BY issued_at DESC, id DESC LIMIT ?"
    rows = raw_connection(s).execute(sql, (*params, limit)).fetchall()
    return [CouponInfo(*r[:10], date.fromisoformat(str(r[10])), date.fromisoformat(str(r[11])),
                       r[12]) for r in rows]  # fmt: skip


_FIGURES = """
SELECT COALESCE(NULLIF(c.campaign, ''), c.source) AS campaign, c.type_code, MAX(c.name),
       COUNT(*), SUM(c.status = 'redeemed'), SUM(c.status = 'expired'),
       SUM(c.status = 'outstanding'), COALESCE(SUM(u.off), 0), COALESCE(SUM(u.spend), 0),
       c.campaign != '' AS named
FROM coupons c LEFT JOIN (
    SELECT e.coupon_id, SUM(e.off * (s.refunded_total < s.total)) AS off,
           SUM(s.total - s.refunded_total) AS spend
    FROM coupon_events e JOIN sales s ON s.id = e.sale_id WHERE e.kind = 'redeem'
    GROUP BY e.coupon_id) u ON u.coupon_id = c.id
WHERE c.source != 'chain'
GROUP BY 1, named, 2 ORDER BY 1, named, 2"""


_CHAIN = """
SELECT 'chain', '', '', COUNT(DISTINCT e.coupon_id), COUNT(DISTINCT e.coupon_id), 0, 0,
       COALESCE(SUM(e.off * (s.refunded_total < s.total)), 0),
       COALESCE(SUM(s.total - s.refunded_total), 0), 0
FROM coupon_events e JOIN coupons c ON c.id = e.coupon_id JOIN sales s ON s.id = e.sale_id
WHERE e.kind = 'redeem' AND c.source = 'chain' HAVING COUNT(*) > 0"""


def campaign_figures(store: Store) -> list[CampaignFigures]:
    """Per campaign (or issuing rule) and coupon type: issued, redeemed, expired, still out,
    what they took off and the spend of the sales that used them (refunds netted out).
    Coupons of other tills redeemed here are one line, ``chain``."""
    with store.read() as s:
        conn = raw_connection(s)
        rows = conn.execute(_FIGURES).fetchall() + conn.execute(_CHAIN).fetchall()
    return [CampaignFigures(*r[:-1], named=bool(r[-1])) for r in rows]
