"""Printer settings, connection specs, and sending bytes to a printer in one write.

A connection is written as a short spec, the same in settings and on the command
line: ``net:192.168.1.50:9100``, ``usb:0x0416:0x5011``, ``serial:/dev/ttyUSB0:9600``,
``win:XP-80C``, ``file:/dev/usb/lp0`` (or any file), ``dummy`` (keep the bytes).
The owner never writes a spec: the printer page offers the ways a shop knows (a USB
receipt printer, a network printer by IP address and port, a serial port, preview only)
as a `ConnectionChoice`, and `spec_of` checks it and writes the spec, so what is saved
reads as it always did (`choice_of` reads a saved spec back).
Every failure becomes a DomainError in plain words that says what to check; nothing
here touches the database, so a dead printer can never undo a sale.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import re
import socket
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from sqlalchemy.orm import Session

from ..errors import DomainError, ValidationFailed
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
    "win": N_("Windows printer"), "file": N_("printer device file"), "dummy": N_("preview only (nothing printed)"),
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
            number = int(port) if port else DEFAULT_NET_PORT
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


# ------------------------------------------------------------------ the owner's choice

WAYS = ("usb", "net", "serial", "preview", "other")  # as the printer page offers them
PREVIEW_SPEC = "dummy"
DEFAULT_NET_PORT = 9100
BAUD_RATES = (9600, 19200, 38400, 57600, 115200)
_HOST_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9-]{1,63})*$")


@dataclass(frozen=True)
class ConnectionChoice:
    """A printer connection as the owner picks it: the way, and only that way's fields,
    as typed (text; `spec_of` reads and checks them)."""

    way: str = "preview"  # one of WAYS
    host: str = ""  # net: the printer's IP address
    port: str = str(DEFAULT_NET_PORT)  # net
    vendor: str = ""  # usb: vendor id (VID), 4 hex digits
    product: str = ""  # usb: product id (PID)
    device: str = ""  # serial: COM3, /dev/ttyUSB0
    baud: str = str(BAUD_RATES[0])  # serial
    spec: str = ""  # other: a spec written out (win:…, file:…)


def _plain(text: str) -> str:
    """What an input method typed, as ASCII where it can: full-width digits and dots
    (１９２。１６８) become 192.168."""
    return unicodedata.normalize("NFKC", text or "").replace("。", ".").strip()


def _host_ok(host: str) -> bool:
    """An IPv4 or IPv6 address, or a network name (printer.local); digits and dots that
    are no address (192.168.1, 192.168.1.300) are not taken for a name."""
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    if re.fullmatch(r"[0-9.]+", host):
        return False
    return bool(_HOST_NAME.match(host))


def _hex_id(text: str, which: str) -> int:
    value = _plain(text).lower().removeprefix("0x")
    if re.fullmatch(r"[0-9a-f]{1,4}", value) and int(value, 16) > 0:
        return int(value, 16)
    words = {"vendor": N_("vendor ID (VID)"), "product": N_("product ID (PID)")}
    raise DomainError("printer.usb_id_invalid", field=which, which=Message(words[which]),
                      value=text.strip())  # fmt: skip


def spec_of(choice: ConnectionChoice) -> str:
    """The connection spec for what the owner chose. What cannot be a printer raises
    ValidationFailed naming every field's problem at once (`errors` by field: host, port,
    vendor, product, device, baud; its code and `field` are the first's), in plain words;
    a spec written out that cannot be read, printer.spec_invalid (`field` connection)."""
    way = choice.way
    if way == "preview":
        return PREVIEW_SPEC
    errors: dict[str, DomainError] = {}
    if way == "net":
        host = _plain(choice.host)
        if not host:
            errors["host"] = DomainError("printer.host_missing", field="host")
        elif not _host_ok(host):
            errors["host"] = DomainError("printer.host_invalid", field="host",
                                         value=choice.host.strip())  # fmt: skip
        port = _plain(choice.port) or str(DEFAULT_NET_PORT)
        if not port.isdigit() or not 1 <= int(port) <= 65535:
            errors["port"] = DomainError("printer.port_invalid", field="port",
                                         value=choice.port.strip())  # fmt: skip
        if not errors:
            return f"net:{host}:{int(port)}"
    elif way == "usb":
        ids: dict[str, int] = {}
        for which in ("vendor", "product"):
            try:
                ids[which] = _hex_id(getattr(choice, which), which)
            except DomainError as exc:
                errors[which] = exc
        if not errors:
            return f"usb:0x{ids['vendor']:04x}:0x{ids['product']:04x}"
    elif way == "serial":
        device = choice.device.strip()
        if not device:
            errors["device"] = DomainError("printer.serial_device_missing", field="device")
        baud = _plain(choice.baud)
        if not baud.isdigit() or int(baud) not in BAUD_RATES:
            rates = ", ".join(str(b) for b in BAUD_RATES)
            errors["baud"] = DomainError("printer.baud_invalid", field="baud", rates=rates,
                                         value=choice.baud.strip())  # fmt: skip
        if not errors:
            return f"serial:{device}:{int(baud)}"
    elif way == "other":
        conn = parse_spec(choice.spec)  # raises printer.spec_invalid with the examples
        return PREVIEW_SPEC if conn.kind == "dummy" else choice.spec.strip()
    else:
        raise DomainError("printer.way_unknown", field="connection", value=way)
    raise ValidationFailed(errors)


def choice_of(spec: str) -> ConnectionChoice:
    """A saved spec as the printer page shows it; one it cannot read goes under "other",
    written out as it was."""
    try:
        conn = parse_spec(spec)
    except DomainError:
        return ConnectionChoice("other", spec=spec or "")
    if conn.kind == "dummy":
        return ConnectionChoice("preview")
    if conn.kind == "net":
        return ConnectionChoice("net", host=conn.target, port=str(conn.number))
    if conn.kind == "usb":
        return ConnectionChoice("usb", vendor=f"{conn.vendor:04X}", product=f"{conn.product:04X}")
    if conn.kind == "serial":
        return ConnectionChoice("serial", device=conn.target, baud=str(conn.number))
    return ConnectionChoice("other", spec=spec.strip())


# ------------------------------------------------------------------ finding printers

RECEIPT_VENDORS = {  # USB vendor ids of receipt printer makers, named as on their labels
    0x04B8: "Epson",
    0x0519: "Star",
    0x1504: "Bixolon",
    0x0DD4: "Custom",
    0x154F: "SNBC",
    0x0FE6: "ICS Advent",
}
USB_PRINTER_CLASS = 7


@dataclass(frozen=True)
class FoundPrinter:
    vendor: int
    product: int
    name: str  # the maker's and model's names as the device gives them, or ""

    @property
    def ids(self) -> str:
        return f"{self.vendor:04X}:{self.product:04X}"


@dataclass(frozen=True)
class PrinterSearch:
    """What a look for printers on this computer found; `usb_problem` says why USB printers
    could not be looked for (no USB library), in words."""

    usb: tuple[FoundPrinter, ...] = ()
    serial: tuple[str, ...] = ()
    usb_problem: Message | None = None


def _is_printer(device: Any) -> bool:
    if device.bDeviceClass == USB_PRINTER_CLASS or device.idVendor in RECEIPT_VENDORS:
        return True
    with contextlib.suppress(Exception):  # a device that will not say its interfaces
        for config in device:
            for interface in config:
                if interface.bInterfaceClass == USB_PRINTER_CLASS:
                    return True
    return False


def _usb_name(device: Any) -> str:
    import usb.util

    parts: list[str] = []
    for index in (device.iManufacturer, device.iProduct):
        with contextlib.suppress(Exception):  # no permission to ask it, or it has no name
            if index:
                parts.append(str(usb.util.get_string(device, index)).strip())
    name = " ".join(p for p in parts if p)
    return name or RECEIPT_VENDORS.get(device.idVendor, "")


def find_usb_printers() -> tuple[tuple[FoundPrinter, ...], Message | None]:
    try:
        import usb.core
    except ImportError:
        return (), Message(N_("the USB module (pyusb) is not installed"))
    try:
        devices = list(usb.core.find(find_all=True, custom_match=_is_printer) or ())
    except usb.core.NoBackendError:
        return (), Message(N_("this computer has no USB library (libusb)"))
    except Exception as exc:  # a USB stack that fails to list: said, never a crash
        return (), Message(N_("the USB devices could not be listed ({why})"), why=str(exc))
    found = {(d.idVendor, d.idProduct): FoundPrinter(d.idVendor, d.idProduct, _usb_name(d))
             for d in devices}  # fmt: skip
    return tuple(found.values()), None


def find_serial_ports() -> tuple[str, ...]:
    try:
        from serial.tools import list_ports
    except ImportError:
        return ()
    with contextlib.suppress(Exception):
        return tuple(sorted(p.device for p in list_ports.comports()))
    return ()


def find_printers() -> PrinterSearch:
    """USB printers and serial ports on this computer (slow: run it off the window)."""
    usb, problem = find_usb_printers()
    return PrinterSearch(usb, find_serial_ports(), problem)


class PrinterPort(Protocol):
    """Where bytes go. The app passes a real printer, tests pass a fake."""

    def send(self, data: bytes) -> None: ...


class DummyPort:
    """Keeps what it is sent (the `dummy` spec, tests, previews)."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.sent.append(data)


def _why(
    exc: BaseException | None, otherwise: str = N_("the printer did not take the data")
) -> Message:
    """An OS-level cause in words a cashier can act on (`otherwise` when none is known)."""
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
    }.get(code, otherwise))  # fmt: skip


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
        except DeviceNotFoundError as exc:  # USB: no such device plugged in and switched on
            why = _why(exc, N_("it was not found: it may be switched off or its cable unplugged"))
            raise DomainError("printer.offline", where=where, why=why) from exc
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
