"""Program settings errors as (field path, reason zh, reason en) triples.

Pydantic reports type and range errors; the program's own cross-field checks raise
one ``program_rule`` error carrying every problem. This module turns both into the
triples ``ProgramInvalid`` carries, so a settings form can mark each field.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

Problem = tuple[str, str, str]  # (field path, reason zh, reason en)


class ProgramInvalid(ValueError):
    """Settings refused; ``errors`` lists (field_path, reason_zh, reason_en)."""

    def __init__(self, errors: list[Problem]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{path}: {zh} / {en}" for path, zh, en in errors))


def refuse(problems: list[Problem]) -> None:
    """Raise one pydantic error carrying every (sub-path, zh, en) problem found."""
    if problems:
        raise PydanticCustomError(
            "program_rule",
            "{en}",
            {
                "en": "; ".join(f"{p}: {en}" for p, _zh, en in problems),
                "errors": [list(p) for p in problems],
            },
        )


_RANGE_NAMES: dict[str, Problem] = {
    "double_points_weekday": (
        "",
        "星期只能是1（周一）到7（周日）",
        "weekday must be 1 (Mon) to 7 (Sun)",
    ),
    "member_day": ("", "会员日只能是每月1到31日", "member day must be a day 1..31"),
    "clear_day": ("", "日期只能是1到31日", "day must be 1..31"),
    "clear_month": ("", "月份只能是1到12月", "month must be 1..12"),
    "windows": ("", "月份只能是1到12月", "month must be 1..12"),
}


def _reason(err: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    kind, ctx = err["type"], err.get("ctx") or {}
    names = [str(part) for part in loc if not isinstance(part, int)]
    name = names[-1] if names else ""
    if kind in ("greater_than_equal", "less_than_equal") and name in _RANGE_NAMES:
        return _RANGE_NAMES[name][1], _RANGE_NAMES[name][2]
    if kind == "greater_than_equal" and name.endswith("multiplier_percent"):
        return "倍率不能低于100（1倍）", "multiplier cannot be below 100 (1x)"
    if kind == "greater_than_equal":
        if ctx.get("ge") == 0:
            return "不能为负数", "cannot be negative"
        return f"不能小于{ctx.get('ge')}", f"must be at least {ctx.get('ge')}"
    if kind == "greater_than":
        return f"必须大于{ctx.get('gt')}", f"must be greater than {ctx.get('gt')}"
    if kind == "less_than_equal":
        if name.endswith("percent") and ctx.get("le") == 100:
            return "不能超过100%", "cannot exceed 100%"
        return f"不能大于{ctx.get('le')}", f"cannot be more than {ctx.get('le')}"
    if kind == "string_too_short":
        return "不能为空", "cannot be empty"
    if kind == "string_too_long":
        return (
            f"不能超过{ctx.get('max_length')}个字符",
            f"at most {ctx.get('max_length')} characters",
        )
    if kind == "literal_error":
        if name == "schema_version":
            return "设置由更新版本的程序保存，请先升级", "written by a newer version; upgrade first"
        return f"只能是：{ctx.get('expected')}", f"must be one of: {ctx.get('expected')}"
    if kind == "missing":
        return "缺少必填项", "is required"
    if kind == "extra_forbidden":
        return "未知的设置项", "unknown setting"
    if kind.startswith("int_"):
        return "必须是整数", "must be a whole number"
    if kind.startswith("bool"):
        return "必须是 是/否", "must be true or false"
    return f"设置无效：{err['msg']}", str(err["msg"])


def problems_from(exc: ValidationError) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        base = ".".join(str(p) for p in loc)
        if err["type"] == "program_rule":
            for sub, zh, en in err["ctx"]["errors"]:
                out.append((".".join(p for p in (base, sub) if p), zh, en))
        else:
            zh, en = _reason(err, loc)
            out.append((base, zh, en))
    return out
