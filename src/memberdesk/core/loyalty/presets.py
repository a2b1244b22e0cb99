"""Preset loyalty programs a shop owner recognises (numbers from the seed documents).

Plain data, validated into ``Program`` objects by ``program.preset``. Money is fen:
2000 元 = 200000. Every number is owner-editable after choosing a preset. Names (the
program's, its tiers', a gift's) are message ids: a shop gets them in its language.
"""

from __future__ import annotations

from typing import Any

from ..i18n import N_


def _yuan(yuan: int) -> int:
    return yuan * 100


# Earning on everything but points; wallet payments earn unless a preset says otherwise.
_ALL_EARNING = ["cash", "card", "wechat", "alipay", "wallet"]


GENERIC: dict[str, Any] = {
    "code": "generic",
    "name": N_("For any kind of shop"),
    "earn": {"fen_per_point": 100, "tenders": _ALL_EARNING},  # 1 元 = 1 分
    "tiers": {
        "levels": [
            {"code": "normal", "name": N_("Regular"), "threshold_fen": 0},
            {
                "code": "silver",
                "name": N_("Silver"),
                "threshold_fen": _yuan(3000),
                "discount_percent": 5,
            },
            {
                "code": "gold",
                "name": N_("Gold"),
                "threshold_fen": _yuan(5000),
                "discount_percent": 8,
                "multiplier_percent": 120,
            },
            {
                "code": "diamond",
                "name": N_("Diamond"),
                "threshold_fen": _yuan(10000),
                "discount_percent": 10,
                "multiplier_percent": 150,
            },
        ],
        "window": "last_12_months",
        "downgrade_at_review": True,
        "review": "yearly",
    },
    # 100 分 = 1 元, at most 50 % of the sale, whole 100-point units.
    "redeem": {
        "points_per_yuan": 100,
        "min_points": 100,
        "unit_points": 100,
        "max_share_percent": 50,
    },
    "wallet": {
        "topup_bonus": [
            {"min_topup_fen": _yuan(500), "bonus_fen": _yuan(50)},  # 充500送50
            {"min_topup_fen": _yuan(1000), "bonus_fen": _yuan(150)},  # 充1000送150
        ],
    },
}


CLOTHING: dict[str, Any] = {
    "code": "clothing",
    "name": N_("Clothing store"),
    "earn": {"fen_per_point": 100, "tenders": _ALL_EARNING},  # 1 元 = 1 分
    "tiers": {
        # Spend in the current quarter; re-assessed (and possibly lowered) every quarter.
        "levels": [
            {"code": "member", "name": N_("Points member"), "threshold_fen": 0},
            {"code": "normal", "name": N_("Regular card"), "threshold_fen": _yuan(2000)},
            {
                "code": "silver",
                "name": N_("Silver"),
                "threshold_fen": _yuan(5000),
                "discount_percent": 5,
                "multiplier_percent": 120,
            },
            {
                "code": "gold",
                "name": N_("Gold"),
                "threshold_fen": _yuan(10000),
                "discount_percent": 8,
                "multiplier_percent": 150,
            },
            {
                "code": "diamond",
                "name": N_("Diamond card"),
                "threshold_fen": _yuan(20000),
                "discount_percent": 12,
                "multiplier_percent": 200,
            },
        ],
        "window": "current_quarter",
        "downgrade_at_review": True,
        "review": "quarterly",
    },
    "promotions": {
        "double_points_weekday": 3,  # every Wednesday double points
        "double_points_multiplier_percent": 200,
        # Birthday week: one purchase at 7折 (30 % off), once a year.
        "birthday": {
            "period": "week",
            "kind": "discount",
            "discount_percent": 30,
            "uses_per_year": 1,
        },
        # Reach 2000 points within 30 days of joining → +500 points, once.
        "first_month": {"days": 30, "target_points": 2000, "bonus_points": 500},
    },
    "redeem": {
        "points_per_yuan": 100,
        "min_points": 100,
        "unit_points": 100,
        "max_share_percent": 50,
    },
}


ACCESSORIES: dict[str, Any] = {
    "code": "accessories",
    "name": N_("Accessories store"),
    "earn": {"fen_per_point": 100, "tenders": _ALL_EARNING},  # 1 元 = 1 分
    "tiers": {
        "levels": [
            {"code": "normal", "name": N_("Regular"), "threshold_fen": 0},  # on registration
            {
                "code": "silver",
                "name": N_("Silver"),
                "threshold_fen": _yuan(3000),
                "discount_percent": 5,
            },
            {
                "code": "gold",
                "name": N_("Gold"),
                "threshold_fen": _yuan(5000),
                "discount_percent": 10,
            },
            {
                "code": "diamond",
                "name": N_("Diamond"),
                "threshold_fen": _yuan(10000),
                "discount_percent": 15,
            },
        ],
        "window": "last_12_months",
        "downgrade_at_review": True,
        "review": "monthly",
    },
    "promotions": {
        # 金卡 and above: a birthday gift in the birthday month, once a year.
        "birthday": {
            "period": "month",
            "kind": "gift",
            "gift_name": N_("Birthday gift"),
            "uses_per_year": 1,
            "min_tier": "gold",
        },
    },
    # 500 分抵50元: 10 points = 1 元, in units of 500 points, at least 500. The seed sets no
    # share cap (it works like a voucher), so points may pay the whole sale.
    "redeem": {
        "points_per_yuan": 10,
        "min_points": 500,
        "unit_points": 500,
        "max_share_percent": 100,
    },
    "expiry": {"mode": "months_after_earn", "months": 24},  # FIFO lots, 24 months each
}


SUPERMARKET: dict[str, Any] = {
    "code": "supermarket",
    "name": N_("Supermarket"),
    "earn": {"fen_per_point": 100, "tenders": _ALL_EARNING},  # 1 元 = 1 分
    "tiers": {
        "levels": [{"code": "member", "name": N_("Member"), "threshold_fen": 0}],
        "window": "lifetime",
    },
    "promotions": {"member_day": 18, "member_day_multiplier_percent": 200},  # 18th: double points
    "redeem": {
        "points_per_yuan": 100,  # 100 分 = 1 元
        "min_points": 100,
        "unit_points": 100,
        "max_share_percent": 50,
        # 感恩回馈月: set e.g. [12] to allow redeeming only in December. Off by default.
        "windows": [],
    },
    # On 1 January, every point earned before that day expires.
    "expiry": {"mode": "yearly_clear", "clear_month": 1, "clear_day": 1},
}


PREPAID: dict[str, Any] = {
    "code": "prepaid",
    "name": N_("Stored-value members"),
    # 100 元 = 1 分. Wallet payments do NOT earn: the top-up bonus already rewarded that money.
    "earn": {"fen_per_point": 10000, "tenders": ["cash", "card", "wechat", "alipay"]},
    "tiers": {
        "levels": [{"code": "member", "name": N_("Member"), "threshold_fen": 0}],
        "window": "lifetime",
    },
    "promotions": {"referral_bonus_points": 10},  # to the referrer on the referee's 1st purchase
    # 1 分 = 1 元, whole points; the seed sets no cap, we keep the usual 50 % so a sale is
    # never paid entirely with points.
    "redeem": {"points_per_yuan": 1, "min_points": 1, "unit_points": 1, "max_share_percent": 50},
    "wallet": {
        "topup_bonus": [
            {"min_topup_fen": _yuan(1000), "bonus_fen": _yuan(100)},  # 充1000送100
            {"min_topup_fen": _yuan(5000), "bonus_fen": _yuan(600)},  # 充5000送600
        ],
        "spend_order": "principal_first",
    },
}


PRESET_DATA: dict[str, dict[str, Any]] = {
    "generic": GENERIC,
    "clothing": CLOTHING,
    "accessories": ACCESSORIES,
    "supermarket": SUPERMARKET,
    "prepaid": PREPAID,
}


# What a preset was called before it was renamed, in each language: a program saved then
# carries that name in its document (never rewritten: versions are history), and is shown
# under the preset's name of now (program.program_name).
FORMER_NAMES: dict[str, tuple[str, ...]] = {
    "generic": ("General", "通用"),  # 各类店铺通用 since
}
