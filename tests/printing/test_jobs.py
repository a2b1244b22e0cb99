"""Print jobs: a printer that is off, absent or out of paper never loses or blocks the
sale; the job fails in plain words and can be retried; history reprints say 重印."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from memberdesk.core.errors import DomainError
from memberdesk.core.printing import jobs
from memberdesk.core.printing.escpos_out import drawer_kick, preview_text
from memberdesk.core.printing.printers import (
    DummyPort,
    EscposPort,
    PrinterSettings,
    get_printer_settings,
    open_port,
    parse_spec,
    save_printer_settings,
)
from memberdesk.core.store.models import AuditEntry, Sale
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.receipts import load_sale
from tests.printing.conftest import PrintShop


class FlakyPort:
    """A printer that dies once: the first job raises, later ones print."""

    def __init__(self, error: DomainError) -> None:
        self.error, self.sent, self.failures = error, [], 1

    def send(self, data: bytes) -> None:
        if self.failures:
            self.failures -= 1
            raise self.error
        self.sent.append(data)


def sales(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Sale))


def test_a_file_printer_that_fails_mid_job_leaves_the_sale_intact_and_reprintable(
    print_shop: PrintShop, tmp_path: Path
) -> None:
    store, sale = print_shop.store, print_shop.sale
    dead = EscposPort(parse_spec("file:/dev/full"), PrinterSettings())  # every write: ENOSPC
    outcome = jobs.print_now(store, "sale", sale.sale_id, dead)
    assert not outcome.ok
    assert outcome.message.startswith("打印中断（打印设备文件 /dev/full）：设备已满或缺纸")
    assert "单据已保存" in outcome.message
    assert jobs.job(store, outcome.job_id).status == "failed"
    assert [j.id for j in jobs.unfinished_jobs(store)] == [outcome.job_id]
    # the sale is untouched
    assert sales(store) == 1
    with store.read() as s:
        assert load_sale(s, sale.receipt_no) == sale
    # retried on a working printer: the same document, not marked as a reprint
    out = tmp_path / "printer.bin"
    good = open_port(PrinterSettings(), f"file:{out}")
    again = jobs.retry(store, outcome.job_id, good)
    assert again.ok and again.attempts == 2 and again.reprint == 0
    text = preview_text(out.read_bytes())
    assert "重印" not in text and "小票号：S001-01-260310-0001" in text
    assert jobs.unfinished_jobs(store) == []
    with pytest.raises(DomainError) as e:
        jobs.retry(store, outcome.job_id, good)
    assert e.value.code == "print.already_done"


def test_an_absent_network_printer_fails_fast_in_plain_words(print_shop: PrintShop) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = PrinterSettings(timeout_s=2)
    outcome = jobs.print_now(print_shop.store, "sale", print_shop.sale.sale_id,
                             open_port(settings, f"net:127.0.0.1:{port}"))  # fmt: skip
    assert not outcome.ok
    assert outcome.error.code == "printer.offline"
    assert f"网络打印机 127.0.0.1:{port}" in outcome.message and "拒绝连接" in outcome.message


def test_a_printer_address_that_names_no_machine_says_so(print_shop: PrintShop) -> None:
    """A mistyped address (999 is no part of an IPv4 address) is not a printer that
    refused the data; the sale stays saved for a reprint."""
    settings = PrinterSettings(timeout_s=2)
    outcome = jobs.print_now(print_shop.store, "sale", print_shop.sale.sale_id,
                             open_port(settings, "net:999.1.1.1:9100"))  # fmt: skip
    assert not outcome.ok and outcome.error.code == "printer.offline"
    assert outcome.message.startswith("连不上网络打印机 999.1.1.1:9100：找不到打印机的网络地址")
    with print_shop.store.read() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 1


def test_out_of_paper_is_reported_and_the_retry_prints(print_shop: PrintShop) -> None:
    port = FlakyPort(DomainError("printer.paper_out", where="USB 打印机 0416:5011"))
    first = jobs.print_now(print_shop.store, "sale", print_shop.sale.sale_id, port)
    assert first.message == "USB 打印机 0416:5011缺纸：请装好打印纸后重新打印，单据已保存"
    assert jobs.retry(print_shop.store, first.job_id, port).ok
    assert len(port.sent) == 1


def test_a_layout_bug_fails_the_job_not_the_till(print_shop: PrintShop, monkeypatch) -> None:
    from memberdesk.core.printing import jobs as jobs_module

    def broken(*args, **kwargs):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(jobs_module, "load_slip", broken)
    outcome = jobs.print_now(print_shop.store, "sale", print_shop.sale.sale_id, DummyPort())
    assert not outcome.ok and outcome.error.code == "print.layout_failed"


def test_reprints_are_marked_and_counted(print_shop: PrintShop) -> None:
    store, sale, port = print_shop.store, print_shop.sale, DummyPort()
    assert jobs.print_now(store, "sale", sale.sale_id, port).ok
    first = jobs.reprint(store, "sale", sale.sale_id, port)
    second = jobs.reprint(store, "sale", sale.sale_id, port)
    assert (first.reprint, second.reprint) == (1, 2)
    texts = [preview_text(d) for d in port.sent]
    assert "重印" not in texts[0]
    assert texts[1].splitlines()[0].strip() == "** 重印 **"
    assert texts[2].splitlines()[0].strip() == "** 重印（第 2 次）**"
    assert "重印时间 2026-03-10 10:00:00" in texts[2]


def test_the_drawer_opens_for_a_fresh_cash_sale_only(print_shop: PrintShop, clock) -> None:
    store, port = print_shop.store, DummyPort()
    kick = drawer_kick(2)
    assert jobs.print_now(store, "sale", print_shop.sale.sale_id, port).ok
    assert kick in port.sent[-1]
    assert jobs.reprint(store, "sale", print_shop.sale.sale_id, port).ok
    assert kick not in port.sent[-1]
    card_only = checkout(store, print_shop.cashier, CheckoutRequest(
        lines=(SaleLineInput("袜子", 1500),), tenders={"wechat": 1500}))  # fmt: skip
    assert jobs.print_now(store, "sale", card_only.sale_id, port).ok
    assert kick not in port.sent[-1]
    cash = checkout(store, print_shop.cashier, CheckoutRequest(
        lines=(SaleLineInput("袜子", 1500),), tenders={"cash": 2000}))  # fmt: skip
    clock.advance(hours=2)  # printed from history later: no drawer
    assert jobs.print_now(store, "sale", cash.sale_id, port).ok
    assert kick not in port.sent[-1]
    save_printer_settings(store, print_shop.owner, drawer_on_cash=False)
    clock.advance(hours=-2)
    assert jobs.print_now(store, "sale", cash.sale_id, port).ok
    assert kick not in port.sent[-1]


def test_copies_per_document_kind(print_shop: PrintShop) -> None:
    store, port = print_shop.store, DummyPort()
    save_printer_settings(store, print_shop.owner, copies={"sale": 2}, cut=True)
    assert jobs.print_now(store, "sale", print_shop.sale.sale_id, port).ok
    text = preview_text(port.sent[-1])
    assert text.count("小票号：S001-01-260310-0001") == 2 and text.count("[切纸]") == 2
    assert len(port.sent) == 1  # all copies in one write
    assert jobs.reprint(store, "sale", print_shop.sale.sale_id, port).ok
    assert preview_text(port.sent[-1]).count("小票号") == 1  # a reprint is one copy


def test_test_page_and_drawer_button(print_shop: PrintShop) -> None:
    store, port = print_shop.store, DummyPort()
    save_printer_settings(store, print_shop.owner, paper_mm=58, connection="net:192.168.1.50:9100")
    page = jobs.test_print(store, port)
    assert page.ok
    text = preview_text(page.data)
    assert "打印测试" in text and "网络打印机 192.168.1.50:9100" in text and "58 mm / 32 列" in text
    assert "1234567890" * 3 + "12" in text and "[二维码 TEST-PRINT]" in text
    opened = jobs.open_drawer(store, print_shop.cashier, port)
    assert opened.ok and port.sent[-1] == drawer_kick(2)
    failed = jobs.open_drawer(
        store, print_shop.cashier, FlakyPort(DomainError("printer.offline", where="x", why="y"))
    )
    assert not failed.ok
    with store.read() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "drawer.open")).all()
    assert [(a.staff_name, a.detail["ok"]) for a in audits] == [("收银员", True), ("收银员", False)]


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (DomainError("printer.offline", where="网络打印机 192.168.1.50:9100", why="打印机没有应答"),
         "连不上网络打印机 192.168.1.50:9100：打印机没有应答。请检查打印机电源、连线或网络"),
        (DomainError("printer.paper_out", where="USB 打印机 0416:5011"),
         "USB 打印机 0416:5011缺纸：请装好打印纸"),
        (DomainError("printer.write_failed", where="打印设备文件 /dev/usb/lp0", why="设备读写错误"),
         "打印中断（打印设备文件 /dev/usb/lp0）：设备读写错误。请检查打印机"),
    ],
    ids=["offline", "paper_out", "write_failed"],
)  # fmt: skip
def test_a_failed_test_page_says_what_failed_not_that_a_document_is_saved(
    print_shop: PrintShop, error: DomainError, said: str
) -> None:
    """A test page is no document of the shop's: nothing of it is kept to print again. A
    receipt through the same failing printer still says it is saved; the drawer's kick
    says what to check only."""
    store = print_shop.store
    page = jobs.test_print(store, FlakyPort(error))
    assert not page.ok and page.text("zh_CN") == said
    assert "单据" not in page.text("zh_TW").replace("單據", "单据")
    assert "document" not in page.text("en")
    receipt = jobs.print_now(store, "sale", print_shop.sale.sale_id, FlakyPort(error))
    assert not receipt.ok and "单据已保存" in receipt.text("zh_CN")
    drawer = jobs.open_drawer(store, print_shop.cashier, FlakyPort(error))
    assert not drawer.ok and drawer.text("zh_CN") == said


@pytest.mark.parametrize(("spec", "expected"), [
    ("net:192.168.1.50:9100", ("net", "192.168.1.50", 9100)),
    ("net:printer.local", ("net", "printer.local", 9100)),
    ("usb:0x0416:0x5011", ("usb", "", 0)),
    ("serial:/dev/ttyUSB0:19200", ("serial", "/dev/ttyUSB0", 19200)),
    ("serial:COM3", ("serial", "COM3", 9600)),
    ("win:XP-80C 小票机", ("win", "XP-80C 小票机", 0)),
    ("file:/dev/usb/lp0", ("file", "/dev/usb/lp0", 0)),
    ("file:C:\\out\\r.bin", ("file", "C:\\out\\r.bin", 0)),
    ("dummy", ("dummy", "", 0)),
])  # fmt: skip
def test_printer_specs(spec: str, expected: tuple) -> None:
    c = parse_spec(spec)
    assert (c.kind, c.target, c.number) == expected
    if c.kind == "usb":
        assert (c.vendor, c.product) == (0x0416, 0x5011)


@pytest.mark.parametrize(
    "spec", ["", "lpt1", "net:", "net:1.2.3.4:99999", "usb:0416", "usb:xyz:1", "file:", "dummy:x"]
)
def test_unreadable_specs_are_refused_with_examples(spec: str) -> None:
    with pytest.raises(DomainError) as e:
        parse_spec(spec)
    assert e.value.code == "printer.spec_invalid" and "net:192.168.1.50:9100" in str(e.value)


def test_settings_are_validated(print_shop: PrintShop) -> None:
    store, owner = print_shop.store, print_shop.owner
    for bad in ({"paper_mm": 76}, {"encoding": "UTF-8"}, {"profile": "no-such"}, {"copies": {"sale": 9}},
                {"drawer_pin": 3}, {"connection": "lpt1"}, {"codes": "pdf417"}):  # fmt: skip
        with pytest.raises(DomainError):
            save_printer_settings(store, owner, **bad)
    saved = save_printer_settings(store, owner, encoding="gbk", paper_mm=58, profile="POS-5890")
    assert (saved.encoding, saved.paper.columns, saved.copies_of("refund")) == ("GBK", 32, 2)


def test_a_cashier_alone_cannot_point_the_receipts_elsewhere(
    print_shop: PrintShop, manager
) -> None:
    store, cashier = print_shop.store, print_shop.cashier
    before = get_printer_settings(store)
    with pytest.raises(DomainError) as refused:
        save_printer_settings(store, cashier, connection="net:10.0.0.9:9100")
    assert refused.value.code == "permission.denied"
    assert get_printer_settings(store) == before  # nothing changed
    saved = save_printer_settings(
        store, cashier, authoriser=manager, connection="net:10.0.0.9:9100"
    )
    assert saved.connection == "net:10.0.0.9:9100"
    with store.read() as s:
        who = s.execute(text("SELECT staff_name, authorised_by FROM audit_log "
                             "WHERE action = 'printer.settings' ORDER BY id DESC LIMIT 1")).one()  # fmt: skip
    assert tuple(who) == (cashier.name, manager.name)


def test_a_usb_printer_on_a_computer_without_libusb_says_what_is_missing(
    print_shop: PrintShop, monkeypatch
) -> None:
    """pyusb comes with the program; the libusb under it is the computer's. Without it the
    cashier is told what to install, and the sale stays saved for a reprint."""
    import usb.core

    def no_backend(*args, **kwargs):
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_backend)
    outcome = jobs.print_now(print_shop.store, "sale", print_shop.sale.sale_id,
                             open_port(PrinterSettings(), "usb:0x0416:0x5011"))  # fmt: skip
    assert not outcome.ok and outcome.error.code == "printer.usb_library_missing"
    assert outcome.message.startswith("这台电脑没有连接USB 打印机 0416:5011所需的 USB 库")
    with print_shop.store.read() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 1


def test_a_usb_printer_that_is_not_plugged_in_is_offline(
    print_shop: PrintShop, monkeypatch
) -> None:
    import usb.core

    monkeypatch.setattr(usb.core, "find", lambda *args, **kwargs: None)  # no such device
    outcome = jobs.print_now(print_shop.store, "sale", print_shop.sale.sale_id,
                             open_port(PrinterSettings(), "usb:0x0416:0x5011"))  # fmt: skip
    assert not outcome.ok and outcome.error.code == "printer.offline"
    assert "USB 打印机 0416:5011" in outcome.message


def test_a_printer_that_dies_half_way_through_the_bytes(
    print_shop: PrintShop, tmp_path: Path, monkeypatch
) -> None:
    """The device takes half the receipt, then fails (paper out, cable pulled)."""
    import errno

    from escpos.printer import File

    def half_then_fail(self: File, msg: bytes) -> None:
        self.device.write(msg[: len(msg) // 2])
        self.device.flush()
        raise OSError(errno.EIO, "Input/output error")

    out = tmp_path / "lp0"
    store, sale = print_shop.store, print_shop.sale
    with monkeypatch.context() as m:
        m.setattr(File, "_raw", half_then_fail)
        outcome = jobs.print_now(
            store, "sale", sale.sale_id, open_port(PrinterSettings(), f"file:{out}")
        )
    assert not outcome.ok
    assert (
        outcome.message
        == f"打印中断（打印设备文件 {out}）：设备读写错误，可能已断电或缺纸。请检查打印机后重新打印，单据已保存"
    )
    assert 0 < out.stat().st_size < len(outcome.data)
    with store.read() as s:
        assert load_sale(s, sale.sale_id) == sale
    assert jobs.retry(store, outcome.job_id, open_port(PrinterSettings(), f"file:{out}")).ok
    assert out.read_bytes() == outcome.data  # the whole receipt, in one write
