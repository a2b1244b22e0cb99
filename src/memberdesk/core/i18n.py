"""Text shown to people: one gettext catalogue, in 简体中文 (default), 繁體中文 and English.

Message ids are English with named placeholders ("member {name} is frozen"); the
catalogues live in ``memberdesk/locale/<lang>/LC_MESSAGES/memberdesk.mo`` (sources:
``memberdesk.pot`` and the ``.po`` files beside them, see ``babel.cfg``). Code marks a
text with ``N_`` where it is defined and translates it with ``translate`` where it is
shown, in the language of whoever reads it: the window's, the command line's
``--lang``, the shop's for receipts. Placeholders are filled after translation, and a
parameter that is itself a ``Message`` (a role, a tender, an action's name) is
translated into the same language first.

No Qt here: core, the CLI and HQ use this; the window adds Qt's own catalogues.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

DOMAIN = "memberdesk"
DEFAULT_LANG = "zh_CN"
LANGS = ("zh_CN", "zh_TW", "en")
# What --lang takes on the command line ("zh" is 简体中文, as it always was).
LANG_CHOICES = ("zh", "zh_CN", "zh_TW", "en")
LANG_NAMES = {"zh_CN": "简体中文", "zh_TW": "繁體中文", "en": "English"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_ALIASES = {
    "zh": "zh_CN", "zh_cn": "zh_CN", "zh_hans": "zh_CN", "zh_hans_cn": "zh_CN", "zh_sg": "zh_CN",
    "zh_tw": "zh_TW", "zh_hant": "zh_TW", "zh_hant_tw": "zh_TW", "zh_hk": "zh_TW",
    "zh_mo": "zh_TW", "zh_hant_hk": "zh_TW", "en": "en",
}  # fmt: skip


def N_(msgid: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark a text for the catalogue where it is defined; translate it where it is shown."""
    return msgid


def known_language(lang: str | None) -> str | None:
    """'zh' / 'zh-CN' → zh_CN, 'zh-TW' / 'zh_Hant' → zh_TW, 'en_US' → en; None if unknown."""
    if not lang:
        return None
    key = str(lang).strip().replace("-", "_").lower()
    if key in _ALIASES:
        return _ALIASES[key]
    if key.startswith("en_"):
        return "en"
    return None


def normalise(lang: str | None) -> str:
    """A language as the catalogues name it; anything unknown is the default, 简体中文."""
    return known_language(lang) or DEFAULT_LANG


def lang_from_argv(argv: Sequence[str]) -> str:
    """--lang as a command line gives it, before parsing (the help is written in it too)."""
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return normalise(args[i + 1])
        if arg.startswith("--lang="):
            return normalise(arg.split("=", 1)[1])
    return DEFAULT_LANG


def lang_given(argv: Sequence[str]) -> bool:
    """Whether a command line names its language (--lang), rather than taking the default."""
    return any(a == "--lang" or a.startswith("--lang=") for a in argv)


def is_chinese(lang: str | None) -> bool:
    return normalise(lang) != "en"


@lru_cache(maxsize=len(LANGS))
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of `lang`, loaded once; a missing file falls back to the msgid."""
    lang = normalise(lang)
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    except OSError:
        log.error("message catalogue %s is missing; showing English", path)
        return NullTranslations()


def gettext(msgid: str, lang: str | None = DEFAULT_LANG) -> str:
    """`msgid` in `lang`, its placeholders unfilled."""
    return translations(normalise(lang)).gettext(msgid) if msgid else msgid


class Message:
    """A text to translate later: a msgid and its parameters (the reader's language is not
    known yet where the text is made, e.g. a check's finding or a role's name)."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.msgid = msgid
        self.params = params

    def text(self, lang: str | None = DEFAULT_LANG) -> str:
        return translate(self.msgid, lang, **self.params)

    def __str__(self) -> str:
        return self.text(DEFAULT_LANG)

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return (self.msgid, self.params) == (other.msgid, other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.msgid, tuple(sorted((k, str(v)) for k, v in self.params.items()))))


class Listing(Message):
    """Several texts shown as one list parameter (张三、李四 / Zhang, Li), each in the
    reader's language; see ``join``."""

    __slots__ = ("items", "kind")

    def __init__(self, items: Iterable[Any], kind: str = "list") -> None:
        super().__init__("")
        self.items = tuple(items)
        self.kind = kind

    def text(self, lang: str | None = DEFAULT_LANG) -> str:
        return join(self.items, lang, kind=self.kind)

    def __repr__(self) -> str:
        return f"Listing({self.items!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Listing):
            return (self.items, self.kind) == (other.items, other.kind)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.items, self.kind))


def to_data(message: Message) -> dict[str, Any]:
    """A message as JSON-ready data, to keep (a print job's error, the last sync error)
    and translate whenever it is read; `from_data` reads it back."""
    if isinstance(message, Listing):
        return {"list": [_value_data(v) for v in message.items], "kind": message.kind}
    return {
        "msgid": message.msgid,
        "params": {k: _value_data(v) for k, v in message.params.items()},
    }


def _value_data(value: Any) -> Any:
    if isinstance(value, Message):
        return {"message": to_data(value)}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def from_data(data: Mapping[str, Any]) -> Message:
    if "list" in data:
        return Listing((_value_of(v) for v in data["list"]), str(data.get("kind", "list")))
    params = data.get("params") or {}
    return Message(str(data.get("msgid", "")), **{str(k): _value_of(v) for k, v in params.items()})


def _value_of(value: Any) -> Any:
    if isinstance(value, Mapping) and isinstance(value.get("message"), Mapping):
        return from_data(value["message"])
    return value


def text_of(value: Any, lang: str | None = DEFAULT_LANG) -> Any:
    """A parameter as the reader sees it: a Message translated, anything else as it is."""
    if isinstance(value, Message):
        return value.text(lang)
    return value


def translate(msgid: str, lang: str | None = DEFAULT_LANG, /, **params: Any) -> str:
    """`msgid` in `lang` with its {placeholders} filled; Message parameters are translated too.

    A placeholder without its parameter leaves the text unfilled rather than failing:
    a message must never turn into a traceback in front of a cashier."""
    lang = normalise(lang)
    template = gettext(msgid, lang)
    if not params:
        return template
    values = {k: text_of(v, lang) for k, v in params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        log.warning("message %r lacks a parameter (has %s)", msgid, sorted(params))
        return template


def placeholders(text: str) -> set[str]:
    """The named {placeholders} of a text (for the catalogue's own checks)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}


def join(items: Iterable[Any], lang: str | None = DEFAULT_LANG, *, kind: str = "list") -> str:
    """Items joined as each language writes a list: 张三、李四 / Zhang, Li; with
    kind="phrases", longer parts: 接通 1，未接 2 / Talked 1, No answer 2; with
    kind="clauses", whole statements: …；… / …; …"""
    chinese = is_chinese(lang)
    if kind == "clauses":
        sep = "；" if chinese else "; "
    elif kind == "phrases":
        sep = "，" if chinese else ", "
    else:
        sep = "、" if chinese else ", "
    return sep.join(str(text_of(i, lang)) for i in items)


def names(codes: Mapping[str, str], lang: str | None = DEFAULT_LANG) -> dict[str, str]:
    """A {code: msgid} table as {code: name in lang}."""
    return {code: gettext(msgid, lang) for code, msgid in codes.items()}


def name_of(codes: Mapping[str, str], code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    """A code shown by its name (a code the table does not know is shown as it is)."""
    if code is None:
        return ""
    msgid = codes.get(code)
    return gettext(msgid, lang) if msgid else code


# Where OpenCC's Taiwan phrases take a shop's word for a computer's: 注销 (a cancelled
# member) is not 登出 (logging out), 代码 (a store or tier code) is not 程式碼 (source code).
TAIWAN_WORD_FIXES = (("登出", "註銷"), ("程式碼", "代碼"), ("許可權", "權限"), ("髮放", "發放"))


@lru_cache(maxsize=1)
def _to_traditional() -> Any:
    import opencc  # about a tenth of a second and tens of MB: only when asked

    words, chars = opencc.OpenCC("s2twp"), opencc.OpenCC("s2t")

    def convert(text: str) -> str:
        out = chars.convert(words.convert(text))
        while (again := chars.convert(out)) != out:
            out = again
        for wrong, right in TAIWAN_WORD_FIXES:
            out = out.replace(wrong, right)
        return out

    return convert


def traditional(text: str) -> str:
    """简体 → 繁體 as the zh_TW catalogue writes it: Taiwan's words and forms (s2twp), then
    OpenCC's standard characters (s2t) where the two differ, so s2t leaves it unchanged."""
    return _to_traditional()(text) if text else text


def localised(text: str, lang: str | None) -> str:
    """Text written in 简体 (demo data, a default name) as a `lang` reader expects it."""
    return traditional(text) if normalise(lang) == "zh_TW" else text
