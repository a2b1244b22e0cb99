"""Discounts in 折 as shops write them, to and from the program's percent off."""

from __future__ import annotations

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.loyalty.zhe import percent_off, zhe_text


@pytest.mark.parametrize(
    ("typed", "off"),
    [("95", 5), ("95折", 5), ("9.5", 5), ("9", 10), ("9折", 10), ("８.８折", 12), ("85", 15),
     ("7", 30), ("0.5", 95), ("10", 0), ("", 0), ("不打折", 0), ("95 zhe", 5)],
)  # fmt: skip
def test_what_a_shop_types_reads_as_percent_off(typed: str, off: int) -> None:
    assert percent_off(typed) == off


@pytest.mark.parametrize("typed", ["9.25", "0", "101", "abc", "-5", "10.5", "95%"])
def test_what_is_not_a_zhe_is_refused_in_words(typed: str) -> None:
    with pytest.raises(DomainError) as caught:
        percent_off(typed)
    assert caught.value.code == "discount.zhe_invalid"
    assert "九五折写 95" in caught.value.message("zh_CN")


@pytest.mark.parametrize("off", range(0, 100))
def test_every_percent_reads_back_as_itself(off: int) -> None:
    assert percent_off(zhe_text(off)) == off
