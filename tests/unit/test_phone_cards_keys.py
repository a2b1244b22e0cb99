"""Phone numbers, card numbers and lookup keys: the small pure pieces the till relies on."""

from __future__ import annotations

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.members.card_numbers import (
    generated_number,
    looks_generated,
    luhn_digit,
    luhn_ok,
    normalize_card,
)
from memberdesk.core.members.phone import mask_phone, normalize_mobile, phone_seen_by
from memberdesk.core.members.search_keys import (
    INITIALS_KEY,
    MAX_READING_COMBINATIONS,
    NAME_KEY,
    PINYIN_KEY,
    pinyin_forms,
    search_keys,
)
from memberdesk.core.shop.details import check_shop_phone
from memberdesk.core.shop.staff import Actor

# ------------------------------------------------------------------ phone


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        " 13812345678 ",
        "138 1234 5678",
        "138-1234-5678",
        "+8613812345678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "008613812345678",
        "0086 138 1234 5678",
        "(+86) 138 1234 5678",
        "１３８１２３４５６７８",  # full-width, as a Chinese input method types it
    ],
)
def test_the_ways_people_write_a_mobile_number(typed: str) -> None:
    assert normalize_mobile(typed) == "13812345678"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "23812345678",  # no mobile starts with 2
        "10012345678",
        "12012345678",
        "138abcd5678",  # letters are not keypad digits here
        "1381234567O",  # a letter O for a zero
        "TEL13812345678",
        "021-64000000",  # a Shanghai landline
        "+85291234567",  # Hong Kong
        "+1 202 555 0123",
        "13812345678#",
    ],
)
def test_what_is_not_a_mainland_mobile_is_refused(typed: str) -> None:
    with pytest.raises(DomainError) as info:
        normalize_mobile(typed)
    assert info.value.code == "phone.invalid"
    assert info.value.message() == f"手机号 {typed} 不是有效的中国大陆手机号"


@pytest.mark.parametrize("prefix", ["130", "139", "147", "150", "166", "177", "186", "199"])
def test_mobile_prefixes_in_use(prefix: str) -> None:
    assert normalize_mobile(prefix + "12345678") == prefix + "12345678"


def test_masking_shows_the_first_three_and_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone(None) == ""
    assert mask_phone("") == ""
    assert mask_phone("12345") == "*****"


@pytest.mark.parametrize(("role", "shown"), [
    ("owner", "13812345678"), ("manager", "13812345678"), ("cashier", "138****5678"),
])  # fmt: skip
def test_a_phone_is_whole_only_for_roles_that_may_see_it(role: str, shown: str) -> None:
    assert phone_seen_by(Actor("s1", "某人", role), "13812345678") == shown
    assert phone_seen_by(Actor("s1", "某人", role), None) == ""
    assert phone_seen_by(None, "13812345678") == "138****5678"  # nobody logged in


# ------------------------------------------------------------------ Luhn and card numbers


@pytest.mark.parametrize("number", ["79927398713", "4111111111111111", "0", "18", "8800000013"])
def test_luhn_accepts_known_good_numbers(number: str) -> None:
    assert luhn_ok(number)


def test_luhn_digit_of_the_textbook_example() -> None:
    assert luhn_digit("7992739871") == "3"


@pytest.mark.parametrize("number", ["79927398710", "4111111111111112", "", "88000000A3"])
def test_luhn_refuses_bad_numbers(number: str) -> None:
    assert not luhn_ok(number)


def test_generated_numbers_carry_prefix_sequence_and_check_digit() -> None:
    numbers = [generated_number("88", n) for n in range(1, 6)]
    assert numbers[0] == "8800000013"
    assert [n[:-1] for n in numbers] == [f"88{i:07d}" for i in range(1, 6)]
    assert all(luhn_ok(n) and looks_generated(n, "88") for n in numbers)
    assert generated_number("6", 1234567) == "6" + "1234567" + luhn_digit("61234567")


def test_every_single_digit_typo_and_neighbour_swap_is_caught() -> None:
    number = generated_number("88", 4321)
    for i in range(len(number)):
        for d in "0123456789":
            typo = number[:i] + d + number[i + 1 :]
            assert luhn_ok(typo) == (typo == number)
    for i in range(len(number) - 1):
        a, b = number[i], number[i + 1]
        if a != b and {a, b} != {"0", "9"}:  # Luhn's one blind spot
            assert not luhn_ok(number[:i] + b + a + number[i + 2 :])


def test_normalizing_a_card_number() -> None:
    assert normalize_card(" vip0012345 ", "88") == "VIP0012345"
    assert normalize_card("8800000013", "88") == "8800000013"
    # A pre-printed card in another format is taken as scanned, check digit or not.
    assert normalize_card("6200123456789", "88") == "6200123456789"
    assert normalize_card("880000001", "88") == "880000001"  # not our length


@pytest.mark.parametrize("typed", ["12345", "1" * 21, "VIP-001234", "卡0012345", "88 0000 0013"])
def test_malformed_card_numbers_are_refused(typed: str) -> None:
    with pytest.raises(DomainError) as info:
        normalize_card(typed, "88")
    assert info.value.code == "card.invalid"


def test_a_typo_in_one_of_our_own_numbers_is_refused() -> None:
    with pytest.raises(DomainError) as info:
        normalize_card("8800000014", "88")
    assert info.value.code == "card.check_digit"
    assert info.value.message() == "卡号 8800000014 校验位不对，请重新扫描"


# ------------------------------------------------------------------ search keys


def initials(name: str) -> set[str]:
    return pinyin_forms(name)[0]


def full(name: str) -> set[str]:
    return pinyin_forms(name)[1]


def test_keys_of_a_plain_name() -> None:
    assert search_keys("张三") == {"n:张三", "n:三", "i:zs", "p:zhangsan"}
    assert NAME_KEY + "张三" in search_keys(" 张三 ")


def test_every_substring_is_a_prefix_of_some_key() -> None:
    keys = {k for k in search_keys("欧阳娜娜") if k.startswith(NAME_KEY)}
    name = "欧阳娜娜"
    for i in range(len(name)):
        for j in range(i + 1, len(name) + 1):
            assert any(k.startswith(NAME_KEY + name[i:j]) for k in keys), name[i:j]


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("曾小乐", {"zxl", "cxl"}),
        ("单田芳", {"stf", "dtf", "ctf"}),
        # 单行 is a word (dan xing) in pypinyin's phrase table; the surname keeps its readings.
        ("单行长", {"sxz", "dxz", "cxz"}),
        ("曾行长", {"zxz", "cxz"}),
        ("解小东", {"jxd", "xxd"}),
        ("仇明", {"qm", "cm"}),
    ],
)
def test_a_polyphonic_surname_keeps_every_reading(name: str, wanted: set[str]) -> None:
    assert wanted <= initials(name)
    assert {INITIALS_KEY + w for w in wanted} <= search_keys(name)


def test_full_pinyin_keeps_both_readings_of_zeng() -> None:
    assert {"zengxiaole", "cengxiaole"} <= full("曾小乐")
    assert {PINYIN_KEY + "zengxiaole", PINYIN_KEY + "cengxiaole"} <= search_keys("曾小乐")


def test_a_long_polyphonic_name_is_capped_but_keeps_the_surnames_readings() -> None:
    name = "单长乐乐长行"  # every character has two or more readings
    found = initials(name)
    assert len(found) <= MAX_READING_COMBINATIONS
    assert {f[0] for f in found} == {"d", "s", "c"}
    assert len(search_keys(name)) <= len(name) + 2 * MAX_READING_COMBINATIONS


def test_latin_letters_and_separators() -> None:
    keys = search_keys("Amy王")
    assert {"n:amy王", "n:王"} <= keys
    assert {"i:aw", "p:amywang"} <= keys
    assert {"i:mmtal", "p:maimaitiaili"} <= search_keys("买买提·艾力")
    assert search_keys("   ") == set()


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("", ""),
        ("  010-12345678 ", "010-12345678"),
        ("0755 8888 9999", "0755 8888 9999"),
        ("(021)5555-6666", "(021)5555-6666"),
        ("400-812-3123", "400-812-3123"),
        ("13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # typed with a Chinese IME's full-width digits
        ("+852 2345 6789", "+852 2345 6789"),  # Hong Kong
        ("02-2345-6789", "02-2345-6789"),  # Taipei
    ],
)
def test_a_shop_phone_is_a_mobile_or_a_landline_with_its_area_code(typed, kept):
    assert check_shop_phone(typed) == kept


@pytest.mark.parametrize(
    "typed", ["12", "021-5555", "8888888", "138-1234-567", "店里电话", "0571-abc"]
)
def test_a_shop_phone_that_no_one_could_call_is_refused(typed):
    with pytest.raises(DomainError) as e:
        check_shop_phone(typed)
    assert e.value.code == "shop.phone_invalid"
    assert f"店铺电话 {typed} 不是有效的号码" in e.value.message("zh_CN")
