"""打印机 page: the owner picks the printer as a shop knows it (USB 小票打印机 with those
found listed, 网络打印机 by IP address and port, 串口, 仅预览), never writes a spec; what is
wrong is said beside its field; 打印测试页 tries what is shown, off the window's thread,
and says how it went; a message never moves the fields and buttons."""

from __future__ import annotations

import socket
import threading
import time

from PySide6.QtWidgets import QLabel, QPushButton

from memberdesk.core.printing import printers
from memberdesk.core.printing.printers import (
    FoundPrinter,
    get_printer_settings,
    save_printer_settings,
)

from ..printing.listener import listening_printer
from .conftest import child, click, click_item, log_in, type_into


def _printer_page(qtbot, window):
    log_in(qtbot, window, "老板", "8888")
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    click_item(qtbot, office.menu, "打印机")
    return office.printer


def _choose(qtbot, page, way: str) -> None:
    page.way.setCurrentIndex(page.way.findData(way))
    qtbot.wait(100)  # the form lays the rows of that way out


def _visible(page) -> str:
    return "\n".join(w.text() for w in page.findChildren(QLabel) if w.isVisible())


def _y(page, widget) -> int:
    return widget.mapTo(page, widget.rect().topLeft()).y()


def test_the_ways_a_shop_knows_its_printer_are_offered_not_a_spec(qtbot, window):
    page = _printer_page(qtbot, window)
    ways = [page.way.itemText(i) for i in range(page.way.count())]
    assert ways[:4] == [
        "USB 小票打印机",
        "网络打印机（按 IP 地址）",
        "串口打印机",
        "仅预览（不打印）",
    ]
    assert page.way.currentText() == "仅预览（不打印）"  # what "dummy" always meant
    words = _visible(page)
    assert "dummy" not in words and "net:" not in words and "usb:0x" not in words
    assert not page.connection.isVisible()  # the written-out spec only under 其他

    _choose(qtbot, page, "net")
    assert page.host.isVisible() and page.port.text() == "9100"
    assert "自检页" in _visible(page)  # where to find the IP address
    _choose(qtbot, page, "serial")
    assert (
        page.device.isVisible() and page.baud.currentText() == "9600" and not page.host.isVisible()
    )


def test_a_network_printer_is_saved_by_ip_address_and_port(qtbot, window, store):
    page = _printer_page(qtbot, window)
    _choose(qtbot, page, "net")
    save = child(page, QPushButton, "printer_save")
    way_y, save_y = _y(page, page.way), _y(page, save)

    type_into(qtbot, page.host, "192.168.1.300")
    click(qtbot, save)
    error = page.form.errors["host"]
    qtbot.waitUntil(error.isVisible)
    assert error.text().startswith("“192.168.1.300”不是 IP 地址")
    assert get_printer_settings(store).connection == "dummy"  # nothing saved

    type_into(qtbot, page.host, "192.168.1.60")
    type_into(qtbot, page.port, "70000")
    click(qtbot, save)
    qtbot.waitUntil(page.form.errors["port"].isVisible)
    assert "1 到 65535" in page.form.errors["port"].text()
    assert not page.form.errors["host"].isVisible()

    type_into(qtbot, page.port, "9100")
    click(qtbot, save)
    qtbot.waitUntil(lambda: page.bar.text() == "打印机设置已保存")
    assert get_printer_settings(store).connection == "net:192.168.1.60:9100"
    qtbot.wait(100)
    assert (_y(page, page.way), _y(page, save)) == (way_y, save_y)  # the message moved nothing


def test_settings_saved_before_show_as_the_printer_they_name(qtbot, window, store, owner):
    save_printer_settings(store, owner, connection="serial:COM3:19200")
    page = _printer_page(qtbot, window)
    assert page.way.currentText() == "串口打印机"
    assert (page.device.currentText(), page.baud.currentText()) == ("COM3", "19200")
    click(qtbot, child(page, QPushButton, "printer_save"))  # saved unchanged: the same printer
    qtbot.waitUntil(lambda: page.bar.text() == "打印机设置已保存")
    assert get_printer_settings(store).connection == "serial:COM3:19200"


def test_usb_printers_found_are_listed_and_one_is_chosen(qtbot, window, store, monkeypatch):
    found = (FoundPrinter(0x0416, 0x5011, "POS58 Printer"),)
    monkeypatch.setattr(printers, "find_usb_printers", lambda: (found, None))
    page = _printer_page(qtbot, window)
    _choose(qtbot, page, "usb")
    qtbot.waitUntil(lambda: page.found.count() == 1 and page.found.isEnabled())
    assert page.found.currentText() == "POS58 Printer (0416:5011)"
    assert (page.vendor.text(), page.product.text()) == ("0416", "5011")
    click(qtbot, child(page, QPushButton, "printer_save"))
    qtbot.waitUntil(lambda: page.bar.text() == "打印机设置已保存")
    assert get_printer_settings(store).connection == "usb:0x0416:0x5011"


def test_with_no_usb_printer_found_the_page_says_what_to_type(qtbot, window, store, monkeypatch):
    monkeypatch.setattr(printers, "find_usb_printers", lambda: ((), None))
    page = _printer_page(qtbot, window)
    _choose(qtbot, page, "usb")
    qtbot.waitUntil(lambda: page.usb_hint.text().startswith("没有找到 USB 打印机"))
    assert "照打印机标签或说明书填写这两个编号" in page.usb_hint.text()
    type_into(qtbot, page.vendor, "0416")
    type_into(qtbot, page.product, "50G1")
    click(qtbot, child(page, QPushButton, "printer_save"))
    qtbot.waitUntil(page.form.errors["product"].isVisible)
    assert page.form.errors["product"].text().startswith("USB 产品编号（PID）“50G1”不对")
    assert get_printer_settings(store).connection == "dummy"


def test_the_test_page_prints_through_the_printer_shown_off_the_window(qtbot, window, store):
    page = _printer_page(qtbot, window)
    server, got = listening_printer()
    with server:
        _choose(qtbot, page, "net")
        type_into(qtbot, page.host, "127.0.0.1")
        type_into(qtbot, page.port, str(server.getsockname()[1]))
        click(qtbot, child(page, QPushButton, "printer_test"))
        qtbot.waitUntil(lambda: page.bar.text() == "已打印", timeout=8_000)
        qtbot.waitUntil(lambda: bool(got))
    assert get_printer_settings(store).connection == "dummy"  # tried, not saved


def test_a_slow_printer_does_not_freeze_the_window(qtbot, window, monkeypatch):
    """The printer takes its time (a network printer timing out): the window answers
    meanwhile, and says how it went when the printer has."""
    answer = threading.Event()

    def slow_send(self, data: bytes) -> None:
        answer.wait(5)  # on the window's thread this would hold the click for 5 s

    monkeypatch.setattr(printers.EscposPort, "send", slow_send)
    page = _printer_page(qtbot, window)
    _choose(qtbot, page, "net")
    type_into(qtbot, page.host, "192.168.1.50")
    started = time.monotonic()
    click(qtbot, child(page, QPushButton, "printer_test"))
    assert time.monotonic() - started < 1 and page.bar.text() == ""
    qtbot.wait(100)  # the window goes on answering while the printer has not
    assert page.bar.text() == ""
    answer.set()
    qtbot.waitUntil(lambda: page.bar.text() == "已打印", timeout=5_000)


def test_a_printer_that_does_not_answer_is_said_in_chinese(qtbot, window):
    page = _printer_page(qtbot, window)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]  # closed again: nobody answers there
    _choose(qtbot, page, "net")
    type_into(qtbot, page.host, "127.0.0.1")
    type_into(qtbot, page.port, str(free))
    way_y = _y(page, page.way)
    click(qtbot, child(page, QPushButton, "printer_test"))
    qtbot.waitUntil(lambda: page.bar.text().startswith("连不上"), timeout=8_000)
    qtbot.wait(100)
    assert f"网络打印机 127.0.0.1:{free}" in page.bar.text()
    assert "打印机拒绝连接" in page.bar.text()
    # a test page is kept nowhere: the owner reads what failed and what to check
    assert page.bar.text().endswith("请检查打印机电源、连线或网络"), page.bar.text()
    assert "单据" not in page.bar.text() and "重新打印" not in page.bar.text()
    assert _y(page, page.way) == way_y


def test_a_test_page_with_an_address_that_is_no_ip_address_is_not_tried(qtbot, window):
    page = _printer_page(qtbot, window)
    _choose(qtbot, page, "net")
    type_into(qtbot, page.host, "192.168.1")
    click(qtbot, child(page, QPushButton, "printer_test"))
    assert page.form.errors["host"].text().startswith("“192.168.1”不是 IP 地址")
    assert page.bar.text() == ""


def test_a_usb_printer_found_beside_the_serial_one_saved_is_nothing_to_save(
    qtbot, window, store, owner, monkeypatch
):
    """Only what the owner changed asks before the page is left: the IDs of a USB printer
    filled in while the page shows the serial printer saved would not be saved."""
    found = (FoundPrinter(0x0416, 0x5011, "POS58 Printer"),)
    monkeypatch.setattr(printers, "find_usb_printers", lambda: (found, None))
    save_printer_settings(store, owner, connection="serial:COM3:19200")
    page = _printer_page(qtbot, window)
    qtbot.waitUntil(lambda: page.found.count() == 1 and page.found.isEnabled())
    assert page.vendor.text() == "0416" and page.way.currentData() == "serial"
    office = window.workspace.backoffice
    click_item(qtbot, office.menu, "员工")
    assert office.pages.currentWidget() is office.staff and office.leave_question is None


def test_every_problem_of_the_printer_shows_beside_its_field_at_once(qtbot, window, store):
    """A wrong IP address was said first, and the wrong port only on the next save."""
    page = _printer_page(qtbot, window)
    save = child(page, QPushButton, "printer_save")
    _choose(qtbot, page, "net")
    type_into(qtbot, page.host, "192.168.1.300")
    type_into(qtbot, page.port, "70000")
    click(qtbot, save)
    qtbot.waitUntil(page.form.errors["host"].isVisible)
    assert page.form.errors["host"].text().startswith("“192.168.1.300”不是 IP 地址")
    assert page.form.errors["port"].isVisible()
    assert "1 到 65535" in page.form.errors["port"].text()
    assert get_printer_settings(store).connection == "dummy"  # nothing saved

    _choose(qtbot, page, "usb")
    type_into(qtbot, page.vendor, "XYZ")
    type_into(qtbot, page.product, "50111")
    click(qtbot, save)
    qtbot.waitUntil(page.form.errors["vendor"].isVisible)
    assert "“XYZ”不对" in page.form.errors["vendor"].text()
    assert "“50111”不对" in page.form.errors["product"].text()
    assert page.form.errors["product"].isVisible()
    assert get_printer_settings(store).connection == "dummy"
