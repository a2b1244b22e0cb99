"""`--lang zh_TW` and `--lang en` as a new user tries them: the messages, reports, files,
receipts, call sheets, cards and SMS texts of a demo shop. 繁體 output has no character
OpenCC's s2t would still change; English output has no Chinese but the shop's own data."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import opencc
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from memberdesk.cli import main
from memberdesk.core.followups.lists import Period, followup_list
from memberdesk.core.followups.sms import sms_for_list
from memberdesk.core.shop.details import shop_info
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, SaleLine, Staff
from memberdesk.hq.cli import main as hq_main

S2T = opencc.OpenCC("s2t")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


def traditional(text: str) -> list[str]:
    """The characters s2t would still change (none, for 繁體 text)."""
    return sorted({a for a, b in zip(text, S2T.convert(text), strict=True) if a != b})


def data_of(db: Path) -> list[str]:
    """What the shop typed itself (names, items, notes): allowed in any language."""
    with Store(db) as store, store.read() as s:
        words = [*s.scalars(select(Member.name)), *s.scalars(select(Member.notes)),
                 *s.scalars(select(Staff.name)), *s.scalars(select(SaleLine.description))]  # fmt: skip
        shop = shop_info(s)
        words += [shop.name, shop.address, shop.footer]
    return sorted({w for w in words if w}, key=len, reverse=True)


def without_data(text: str, data: list[str]) -> str:
    for word in data:
        text = text.replace(word, "")
    return text


def runs(db: Path, lang: str, tmp: Path, capsys) -> Iterator[tuple[str, str]]:
    """Every command a new user would try, as (command, what it printed)."""

    def run(*args: str, code: int | None = 0) -> str:
        got = main(["--db", str(db), "--lang", lang, *args])
        out, err = capsys.readouterr()
        assert code is None or got == code, (args, got, out, err)
        assert "Traceback" not in out + err
        return out + err

    yield "check", run("check")
    yield "jobs", run("jobs")
    with Store(db) as store, store.read() as s:
        member = s.scalars(select(Member).limit(1)).one()
        card, last4 = member.card_no, member.phone[-4:]
    yield "find card", run("find", card)
    yield "find phone", run("find", last4, code=None)
    yield "find nobody", run("find", "zzzz", code=1)
    headers = {"zh_TW": ["姓名", "手機號", "生日", "等級", "狀態"], "en": ["Name", "Mobile", "Birthday", "Tier", "Status"]}[lang]  # fmt: skip
    sheet = tmp / f"import-{lang}.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([
            headers,
            ["Lee", "12345", "1990-01-01", "", ""],  # a bad phone
            ["Chan", "13912345678", "1990-02-30", "", ""],  # no such day
            ["Wong", "13912345679", "", "Platinum", ""],  # no such tier
            ["Ho", "13912345680", "", "", "frozen"],  # a new member must be active
            ["", "13912345681", "", "", ""],  # no name
            ["Ng", "13912345682", "", "", "lost?"],  # no such status
        ])  # fmt: skip
    yield "import", run("import", "members", str(sheet), "--dry-run", code=3)
    exported = tmp / f"members-{lang}.csv"
    run("export", "members", str(exported))
    yield "export file", exported.read_text(encoding="utf-8-sig")
    yield "sync status", run("sync", "status")
    yield "sync push refused", run("sync", "push", code=2)
    yield "receipt refused", run("receipt", "NOPE-1", "--printer", "dummy", code=2)
    yield "receipt", run("receipt", "--last", "--printer", "dummy")
    yield "printer", run("printer", "show")
    yield "test page", run("printer", "test", "--printer", "dummy")
    yield "calls", run("calls", "counts")
    for kind in ("birthdays", "dormant", "new"):
        pdf = tmp / f"{kind}-{lang}.pdf"
        yield f"callsheet {kind}", run("callsheet", kind, "--from", "2024-01-01", "--to", "2030-12-31", "-o", str(pdf))  # fmt: skip
        yield f"callsheet {kind} pdf", "".join(p.extract_text() for p in PdfReader(pdf).pages)
        sheet_file = tmp / f"{kind}-{lang}.csv"
        run("callsheet", kind, "--from", "2024-01-01", "--to", "2030-12-31", "-o", str(sheet_file))
        yield f"callsheet {kind} csv", sheet_file.read_text(encoding="utf-8-sig")
    cards = tmp / f"cards-{lang}.pdf"
    yield "cards", run("cards", "--new-since", "2000-01-01", "-o", str(cards))
    yield "cards pdf", "".join(p.extract_text() for p in PdfReader(cards).pages)
    yield "bad month", run("callsheet", "dormant", "--month", "2026-13", "-o", str(cards), code=2)


@pytest.fixture(scope="module")
def traditional_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("tw") / "shop.sqlite"
    assert main(["--db", str(db), "--lang", "zh_TW", "demo", "--members", "60"]) == 0
    return db


def test_traditional_chinese_everywhere(traditional_shop: Path, tmp_path: Path, capsys) -> None:
    seen = {}
    for command, text in runs(traditional_shop, "zh_TW", tmp_path, capsys):
        assert traditional(text) == [], (command, text)
        seen[command] = text
    assert "檢查通過" in seen["check"]
    assert "手機號 12345 不是有效的中國大陸手機號" in seen["import"]
    assert (
        "沒有這個會員等級：Platinum（現有：積分會員、普通卡、銀卡、金卡、鑽石卡）" in seen["import"]
    )
    assert "尚未設定同步" in seen["sync push refused"]
    assert "小票號" in seen["receipt"] or "小票號" in seen["receipt"].replace(" ", "")
    assert "卡號,姓名,手機號" in seen["export file"] and "積分會員" in seen["export file"]
    assert "normal" not in seen["export file"] and "active" not in seen["export file"]
    assert (
        "第 1 / " in seen["callsheet dormant pdf"]
        and "沉睡會員喚醒" in seen["callsheet dormant pdf"]
    )
    assert "會員會員" not in seen["cards pdf"] and "積分會員" in seen["cards pdf"]


def test_traditional_sms_texts(traditional_shop: Path) -> None:
    with Store(traditional_shop) as store:
        texts = []
        for kind in ("birthdays", "dormant", "new", "bigspend", "dropping"):
            fl = followup_list(
                store, kind, Period(date(2020, 1, 1), date(2030, 12, 31)), lang="zh_TW"
            )
            texts += [m.text for m in sms_for_list(store, fl)]
    assert texts and all(traditional(t) == [] for t in texts), [t for t in texts if traditional(t)]
    assert not any("會員會員" in t for t in texts)
    assert any("感謝您成為我們的積分會員" in t for t in texts)  # not 積分會員會員


def test_english_has_no_chinese_but_the_shops_data(tmp_path: Path, capsys) -> None:
    db = tmp_path / "en.sqlite"
    assert main(["--db", str(db), "--lang", "en", "demo", "--members", "60"]) == 0
    capsys.readouterr()
    data = data_of(db)
    seen = {}
    for command, text in runs(db, "en", tmp_path, capsys):
        rest = without_data(text, data)
        if command == "test page":  # the page prints Chinese on purpose: it tests the printer
            sample = set("中文：会员收银台 测试打印，标点“引号”（括号）。汉")
            rest = "".join(ch for ch in rest if ch not in sample)  # wrapped over lines
        assert not CJK.search(rest), (command, CJK.findall(rest)[:20], text[:2000])
        seen[command] = text
    assert "check passed" in seen["check"]
    assert "12345 is not a valid mainland China mobile number" in seen["import"]
    assert "Card no.,Name,Mobile" in seen["export file"] and "Points member" in seen["export file"]
    assert "Points member member" not in seen["cards pdf"]


def test_head_office_commands_in_each_language(tmp_path: Path, capsys) -> None:
    db = ["--db", str(tmp_path / "hq.sqlite")]
    out = {}
    for lang in ("zh_TW", "en"):
        code = hq_main(["--lang", lang, "add-store", f"S-{lang}", *db])
        assert code == 0
        assert hq_main(["add-store", f"S-{lang}", "--lang", lang, *db]) == 2  # exists already
        assert hq_main(["--lang", lang, "add-terminal", "--store", f"S-{lang}", *db]) == 0
        assert hq_main(["--lang", lang, "terminals", *db]) == 0
        assert hq_main(["--lang", lang, "totals", "--store", f"S-{lang}", "--day", "2026-03-10", *db]) == 0  # fmt: skip
        out[lang] = "".join(capsys.readouterr())
    assert traditional(out["zh_TW"]) == [] and "門店 S-zh_TW 已存在" in out["zh_TW"]
    assert not CJK.search(out["en"]) and "store S-en already exists" in out["en"]
