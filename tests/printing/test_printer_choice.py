"""The printer page's choices: an owner picks a USB receipt printer, a network printer by
IP address and port, a serial port or preview only; core checks what was typed, says in
plain words what is wrong and which field, and saves the spec it always read, so settings
saved before read back as the same printer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.printing import jobs, printers
from memberdesk.core.printing.escpos_out import preview_text
from memberdesk.core.printing.printers import (
    ConnectionChoice,
    PrinterSettings,
    choice_of,
    find_usb_printers,
    get_printer_settings,
    open_port,
    parse_spec,
    save_printer_settings,
    spec_of,
)
from tests.printing.conftest import PrintShop
from tests.printing.listener import listening_printer


@pytest.mark.parametrize(("choice", "spec"), [
    (ConnectionChoice("net", host="192.168.1.50", port="9100"), "net:192.168.1.50:9100"),
    (ConnectionChoice("net", host=" １９２。１６８.1.51 ", port=""), "net:192.168.1.51:9100"),
    (ConnectionChoice("usb", vendor="0416", product="5011"), "usb:0x0416:0x5011"),
    (ConnectionChoice("usb", vendor="0x4b8", product="0E15"), "usb:0x04b8:0x0e15"),
    (ConnectionChoice("serial", device="COM3", baud="19200"), "serial:COM3:19200"),
    (ConnectionChoice("preview"), "dummy"),
    (ConnectionChoice("other", spec="win:XP-80C 小票机"), "win:XP-80C 小票机"),
])  # fmt: skip
def test_an_owners_choice_is_saved_as_the_spec_core_always_read(
    print_shop: PrintShop, choice: ConnectionChoice, spec: str
) -> None:
    assert spec_of(choice) == spec
    saved = save_printer_settings(print_shop.store, print_shop.owner, connection=spec_of(choice))
    assert saved.connection == spec
    parse_spec(saved.connection)  # what prints reads it as before


@pytest.mark.parametrize(("saved", "way", "shown"), [
    ("net:192.168.1.50:9100", "net", {"host": "192.168.1.50", "port": "9100"}),
    ("net:printer.local", "net", {"host": "printer.local", "port": "9100"}),
    ("usb:0x0416:0x5011", "usb", {"vendor": "0416", "product": "5011"}),
    ("serial:/dev/ttyUSB0:38400", "serial", {"device": "/dev/ttyUSB0", "baud": "38400"}),
    ("serial:COM3", "serial", {"device": "COM3", "baud": "9600"}),
    ("dummy", "preview", {}),
    ("win:XP-80C", "other", {"spec": "win:XP-80C"}),
    ("file:/dev/usb/lp0", "other", {"spec": "file:/dev/usb/lp0"}),
])  # fmt: skip
def test_settings_saved_before_read_back_as_the_same_printer(
    saved: str, way: str, shown: dict
) -> None:
    choice = choice_of(saved)
    assert choice.way == way
    assert {k: getattr(choice, k) for k in shown} == shown
    again = spec_of(choice)
    assert parse_spec(again) == parse_spec(saved)  # saving the page unchanged keeps the printer


@pytest.mark.parametrize(("choice", "field", "said"), [
    (ConnectionChoice("net", host=""), "host", "请填写打印机的 IP 地址，例如 192.168.1.50"),
    (ConnectionChoice("net", host="192.168.1.300"), "host", "“192.168.1.300”不是 IP 地址：应是 4 个 0 到 255 之间的数"),
    (ConnectionChoice("net", host="192.168.1"), "host", "“192.168.1”不是 IP 地址"),
    (ConnectionChoice("net", host="打印机"), "host", "“打印机”不是 IP 地址"),
    (ConnectionChoice("net", host="192.168.1.50", port="0"), "port", "端口应是 1 到 65535 之间的整数，不能是“0”"),
    (ConnectionChoice("net", host="192.168.1.50", port="65536"), "port", "不能是“65536”；网络小票打印机几乎都用 9100"),
    (ConnectionChoice("net", host="192.168.1.50", port="九一"), "port", "端口应是 1 到 65535 之间的整数"),
    (ConnectionChoice("usb", vendor="", product="5011"), "vendor", "USB 厂商编号（VID）“”不对"),
    (ConnectionChoice("usb", vendor="0416", product="50111"), "product", "USB 产品编号（PID）“50111”不对：请照打印机标签"),
    (ConnectionChoice("usb", vendor="XYZ", product="5011"), "vendor", "由 0-9 和 A-F 组成"),
    (ConnectionChoice("serial", device=" "), "device", "请选择或填写打印机所接的串口"),
    (ConnectionChoice("serial", device="COM3", baud="1234"), "baud", "波特率应是 9600, 19200, 38400, 57600, 115200 之一"),
    (ConnectionChoice("other", spec="lpt1"), None, "无法识别打印机地址"),
])  # fmt: skip
def test_what_cannot_be_a_printer_is_refused_in_words_beside_its_field(
    print_shop: PrintShop, choice: ConnectionChoice, field: str | None, said: str
) -> None:
    before = get_printer_settings(print_shop.store)
    with pytest.raises(DomainError) as refused:
        save_printer_settings(print_shop.store, print_shop.owner, connection=spec_of(choice))
    assert refused.value.params.get("field") == field
    assert said in refused.value.message("zh_CN"), refused.value.message("zh_CN")
    assert get_printer_settings(print_shop.store) == before  # nothing changed


def test_preview_only_is_named_so_on_the_test_page(print_shop: PrintShop) -> None:
    outcome = jobs.test_print(print_shop.store)
    text = preview_text(outcome.data)
    assert "仅预览（不打印）" in text and "虚拟打印机" not in text


def test_the_test_page_goes_through_the_connection_shown_before_it_is_saved(
    print_shop: PrintShop,
) -> None:
    server, got = listening_printer()
    port = server.getsockname()[1]
    with server:
        spec = spec_of(ConnectionChoice("net", host="127.0.0.1", port=str(port)))
        outcome = jobs.test_print(print_shop.store, connection=spec)
    assert outcome.ok, outcome.message
    assert f"网络打印机 127.0.0.1:{port}" in preview_text(outcome.data)  # the page names it
    assert get_printer_settings(print_shop.store).connection == "dummy"  # nothing saved


def test_a_usb_printer_not_plugged_in_says_so_on_the_test_page(
    print_shop: PrintShop, monkeypatch
) -> None:
    import usb.core

    monkeypatch.setattr(usb.core, "find", lambda *args, **kwargs: None)  # no such device
    outcome = jobs.test_print(print_shop.store, connection="usb:0x0416:0x5011")
    assert not outcome.ok
    assert "找不到打印机：可能没有开机或没接好线" in outcome.message, outcome.message
    assert "没有正常接收数据" not in outcome.message


def test_usb_printers_on_this_computer_are_listed(monkeypatch) -> None:
    import usb.core
    import usb.util

    class Device(SimpleNamespace):
        def __iter__(self):  # its configurations, each a list of interfaces
            return iter([[SimpleNamespace(bInterfaceClass=self.interface_class)]])

    def device(vendor: int, product: int, interface_class: int, name: str) -> Device:
        return Device(idVendor=vendor, idProduct=product, bDeviceClass=0, iManufacturer=0,
                      iProduct=1 if name else 0, interface_class=interface_class, name=name)  # fmt: skip

    plugged = [
        device(0x0416, 0x5011, 7, "POS58 Printer"),  # a printer interface
        device(0x046D, 0xC52B, 3, "Mouse"),  # a mouse: not listed
        device(0x04B8, 0x0E15, 0xFF, ""),  # Epson's vendor id, no name given
    ]

    def find(find_all=False, custom_match=None, **kwargs):
        return [d for d in plugged if custom_match is None or custom_match(d)]

    monkeypatch.setattr(usb.core, "find", find)
    monkeypatch.setattr(usb.util, "get_string", lambda dev, index: dev.name)
    found, problem = find_usb_printers()
    assert problem is None
    assert [(p.ids, p.name) for p in found] == [
        ("0416:5011", "POS58 Printer"),
        ("04B8:0E15", "Epson"),
    ]
    chosen = found[0]
    assert spec_of(ConnectionChoice("usb", vendor=f"{chosen.vendor:04X}",
                                    product=f"{chosen.product:04X}")) == "usb:0x0416:0x5011"  # fmt: skip


def test_without_a_usb_library_the_search_says_why(monkeypatch) -> None:
    import usb.core

    def no_backend(*args, **kwargs):
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_backend)
    found, problem = find_usb_printers()
    assert found == () and problem is not None
    assert problem.text("zh_CN") == "这台电脑没有 USB 库（libusb）"
    assert printers.find_printers().usb_problem == problem


def test_open_port_reads_every_spec_an_owner_choice_gives(tmp_path) -> None:
    for choice in (ConnectionChoice("net", host="10.0.0.9"), ConnectionChoice("usb", vendor="416", product="5011"),
                   ConnectionChoice("serial", device="COM3")):  # fmt: skip
        port = open_port(PrinterSettings(), spec_of(choice))
        assert port.conn.kind == choice.way


@pytest.mark.parametrize(("choice", "said"), [
    (ConnectionChoice("net", host="192.168.1.300", port="70000"),
     {"host": "“192.168.1.300”不是 IP 地址", "port": "不能是“70000”"}),
    (ConnectionChoice("usb", vendor="XYZ", product=""),
     {"vendor": "“XYZ”不对", "product": "“”不对"}),
    (ConnectionChoice("serial", device="", baud="1234"),
     {"device": "请选择或填写打印机所接的串口", "baud": "不能是“1234”"}),
])  # fmt: skip
def test_every_field_of_a_printer_that_cannot_be_is_named_at_once(
    choice: ConnectionChoice, said: dict[str, str]
) -> None:
    with pytest.raises(DomainError) as refused:
        spec_of(choice)
    errors = refused.value.errors
    assert set(errors) == set(said)
    for field, words in said.items():
        assert errors[field].params["field"] == field
        assert words in errors[field].message("zh_CN"), errors[field].message("zh_CN")
