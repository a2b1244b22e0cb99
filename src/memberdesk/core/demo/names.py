"""Realistic Chinese names and phone numbers for the demo shop and the benchmark."""

from __future__ import annotations

import random

# Surnames with approximate shares (per cent) of the population; a few polyphonic
# ones (曾 单 解 仇 区 查 乐 覃) so search by either reading is exercised.
SURNAMES: list[tuple[str, float]] = [
    ("王", 7.25), ("李", 7.19), ("张", 6.90), ("刘", 5.38), ("陈", 4.53), ("杨", 3.08),
    ("黄", 2.23), ("赵", 2.01), ("吴", 1.99), ("周", 1.87), ("徐", 1.55), ("孙", 1.53),
    ("马", 1.44), ("朱", 1.32), ("胡", 1.31), ("郭", 1.15), ("何", 1.10), ("高", 1.03),
    ("林", 1.01), ("罗", 0.87), ("郑", 0.85), ("梁", 0.85), ("谢", 0.80), ("宋", 0.71),
    ("唐", 0.70), ("许", 0.65), ("韩", 0.63), ("冯", 0.62), ("邓", 0.62), ("曹", 0.52),
    ("彭", 0.52), ("曾", 0.49), ("肖", 0.49), ("田", 0.45), ("董", 0.44), ("袁", 0.43),
    ("潘", 0.41), ("于", 0.41), ("蒋", 0.40), ("蔡", 0.40), ("余", 0.39), ("杜", 0.35),
    ("叶", 0.35), ("程", 0.34), ("苏", 0.33), ("魏", 0.33), ("吕", 0.32), ("丁", 0.31),
    ("任", 0.30), ("沈", 0.30), ("姚", 0.29), ("卢", 0.29), ("单", 0.06), ("解", 0.04),
    ("仇", 0.03), ("区", 0.02), ("查", 0.03), ("乐", 0.03), ("覃", 0.05), ("欧阳", 0.02),
    ("司马", 0.01), ("诸葛", 0.005),
]  # fmt: skip


GIVEN_F = "芳娜敏静丽艳娟霞秀玲桂英丹萍红玉兰雪梅琳婷颖慧佳怡欣悦妍晶月璐露雯倩"


GIVEN_M = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰乐宏志"


MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "171",
    "173",
    "175",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]


_SURNAME_CHOICES = [s for s, _ in SURNAMES]


_SURNAME_WEIGHTS = [w for _, w in SURNAMES]


def random_name(rng: random.Random) -> tuple[str, str]:
    """(name, gender 'M'/'F')."""
    surname = rng.choices(_SURNAME_CHOICES, _SURNAME_WEIGHTS)[0]
    gender = rng.choice("MF")
    pool = GIVEN_M if gender == "M" else GIVEN_F
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return surname + given, gender


def random_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
