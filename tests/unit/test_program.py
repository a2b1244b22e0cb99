"""The loyalty program as validated data: presets, JSON round trip, refused settings."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from memberdesk.core.loyalty.program import (
    PRESETS,
    Program,
    ProgramInvalid,
    preset,
    program_name,
    revise,
    save_problems,
    validate_program,
)

YUAN = 100  # fen


def levels(program: Program) -> list[tuple[str, str, int, int, int]]:
    return [
        (t.code, t.name, t.threshold_fen, t.discount_percent, t.multiplier_percent)
        for t in program.tiers.levels
    ]


# --- presets -------------------------------------------------------------------------


def test_preset_codes() -> None:
    assert set(PRESETS) == {"generic", "clothing", "accessories", "supermarket", "prepaid"}
    for code, program in PRESETS.items():
        assert program.code == code
        assert preset(code) is program
    with pytest.raises(KeyError):
        preset("bakery")


@pytest.mark.parametrize(
    "stored", ["通用", "General", "各类店铺通用", "各類店鋪通用", "For any kind of shop", ""]
)
def test_a_general_program_is_called_what_the_preset_is_called_now(stored: str) -> None:
    """A program keeps the preset's name as it read when the program was saved (通用 before
    the rename); it is shown under the preset's name of now, in the reader's language."""
    saved = revise(preset("generic"), {"name": stored})
    assert program_name(saved) == program_name(saved, "zh_CN") == "各类店铺通用"
    assert program_name(saved, "zh_TW") == "各類店鋪通用"
    assert program_name(saved, "en") == "For any kind of shop"


def test_a_program_under_a_name_of_its_own_keeps_it() -> None:
    assert program_name(revise(preset("generic"), {"name": "春季方案"}), "en") == "春季方案"
    assert program_name(revise(preset("clothing"), {"name": "通用"})) == "通用"  # not its preset's
    assert program_name(preset("clothing"), "en") == "Clothing store"
    custom = validate_program(
        {"tiers": {"levels": [{"code": "m", "name": "会员", "threshold_fen": 0}]}}
    )
    assert program_name(custom) == "custom"


def test_clothing_preset_numbers() -> None:
    p = preset("clothing")
    assert p.name == "服装店"
    assert p.earn.fen_per_point == 100  # 1 元 = 1 分
    assert p.tiers.window == "current_quarter"
    assert levels(p) == [
        ("member", "积分会员", 0, 0, 100),
        ("normal", "普通卡", 2000 * YUAN, 0, 100),
        ("silver", "银卡", 5000 * YUAN, 5, 120),
        ("gold", "金卡", 10000 * YUAN, 8, 150),
        ("diamond", "钻石卡", 20000 * YUAN, 12, 200),
    ]
    bday = p.promotions.birthday
    assert bday is not None
    assert (bday.period, bday.kind, bday.discount_percent, bday.uses_per_year) == (
        "week",
        "discount",
        30,
        1,
    )
    assert p.promotions.double_points_weekday == 3  # Wednesday, ISO numbering
    assert p.promotions.double_points_multiplier_percent == 200
    fm = p.promotions.first_month
    assert fm is not None and (fm.days, fm.target_points, fm.bonus_points) == (30, 2000, 500)


def test_accessories_preset_numbers() -> None:
    p = preset("accessories")
    assert p.earn.fen_per_point == 100
    r = p.redeem
    # 500 分 = 50 元: 10 points per 元, in units of 500, at least 500
    assert (r.points_per_yuan, r.unit_points, r.min_points) == (10, 500, 500)
    assert p.tiers.window == "last_12_months"
    assert [(c, t, d) for c, _n, t, d, _m in levels(p)] == [
        ("normal", 0, 0),
        ("silver", 3000 * YUAN, 5),
        ("gold", 5000 * YUAN, 10),
        ("diamond", 10000 * YUAN, 15),
    ]
    bday = p.promotions.birthday
    assert bday is not None and bday.kind == "gift" and bday.min_tier == "gold"
    assert (p.expiry.mode, p.expiry.months) == ("months_after_earn", 24)


def test_supermarket_preset_numbers() -> None:
    p = preset("supermarket")
    assert p.earn.fen_per_point == 100
    r = p.redeem
    assert (r.points_per_yuan, r.unit_points, r.max_share_percent, r.windows) == (100, 100, 50, ())
    assert p.promotions.member_day == 18
    assert p.promotions.member_day_multiplier_percent == 200
    assert (p.expiry.mode, p.expiry.clear_month, p.expiry.clear_day) == ("yearly_clear", 1, 1)


def test_prepaid_preset_numbers() -> None:
    p = preset("prepaid")
    assert p.earn.fen_per_point == 100 * YUAN  # 100 元 = 1 分
    assert "wallet" not in p.earn.tenders  # the top-up bonus already rewarded that money
    assert p.redeem.points_per_yuan == 1  # 1 分 = 1 元
    assert p.promotions.referral_bonus_points == 10
    assert [(t.min_topup_fen, t.bonus_fen) for t in p.wallet.topup_bonus] == [
        (1000 * YUAN, 100 * YUAN),
        (5000 * YUAN, 600 * YUAN),
    ]


def test_generic_preset_numbers() -> None:
    p = preset("generic")
    assert p.earn.fen_per_point == 100
    assert (p.redeem.points_per_yuan, p.redeem.max_share_percent) == (100, 50)
    assert [(c, n, t) for c, n, t, _d, _m in levels(p)] == [
        ("normal", "普通", 0),
        ("silver", "银卡", 3000 * YUAN),
        ("gold", "金卡", 5000 * YUAN),
        ("diamond", "钻石", 10000 * YUAN),
    ]
    assert p.tiers.window == "last_12_months"
    assert [(t.min_topup_fen, t.bonus_fen) for t in p.wallet.topup_bonus] == [
        (500 * YUAN, 50 * YUAN),
        (1000 * YUAN, 150 * YUAN),
    ]


# --- storage ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(PRESETS))
def test_json_round_trip(code: str) -> None:
    program = preset(code)
    text = program.to_json()
    assert json.loads(text)["schema_version"] == 1
    assert Program.from_json(text) == program
    assert Program.from_json(text.encode()) == program


def test_from_json_refuses_bad_documents() -> None:
    with pytest.raises(ProgramInvalid):
        Program.from_json("{not json")
    with pytest.raises(ProgramInvalid):
        Program.from_json("[1, 2]")
    newer = json.loads(preset("generic").to_json()) | {"schema_version": 2}
    with pytest.raises(ProgramInvalid) as exc:
        Program.from_json(json.dumps(newer))
    assert exc.value.errors[0][0] == "schema_version"


def test_program_is_frozen_and_closed() -> None:
    program = preset("generic")
    with pytest.raises(ValidationError):
        program.name = "x"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Program.model_validate(json.loads(program.to_json()) | {"colour": "red"})


def test_revise_deep_merges_and_revalidates() -> None:
    p = revise(preset("supermarket"), {"redeem": {"windows": [12]}})
    assert p.redeem.windows == (12,)
    assert p.redeem.max_share_percent == 50  # untouched
    assert preset("supermarket").redeem.windows == ()  # the preset itself is unchanged


def test_minimal_program_gets_defaults() -> None:
    p = validate_program({"tiers": {"levels": [{"code": "m", "name": "会员", "threshold_fen": 0}]}})
    assert p.earn.fen_per_point == 100 and p.expiry.mode == "never"


def test_stored_value_limit_defaults_to_5000_yuan_and_every_preset_fits_it() -> None:
    """单用途商业预付卡管理办法 art. 20: a 记名 card holds at most ¥5,000."""
    p = validate_program({"tiers": {"levels": [{"code": "m", "name": "会员", "threshold_fen": 0}]}})
    assert p.wallet.principal_limit_fen == 5000 * YUAN
    for program in PRESETS.values():
        assert program.wallet.principal_limit_fen == 5000 * YUAN
        assert save_problems(program) == []  # 充5000送600, the highest, is reachable from 0
    assert (
        validate_program(
            {**_doc(), "wallet": {"principal_limit_fen": 0}}
        ).wallet.principal_limit_fen
        == 0
    )
    with pytest.raises(ProgramInvalid) as caught:
        validate_program({**_doc(), "wallet": {"principal_limit_fen": -1}})
    assert [e.path for e in caught.value.errors] == ["wallet.principal_limit_fen"]


def test_a_top_up_tier_above_the_limit_is_a_problem_only_when_saving() -> None:
    tiers = [{"min_topup_fen": 1000 * YUAN, "bonus_fen": 100 * YUAN},
             {"min_topup_fen": 8000 * YUAN, "bonus_fen": 1000 * YUAN}]  # fmt: skip
    program = validate_program({**_doc(), "wallet": {"topup_bonus": tiers}})  # loads
    [problem] = save_problems(program)
    assert problem.path == "wallet.topup_bonus.1.min_topup_fen"
    assert problem.text("en") == (
        "a top-up of ¥8,000.00 is above the stored value limit of ¥5,000.00: this bonus could "
        "never be given"
    )
    assert save_problems(revise(program, {"wallet": {"principal_limit_fen": 0}})) == []
    assert save_problems(revise(program, {"wallet": {"principal_limit_fen": 8000 * YUAN}})) == []


def _doc() -> dict[str, Any]:
    return {"tiers": {"levels": [{"code": "m", "name": "会员", "threshold_fen": 0}]}}


# --- refused settings ----------------------------------------------------------------------


def _tiers(*thresholds: int, codes: tuple[str, ...] | None = None) -> dict[str, Any]:
    codes = codes or tuple(f"t{i}" for i in range(len(thresholds)))
    return {
        "tiers": {
            "levels": [
                {"code": c, "name": c.upper(), "threshold_fen": t}
                for c, t in zip(codes, thresholds, strict=True)
            ]
        }
    }


INVALID: list[tuple[str, dict[str, Any], str, str | None]] = [
    # (case, changes to the generic preset, field path expected, zh reason expected)
    ("negative earn rate", {"earn": {"fen_per_point": -100}}, "earn.fen_per_point", None),
    ("earn ratio zero", {"earn": {"fen_per_point": 0}}, "earn.fen_per_point", "必须大于0"),
    ("float money", {"earn": {"fen_per_point": 100.0}}, "earn.fen_per_point", "必须是整数"),
    ("negative min points", {"redeem": {"min_points": -1}}, "redeem.min_points", "不能为负数"),
    ("negative threshold", _tiers(0, -5), "tiers.levels.1.threshold_fen", "不能为负数"),
    ("overlapping thresholds", _tiers(0, 300000, 300000), "tiers.levels.2.threshold_fen", None),
    ("decreasing thresholds", _tiers(0, 500000, 300000), "tiers.levels.2.threshold_fen", None),
    ("first tier above 0", _tiers(100, 500000), "tiers.levels.0.threshold_fen", None),
    ("no tiers", {"tiers": {"levels": []}}, "tiers.levels", None),
    (
        "duplicate tier codes",
        _tiers(0, 300000, codes=("gold", "gold")),
        "tiers.levels.1.code",
        "等级代码重复：gold",
    ),
    (
        "cap over 100 %",
        {"redeem": {"max_share_percent": 101}},
        "redeem.max_share_percent",
        "不能超过100%",
    ),
    (
        "tier discount over 100 %",
        {
            "tiers": {
                "levels": [{"code": "a", "name": "A", "threshold_fen": 0, "discount_percent": 101}]
            }
        },
        "tiers.levels.0.discount_percent",
        "不能超过100%",
    ),
    (
        "member day discount over 100 %",
        {"promotions": {"member_day": 18, "member_day_discount_percent": 150}},
        "promotions.member_day_discount_percent",
        "不能超过100%",
    ),
    (
        "birthday discount over 100 %",
        {"promotions": {"birthday": {"discount_percent": 101}}},
        "promotions.birthday.discount_percent",
        "不能超过100%",
    ),
    (
        "weekday 0",
        {"promotions": {"double_points_weekday": 0}},
        "promotions.double_points_weekday",
        None,
    ),
    (
        "weekday 8",
        {"promotions": {"double_points_weekday": 8}},
        "promotions.double_points_weekday",
        None,
    ),
    ("member day 0", {"promotions": {"member_day": 0}}, "promotions.member_day", None),
    ("member day 32", {"promotions": {"member_day": 32}}, "promotions.member_day", None),
    ("member day with no perk", {"promotions": {"member_day": 18}}, "promotions.member_day", None),
    (
        "clearing on 30 Feb",
        {"expiry": {"mode": "yearly_clear", "clear_month": 2, "clear_day": 30}},
        "expiry.clear_day",
        None,
    ),
    (
        "clearing on 29 Feb",
        {"expiry": {"mode": "yearly_clear", "clear_month": 2, "clear_day": 29}},
        "expiry.clear_day",
        None,
    ),
    ("clearing month 13", {"expiry": {"clear_month": 13}}, "expiry.clear_month", None),
    ("redeem window month 13", {"redeem": {"windows": [13]}}, "redeem.windows.0", None),
    ("redeem window twice", {"redeem": {"windows": [12, 12]}}, "redeem.windows.1", None),
    (
        "top-up tiers not increasing",
        {"wallet": {"topup_bonus": [{"min_topup_fen": 100000, "bonus_fen": 1}] * 2}},
        "wallet.topup_bonus.1.min_topup_fen",
        "充值档位金额必须逐档递增",
    ),
    (
        "top-up bonus shrinking",
        {
            "wallet": {
                "topup_bonus": [
                    {"min_topup_fen": 100000, "bonus_fen": 20000},
                    {"min_topup_fen": 200000, "bonus_fen": 10000},
                ]
            }
        },
        "wallet.topup_bonus.1.bonus_fen",
        None,
    ),
    (
        "negative top-up bonus",
        {"wallet": {"topup_bonus": [{"min_topup_fen": 100000, "bonus_fen": -1}]}},
        "wallet.topup_bonus.0.bonus_fen",
        "不能为负数",
    ),
    (
        "expiry months 0",
        {"expiry": {"mode": "months_after_earn", "months": 0}},
        "expiry.months",
        "按月过期时月数必须大于0",
    ),
    ("expiry months missing", {"expiry": {"mode": "months_after_earn"}}, "expiry.months", None),
    (
        "expiry months negative",
        {"expiry": {"mode": "months_after_earn", "months": -3}},
        "expiry.months",
        "不能为负数",
    ),
    (
        "empty gift name",
        {"redeem": {"gifts": [{"code": "cup", "name": "", "points": 500}]}},
        "redeem.gifts.0.name",
        "不能为空",
    ),
    (
        "blank gift name",
        {"redeem": {"gifts": [{"code": "cup", "name": "   ", "points": 500}]}},
        "redeem.gifts.0.name",
        "不能为空",
    ),
    (
        "empty birthday gift name",
        {"promotions": {"birthday": {"kind": "gift", "gift_name": " "}}},
        "promotions.birthday.gift_name",
        "礼品名称不能为空",
    ),
    (
        "negative stock",
        {"redeem": {"gifts": [{"code": "cup", "name": "杯子", "points": 500, "stock": -1}]}},
        "redeem.gifts.0.stock",
        "不能为负数",
    ),
    (
        "duplicate gift codes",
        {"redeem": {"gifts": [{"code": "cup", "name": "杯子", "points": 5}] * 2}},
        "redeem.gifts.1.code",
        None,
    ),
    ("unknown tender", {"earn": {"tenders": ["cash", "bitcoin"]}}, "earn.tenders.1", None),
    ("points tender earning", {"earn": {"tenders": ["points"]}}, "earn.tenders.0", None),
    (
        "multiplier below 1x",
        {
            "tiers": {
                "levels": [{"code": "a", "name": "A", "threshold_fen": 0, "multiplier_percent": 50}]
            }
        },
        "tiers.levels.0.multiplier_percent",
        None,
    ),  # fmt: skip
    (
        "birthday tier unknown",
        {"promotions": {"birthday": {"discount_percent": 10, "min_tier": "vip"}}},
        "promotions.birthday.min_tier",
        None,
    ),  # fmt: skip
    (
        "rolling window without days",
        {"tiers": {"window": "rolling_days"}},
        "tiers.window_days",
        None,
    ),
    ("unit not whole fen", {"redeem": {"points_per_yuan": 3}}, "redeem.unit_points", None),
    ("unknown setting", {"redeem": {"colour": "red"}}, "redeem.colour", "未知的设置项"),
    ("bad enum", {"wallet": {"spend_order": "random"}}, "wallet.spend_order", None),
]


@pytest.mark.parametrize(
    ("changes", "path", "zh"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_settings_are_refused_with_field_path(
    changes: dict[str, Any], path: str, zh: str | None
) -> None:
    data = json.loads(preset("generic").to_json())
    for key, value in changes.items():
        data[key] = (data[key] | value) if isinstance(value, dict) else value
    with pytest.raises(ProgramInvalid) as exc:
        validate_program(data)
    found = {p.path: (p.text("zh_CN"), p.text("en")) for p in exc.value.errors}
    assert path in found, exc.value.errors
    assert all(found[path]), "both a Chinese and an English reason"
    if zh is not None:
        assert found[path][0] == zh
    with pytest.raises(ValidationError):  # the model itself refuses too
        Program.model_validate(data)


def test_cap_reason_in_both_languages() -> None:
    with pytest.raises(ProgramInvalid) as exc:
        revise(preset("generic"), {"redeem": {"max_share_percent": 150}})
    assert [(p.path, p.text("zh_CN"), p.text("en")) for p in exc.value.errors] == [
        ("redeem.max_share_percent", "不能超过100%", "cannot exceed 100%")
    ]


def test_every_problem_reported_at_once() -> None:
    with pytest.raises(ProgramInvalid) as exc:
        revise(
            preset("generic"),
            {
                "earn": {"fen_per_point": 0, "tenders": ["cash", "bitcoin"]},
                "redeem": {"max_share_percent": 101},
                "promotions": {"double_points_weekday": 9},
                "wallet": {"topup_bonus": [{"min_topup_fen": 5, "bonus_fen": 1}] * 2},
            },
        )
    paths = [p.path for p in exc.value.errors]
    assert paths == [
        "earn.fen_per_point",
        "earn.tenders.1",
        "promotions.double_points_weekday",
        "redeem.max_share_percent",
        "wallet.topup_bonus.1.min_topup_fen",
    ]
    assert "redeem.max_share_percent" in str(exc.value)


# --- coupon types: a percent coupon's cap ---------------------------------------------


def test_a_percent_coupon_type_has_a_cap_and_says_it():
    types = [{"code": "P20", "name": "八折券", "kind": "percent", "value": 20,
              "max_off_fen": 50 * YUAN},
             {"code": "P20M", "name": "满200八折", "kind": "percent", "value": 20,
              "min_spend_fen": 200 * YUAN, "max_off_fen": 50 * YUAN},
             {"code": "P10", "name": "九折券", "kind": "percent", "value": 10},
             {"code": "A10", "name": "十元券", "kind": "amount", "value": 10 * YUAN}]  # fmt: skip
    program = revise(preset("generic"), {"coupons": {"types": types}})
    again = validate_program(json.loads(program.to_json()))
    words = {t.code: t.terms().text("zh_CN") for t in again.coupons.types}
    assert words == {"P20": "减 20%，最高优惠 ¥50.00", "P20M": "满 ¥200.00 减 20%，最高优惠 ¥50.00",
                     "P10": "减 10%", "A10": "立减 ¥10.00"}  # fmt: skip
    assert again.coupons.type("P20").terms().text("en") == "20% off, at most ¥50.00 off"
    # the cap of a coupon whose code says percent; none for another kind or type
    rules = again.coupons
    assert (rules.cap("P20", "percent"), rules.cap("P20", "amount"), rules.cap("P10", "percent"),
            rules.cap("NONE", "percent")) == (5000, 0, 0, 0)  # fmt: skip


def test_an_older_coupon_type_without_a_cap_loads_and_a_cap_elsewhere_is_refused():
    doc = json.loads(preset("generic").to_json())
    doc["coupons"]["types"] = [{"code": "P20", "name": "八折券", "kind": "percent", "value": 20}]
    assert validate_program(doc).coupons.type("P20").max_off_fen == 0
    doc["coupons"]["types"] = [{"code": "T50", "name": "满300减50", "kind": "threshold",
                                "value": 5000, "min_spend_fen": 30000, "max_off_fen": 1000}]  # fmt: skip
    with pytest.raises(ProgramInvalid) as e:
        validate_program(doc)
    assert [(p.path, p.text("zh_CN")) for p in e.value.errors] == [
        ("coupons.types.0.max_off_fen", "只有折扣券才能设最高优惠")
    ]
