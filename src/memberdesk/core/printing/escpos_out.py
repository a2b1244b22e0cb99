"""ESC/POS bytes for a slip, built on python-escpos' `Dummy` printer.

The library formats (bold, size, cut, drawer, QR, barcode) but never encodes our
text: its code-page guessing mangles Chinese punctuation. We switch the printer to
its Chinese mode (FS &) and send the text already encoded as GB18030 / GBK / Big5.
The result is one `bytes`, sent to the real printer in one write.
"""

from __future__ import annotations

import contextlib
import io

from escpos.printer import Dummy

from ..i18n import DEFAULT_LANG, N_, translate
from .layout import CODECS, SUBSTITUTES, Slip, clean

ESC, FS, GS = b"\x1b", b"\x1c", b"\x1d"
CHINESE_MODE = FS + b"&"
SIZE_NORMAL = GS + b"!\x00"
SIZE_TALL = GS + b"!\x01"  # double height, single width: applies to Hanzi and ASCII alike
DOTS = {32: 384, 48: 576}  # printable dots across 58 mm / 80 mm paper at 203 dpi
CODE_CHOICES = ("both", "qr", "barcode", "none")


class _Buffer(Dummy):
    def raw(self, data: bytes) -> None:
        self._raw(data)


def encode(text: str, encoding: str = "GB18030", *, convert: bool = True) -> bytes:
    """The bytes of a line: cleaned (nothing unprintable left), then encoded.
    `convert=False`: the text was laid out for this printer already (a slip's line),
    so it is not converted to traditional characters a second time."""
    swap = SUBSTITUTES.get(encoding, {})
    text = clean(text, encoding, convert=convert)
    return "".join(swap.get(ch, ch) for ch in text).encode(CODECS[encoding])


def drawer_kick(pin: int = 2) -> bytes:
    p = _Buffer()
    p.cashdraw(pin)
    return p.output


def _barcode_fits(data: str, columns: int) -> bool:
    modules = 11 * len(data) + 35 + 20  # start, check, stop and the quiet zones (code set B)
    return 2 * modules <= DOTS.get(columns, 384)


def _codes(p: _Buffer, slip: Slip, codes: str) -> None:
    if not slip.ref or codes == "none":
        return
    p.set(align="center")
    if codes in ("both", "qr"):
        if p.profile.supports("qrCode"):
            p.qr(slip.ref, native=True, size=6)
            p.raw(b"\n")
        elif p.profile.supports("bitImageRaster"):
            p.qr(slip.ref, native=False, size=6)
    ascii_ref = slip.ref.isascii()
    if (
        codes in ("both", "barcode")
        and ascii_ref
        and p.profile.supports("barcodeB")
        and _barcode_fits(slip.ref, slip.paper.columns)
    ):
        p.barcode("{B" + slip.ref, "CODE128", height=60, width=2, function_type="B")
    p.set(align="left")


def render(
    slip: Slip,
    *,
    profile: str = "default",
    copies: int = 1,
    cut: bool = True,
    codes: str = "both",
    drawer_pin: int | None = None,
) -> bytes:
    """All copies of a slip as one ESC/POS byte string (drawer kick first, if asked)."""
    enc = slip.paper.encoding
    p = _Buffer(profile=profile)
    # The library announces its barcode/image choices on stdout; keep the CLI output clean.
    with contextlib.redirect_stdout(io.StringIO()):
        p.hw("INIT")
        if drawer_pin is not None:
            p.cashdraw(drawer_pin)
        for _ in range(max(1, copies)):
            p.hw("INIT")
            p.raw(CHINESE_MODE)
            for line in slip.lines:
                if line.bold:
                    p.set(bold=True)
                if line.tall:
                    p.raw(SIZE_TALL)
                p.raw(encode(line.text, enc, convert=False) + b"\n")
                if line.tall:
                    p.raw(SIZE_NORMAL)
                if line.bold:
                    p.set(bold=False)
            _codes(p, slip, codes)
            if cut:
                p.cut()
            else:
                p.print_and_feed(4)
    return p.output


# ------------------------------------------------------------------ reading bytes back

_FIXED = {  # command prefix → total length, for the commands render() emits
    ESC + b"@": 2, ESC + b"2": 2, ESC + b"E": 3, ESC + b"!": 3, ESC + b"a": 3, ESC + b"-": 3,
    ESC + b"M": 3, ESC + b"d": 3, ESC + b"t": 3, ESC + b"3": 3, ESC + b"p": 5, ESC + b"V": 3,
    GS + b"!": 3, GS + b"h": 3, GS + b"w": 3, GS + b"H": 3, GS + b"f": 3, GS + b"B": 3,
    FS + b"&": 2, FS + b".": 2, FS + b"!": 3,
}  # fmt: skip


def _command(data: bytes, i: int, lang: str = DEFAULT_LANG) -> tuple[int, str]:
    """Length of the command at data[i] and what a reader should see of it."""
    head = data[i : i + 2]
    if head == GS + b"V":
        return (4 if data[i + 2] in (65, 66) else 3), translate(N_("[cut]"), lang)
    if head == ESC + b"p":
        return 5, translate(N_("[cash drawer]"), lang)
    if head in _FIXED:
        return _FIXED[head], ""
    if head == GS + b"(":  # GS ( k / GS ( L: pL pH then that many bytes
        n = data[i + 3] + 256 * data[i + 4]
        body = data[i + 5 : i + 5 + n]
        shown = ""
        if data[i + 2 : i + 3] == b"k" and body[:2] == b"1P":
            shown = translate(
                N_("[QR code {data}]"), lang, data=body[3:].decode("utf-8", "replace")
            )
        return 5 + n, shown
    if head == GS + b"v":  # GS v 0 m xL xH yL yH data
        x = data[i + 4] + 256 * data[i + 5]
        y = data[i + 6] + 256 * data[i + 7]
        return 8 + x * y, translate(N_("[image]"), lang)
    if head == GS + b"k":
        m = data[i + 2]
        if m >= 65:
            n = data[i + 3]
            code = data[i + 4 : i + 4 + n].decode("ascii", "replace")
            shown = code[2:] if code.startswith("{") else code
            return 4 + n, translate(N_("[barcode {data}]"), lang, data=shown)
        end = data.index(b"\x00", i + 3)
        shown = data[i + 3 : end].decode("ascii", "replace")
        return end + 1 - i, translate(N_("[barcode {data}]"), lang, data=shown)
    return 1, ""


def preview_text(data: bytes, encoding: str = "GB18030", lang: str = DEFAULT_LANG) -> str:
    """What the printer would put on paper, as text: commands dropped, codes shown in
    brackets (in `lang`). Multi-byte GB18030/GBK/Big5 characters never contain a byte
    below 0x40, so ESC, FS and GS always start a command."""
    out: list[str] = []
    text = bytearray()
    i = 0
    while i < len(data):
        byte = data[i]
        if byte not in (0x1B, 0x1C, 0x1D):
            text.append(byte)
            i += 1
            continue
        out.append(text.decode(CODECS[encoding], "replace"))
        text.clear()
        length, shown = _command(data, i, lang)
        if shown:
            out.append(shown + "\n")
        i += length
    out.append(text.decode(CODECS[encoding], "replace"))
    return "".join(out)
