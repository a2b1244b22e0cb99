"""The message catalogue matches the code: every marked text is in the template and
translated in every language with the same placeholders, 繁體 is Traditional as OpenCC
reads it, and the shipped .mo files are what the .po files compile to."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import opencc
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from memberdesk.core import i18n
from memberdesk.core.errors import MESSAGES, DomainError

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "src" / "memberdesk" / "locale"
sys.path.insert(0, str(ROOT / "tools"))
import catalogue  # noqa: E402  (tools/catalogue.py: the extraction the maintainers run)

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")


def _po(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "memberdesk.po").open("rb") as fp:
        return read_po(fp, locale=lang)


@pytest.fixture(scope="module")
def extracted():
    return {m.id for m in catalogue.extract() if m.id}


def test_the_template_holds_every_text_the_code_marks(extracted):
    with (LOCALE / "memberdesk.pot").open("rb") as fp:
        template = {m.id for m in read_po(fp) if m.id}
    assert extracted - template == set(), "run tools/catalogue.py"
    assert template - extracted == set(), "texts no longer used: run tools/catalogue.py"


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_language_has_every_message_with_its_placeholders(extracted, lang):
    po = _po(lang)
    ids = {m.id for m in po if m.id}
    assert extracted - ids == set(), f"{lang}: missing, run tools/catalogue.py"
    for m in po:
        if not m.id:
            continue
        if lang != "en":
            assert m.string, f"{lang}: untranslated: {m.id!r}"
        if m.string:
            assert i18n.placeholders(m.string) == i18n.placeholders(m.id), (lang, m.id, m.string)
            assert not m.fuzzy, (lang, m.id)


def test_the_english_catalogue_has_no_chinese():
    for m in _po("en"):
        assert not CJK.search(m.string or m.id or ""), m.id


def test_traditional_chinese_is_what_opencc_calls_traditional():
    s2t = opencc.OpenCC("s2t")
    still = [(m.id, m.string) for m in _po("zh_TW") if m.id and s2t.convert(m.string) != m.string]
    assert still == []


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_compiled_catalogues_are_current(lang):
    out = io.BytesIO()
    write_mo(out, _po(lang))
    assert (LOCALE / lang / "LC_MESSAGES" / "memberdesk.mo").read_bytes() == out.getvalue(), (
        "run tools/catalogue.py"
    )


def test_every_error_code_reads_in_every_language():
    for code in MESSAGES:
        error = DomainError(code)
        for lang in i18n.LANGS:
            text = error.message(lang)  # unfilled placeholders stay, but nothing raises
            assert text
        assert error.message("en") == MESSAGES[code]


def test_languages_and_placeholders():
    assert [i18n.normalise(x) for x in ("zh", "zh-CN", "zh_TW", "zh-Hant", "en_US", "fr", None)] == [
        "zh_CN", "zh_CN", "zh_TW", "zh_TW", "en", "zh_CN", "zh_CN",
    ]  # fmt: skip
    role = i18n.Message("Manager")
    assert i18n.translate("{name} ({role}) may not {action}; a manager or owner must authorise it",
                          "en", name="A", role=role, action=i18n.Message("refund")) == (
        "A (Manager) may not refund; a manager or owner must authorise it"
    )  # fmt: skip
    zh_tw = DomainError("permission.denied", name="小美", role=role, action=i18n.Message("refund"))
    assert "店長" in zh_tw.message("zh_TW") and "店长" in zh_tw.message("zh")
    # A message kept as data reads back in any language.
    kept = i18n.from_data(i18n.to_data(i18n.Message("month {month}", month=i18n.Message("x"))))
    assert kept.text("zh_CN") == "x月"


# The sync page calls what head office gives a till its address, this till's number and
# an access code (接入码) kept in this computer's secure storage (安全存储); the till's other
# texts (the sync command's, core's refusals the window shows) say the same, and name the
# program by its file name only in a command the reader types.
BACKROOM = re.compile(r"令牌|密钥环|密钥库|钥匙串|密鑰環|金鑰庫|鑰匙串")
NOT_A_COMMAND = re.compile(r"memberdesk(?!-hq )(?! +-{0,2}[a-z])")
HELP_HEADING = "memberdesk member till"  # --help's heading above the commands it lists


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_the_tills_texts_speak_of_access_codes_and_name_the_program_only_in_commands(lang):
    wrong = []
    for m in _po(lang):
        if not m.id or m.id == HELP_HEADING:
            continue
        at_hq = any("memberdesk/hq/" in path for path, _line in m.locations)
        # head office hands out the same 接入码; its tool may name its own commands freely
        if BACKROOM.search(m.string) or (not at_hq and NOT_A_COMMAND.search(m.string)):
            wrong.append((m.id, m.string))
    assert wrong == []
    refused = DomainError("sync.token_refused")
    assert refused.message(lang).startswith(
        {"zh_CN": "总部不接受本收银台的接入码", "zh_TW": "總部不接受本收銀臺的接入碼"}[lang]
    )
    assert "本软件之外" in DomainError("sync.unsealed", url="https://hq").message("zh_CN")
