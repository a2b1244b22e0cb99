"""Barcodes and item codes as a scanner sends them, and prices as a cashier types them."""

from __future__ import annotations

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.items.barcodes import (
    gs1_check_digit,
    normalize_barcode,
    normalize_code,
    scan_forms,
    split_barcodes,
    upc_e_to_a,
)
from memberdesk.core.items.scan import as_price


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("6901234567892", "6901234567892"),  # EAN-13, a Chinese maker's 69… code
        (" 6901234567892\n", "6901234567892"),
        ("６９０１２３４５６７８９２", "6901234567892"),  # full-width digits from an IME
        ("96385074", "96385074"),  # EAN-8
        ("036000291452", "0036000291452"),  # UPC-A is kept as the EAN-13 it also is
        ("01234565", "01234565"),  # UPC-E (its check digit is its UPC-A's)
        ("10614141000415", "10614141000415"),  # GTIN-14 of a case
        ("a-001", "A-001"),  # the shop's own code
        ("2000000000015", "2000000000015"),  # an in-store EAN-13 (prefix 20)
    ],
)
def test_barcodes_are_checked_and_kept_in_one_form(typed, kept):
    assert normalize_barcode(typed) == kept


@pytest.mark.parametrize(
    ("typed", "code"),
    [("6901234567891", "item.barcode_check_digit"), ("96385075", "item.barcode_check_digit"),
     ("036000291453", "item.barcode_check_digit"), ("条码", "item.barcode_invalid"),
     ("A 1", "item.barcode_invalid"), ("x" * 41, "item.barcode_invalid"), ("", "item.barcode_invalid")],
)  # fmt: skip
def test_a_misread_barcode_is_refused_with_its_reason(typed, code):
    with pytest.raises(DomainError) as e:
        normalize_barcode(typed)
    assert e.value.code == code


def test_check_digits_and_upc_e():
    assert gs1_check_digit("690123456789") == "2"
    assert gs1_check_digit("9638507") == "4"
    assert upc_e_to_a("01234565") == "012345000065"
    assert upc_e_to_a("21234565") is None  # number system 0 or 1 only


def test_item_codes_take_no_check_digit_but_a_shape():
    assert normalize_code(" b002 ") == "B002"
    with pytest.raises(DomainError) as e:
        normalize_code("编码1")
    assert e.value.code == "item.code_invalid"


def test_a_scan_is_looked_up_in_every_form_it_may_be_kept_in():
    assert scan_forms("036000291452") == ("0036000291452", "036000291452")
    assert scan_forms("0036000291452") == ("0036000291452", "036000291452")
    assert scan_forms("a001") == ("A001",)
    assert scan_forms("张三") == ()


def test_several_barcodes_in_one_cell():
    assert split_barcodes("6901234567892, 96385074；2000000000015 / A-1") == [
        "6901234567892", "96385074", "2000000000015", "A-1",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("35", 3500), ("5", 500), ("999", 99900), ("12.5", 1250), ("12.50", 1250), ("0.5", 50),
     ("¥1280", 128000), ("￥35", 3500), ("35元", 3500), ("1280.", 128000), ("1280.00", 128000),
     ("３５", 3500)],
)  # fmt: skip
def test_what_reads_as_a_price(typed, fen):
    assert as_price(typed) == fen


@pytest.mark.parametrize(
    "typed", ["1280", "5678", "12345", "13800000001", "zs", "张三", "A001", "1.234"]
)
def test_what_is_not_a_price(typed):
    """Four digits are a phone's last four; longer numbers are codes, cards or phones."""
    assert as_price(typed) is None


def test_a_price_of_nothing_or_too_much_is_refused():
    with pytest.raises(DomainError) as e:
        as_price("0")
    assert e.value.code == "scan.price_zero"
    with pytest.raises(DomainError) as e:
        as_price("¥2000000")
    assert e.value.code == "amount.too_large"
