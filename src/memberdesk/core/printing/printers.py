"""Printer settings, connection specs, and sending bytes to a printer in one write.

A connection is written as a short spec, the same in settings and on the command
line: ``net:192.168.1.50:9100``, ``usb:0x0416:0x5011``, ``serial:/dev/ttyUSB0:9600``,
``win:XP-80C``, ``file:/dev/usb/lp0`` (or any file), ``dummy`` (keep the bytes).
Every failure becomes a DomainError in plain words that says what to check; nothing
here touches the database, so a dead printer can never undo a sale.
"""

from __future__ import annotations

import contextlib
import errno
import socket
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from sqlalchemy.orm import Session

from ..errors import DomainError
from ..i18n import N_, Message
from ..shop.details import read_setting, write_setting
from ..shop.staff import Actor, require
from ..store.database import Store
from .escpos_out import CODE_CHOICES
from .layout import CODECS, PAPER_COLUMNS, Paper

SETTING_KEY = "printer"
KINDS = ("sale", "refund", "topup", "adjust", "gift", "shift", "test", "countcard")
DEFAULT_COPIES = {
    "sale": 1,
    "refund": 2,
    "topup": 1,
    "adjust": 1,
    "gift": 1,
    "shift": 1,
    "test": 1,
    "countcard": 1,
}
KIND_WORDS = {
    "net": N_("network printer"), "usb": N_("USB printer"), "serial": N_("serial printer"),
    "win": N_("Windows printer"), "file": N_("printer device file"), "dummy": N_("virtual printer"),
}  # fmt: skip
EXAMPLES = N_(
    "net:192.168.1.50:9100, usb:0x0416:0x5011, serial:COM3:9600, win:PRINTER NAME, "
    "file:/dev/usb/lp0, dummy"
)


@dataclass(frozen=True)
class PrinterSettings:
    connection: str = "dummy"
    paper_mm: int = 80
    encoding: str = "GB18030"
    profile: str = "default"  # a python-escpos printer profile (what the model can do)
    copies: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_COPIES))
    cut: bool = True
    drawer_on_cash: bool = True
    drawer_pin: int = 2
    codes: str = "both"  # receipt number as qr | barcode | both | none
    check_paper: bool = False  # ask the printer for its paper sensor first (not all answer)
    timeout_s: float = 5.0

    @property
    def paper(self) -> Paper:
        return Paper(PAPER_COLUMNS[self.paper_mm], self.encoding)

    def copies_of(self, kind: str) -> int:
        return int(self.copies.get(kind, 1))


def _bad(name: str, value: object) -> DomainError:
    return DomainError("printer.setting_invalid", field=name, value=value)


def validated(settings: PrinterSettings) -> PrinterSettings:
    from escpos.capabilities import CAPABILITIES

    s = settings
    parse_spec(s.connection)
    if s.paper_mm not in PAPER_COLUMNS:
        raise _bad("paper_mm", s.paper_mm)
    if s.encoding.upper() not in CODECS:
        raise _bad("encoding", s.encoding)
    if s.profile not in CAPABILITIES["profiles"]:
        raise _bad("profile", s.profile)
    if s.codes not in CODE_CHOICES:
        raise _bad("codes", s.codes)
    if s.drawer_pin not in (2, 5):
        raise _bad("drawer_pin", s.drawer_pin)
    if not (0.5 <= float(s.timeout_s) <= 60):
        raise _bad("timeout_s", s.timeout_s)
    copies = {**DEFAULT_COPIES, **dict(s.copies)}
    for kind, n in copies.items():
        if kind not in KINDS or not isinstance(n, int) or not 1 <= n <= 5:
            raise _bad(f"copies.{kind}", n)
    return replace(s, encoding=s.encoding.upper(), copies=copies)


def printer_settings(session: Session) -> PrinterSettings:
    data = read_setting(session, SETTING_KEY) or {}
    known = {k: v for k, v in data.items() if k in PrinterSettings.__dataclass_fields__}
    return PrinterSettings(**known)


def get_printer_settings(store: Store) -> PrinterSettings:
    with store.read() as s:
        return printer_settings(s)


def save_printer_settings(
    store: Store, actor: Actor, *, authoriser: Actor | None = None, **changes: Any
) -> PrinterSettings:
    """Change printer settings (any PrinterSettings field); validated, audited. A manager or
    the owner does it, or authorises a cashier: where the receipts go (a printer's address,
    a file) is the shop's setting, as its details are."""
    unknown = set(changes) - set(PrinterSettings.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown printer settings: {sorted(unknown)}")
    allowed_by = require(actor, "shop_settings", authoriser)
    with store.write() as uow:
        new = validated(replace(printer_settings(uow.session), **changes))
        data = asdict(new)
        data["copies"] = dict(new.copies)
        write_setting(uow.session, SETTING_KEY, data)
        uow.audit("printer.settings", staff_id=actor.staff_id, staff_name=actor.name,
                  authorised_by=None if allowed_by is actor else allowed_by.name,
                  target=new.connection[:80], detail={k: data[k] for k in changes})  # fmt: skip
        uow.touched("printer.configured")
        return new


# ------------------------------------------------------------------ connections


@dataclass(frozen=True)
class Connection:
    kind: str  # net | usb | serial | win | file | dummy
    target: str = ""  # host, device, printer name or path
    number: int = 0  # TCP port or serial baud rate
    vendor: int = 0
    product: int = 0

    def describe(self) -> Message:
        """The printer as a person names it, e.g. 网络打印机 192.168.1.50:9100."""
        where: str | Message = {
            "net": f"{self.target}:{self.number}",
            "usb": f"{self.vendor:04x}:{self.product:04x}",
        }.get(self.kind, self.target)
        if self.kind == "serial":
            where = Message(N_("{device} ({baud} baud)"), device=self.target, baud=self.number)
        if not where:
            return Message(KIND_WORDS[self.kind])
        return Message(N_("{printer} {where}"), printer=Message(KIND_WORDS[self.kind]), where=where)


def parse_spec(spec: str) -> Connection:
    """'net:192.168.1.50:9100' → Connection; a spec we cannot read is refused with examples."""
    text = (spec or "").strip()
    kind, _, rest = text.partition(":")
    kind = kind.lower()
    try:
        if kind == "dummy" and not rest:
            return Connection("dummy")
        if kind in ("file", "win") and rest.strip():
            return Connection(kind, rest.strip())
        if kind == "net":
            host, _, port = rest.partition(":")
            number = int(port) if port else 9100
            if host.strip() and 0 < number < 65536:
                return Connection("net", host.strip(), number)
        if kind == "usb":
            vendor, product = (int(x, 16) for x in rest.split(":"))
            if 0 < vendor <= 0xFFFF and 0 < product <= 0xFFFF:
                return Connection("usb", vendor=vendor, product=product)
        if kind == "serial":
            device, _, baud = rest.rpartition(":")
            if not baud.isdigit():
                device, baud = rest, "9600"
            if device.strip():
                return Connection("serial", device.strip(), int(baud))
    except ValueError:
        pass
    raise DomainError("printer.spec_invalid", spec=spec, examples=Message(EXAMPLES))


class PrinterPort(Protocol):
    """Where bytes go. The app passes a real printer, tests pass a fake."""

    def send(self, data: bytes) -> None: ...


class DummyPort:
    """Keeps what it is sent (the `dummy` spec, tests, previews)."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.sent.append(data)


def _why(exc: BaseException | None) -> Message:
    """An OS-level cause in words a cashier can act on."""
    seen = exc
    while seen is not None and not isinstance(seen, OSError):
        seen = seen.__cause__ or seen.__context__
    if isinstance(seen, TimeoutError | socket.timeout):
        return Message(N_("the printer does not answer (timed out)"))
    if isinstance(seen, socket.gaierror):  # a host name or address that resolves to nothing
        return Message(N_("the printer's network address cannot be found"))
    code = getattr(seen, "errno", None)
    return Message({
        errno.ECONNREFUSED: N_("the printer refused the connection; it may be busy or the port is wrong"),
        errno.EHOSTUNREACH: N_("the printer's network address cannot be found"),
        errno.ENETUNREACH: N_("the network is down"),
        errno.ENOENT: N_("the device does not exist"),
        errno.EACCES: N_("no permission to use this printer"),
        errno.EPERM: N_("no permission to use this printer"),
        errno.EBUSY: N_("another program is using the printer"),
        errno.ENOSPC: N_("the device is full or out of paper"),
        errno.EPIPE: N_("the connection broke while printing"),
        errno.ECONNRESET: N_("the connection broke while printing"),
        errno.EIO: N_("device read/write error; it may be off or out of paper"),
    }.get(code, N_("the printer did not take the data")))  # fmt: skip


class EscposPort:
    """A real printer through python-escpos' connection classes, opened per job."""

    def __init__(self, conn: Connection, settings: PrinterSettings) -> None:
        self.conn = conn
        self.settings = settings

    def _printer(self) -> Any:
        from escpos import printer as ep

        c, s = self.conn, self.settings
        cls = {"net": ep.Network, "usb": ep.Usb, "serial": ep.Serial, "win": ep.Win32Raw}.get(
            c.kind, ep.File
        )
        if not cls.is_usable():  # pyusb / pyserial / pywin32 not installed
            raise DomainError("printer.driver_missing", where=c.describe())
        if c.kind == "net":
            return cls(c.target, c.number, timeout=s.timeout_s, profile=s.profile)
        if c.kind == "usb":
            return cls(c.vendor, c.product, timeout=int(s.timeout_s * 1000), profile=s.profile)
        if c.kind == "serial":
            return cls(c.target, baudrate=c.number, timeout=s.timeout_s, profile=s.profile)
        return cls(c.target, profile=s.profile)  # win: the printer's name; file: the path

    def send(self, data: bytes) -> None:
        from escpos.exceptions import DeviceNotFoundError

        where = self.conn.describe()
        printer = self._printer()
        try:
            printer.open()
        except DeviceNotFoundError as exc:
            raise DomainError("printer.offline", where=where, why=_why(exc)) from exc
        except (RuntimeError, ImportError) as exc:  # pyusb / pyserial / pywin32 not installed
            raise DomainError("printer.driver_missing", where=where) from exc
        except OSError as exc:
            raise DomainError("printer.offline", where=where, why=_why(exc)) from exc
        except ValueError as exc:  # pyusb's NoBackendError: no libusb on this computer
            if type(exc).__name__ != "NoBackendError":
                raise
            raise DomainError("printer.usb_library_missing", where=where) from exc
        try:
            ask = self.settings.check_paper and self.conn.kind in ("net", "usb", "serial")
            if ask and printer.paper_status() == 0:
                raise DomainError("printer.paper_out", where=where)
            printer._raw(data)  # one write: the whole job, all copies
        except DomainError:
            raise
        except Exception as exc:  # socket, USB, serial and win32 errors share no base class
            raise DomainError("printer.write_failed", where=where, why=_why(exc)) from exc
        finally:
            with contextlib.suppress(Exception):  # closing a dead link must not hide why it died
                printer.close()


def open_port(settings: PrinterSettings, spec: str | None = None) -> PrinterPort:
    conn = parse_spec(spec if spec is not None else settings.connection)
    if conn.kind == "dummy":
        return DummyPort()
    return EscposPort(conn, settings)
