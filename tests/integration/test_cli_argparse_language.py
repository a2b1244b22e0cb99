"""A command line mistyped gets argparse's own answer in the user's language: "用法：…",
"错误：缺少必需的参数：…", "无效的选项 …" in 简体 (the default) and 繁體, argparse's
English with --lang en, and argparse's exit code 2 in each; --help's headings too. Run as
a shop owner or an HQ operator runs them: the real commands in a process of their own."""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import opencc
import pytest

from memberdesk.arguments import ARGPARSE_TEXTS
from memberdesk.cli import main
from memberdesk.core.i18n import gettext

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")
ENGLISH = ("usage:", "error:", "required", "invalid choice", "unrecognized", "expected one")


@pytest.fixture
def run(tmp_path: Path):
    env = {**os.environ}
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env[var] = str(tmp_path / var.lower())
    env.pop("MEMBERDESK_DB", None)
    env.pop("MEMBERDESK_HQ_DB", None)
    src = str(Path(__file__).resolve().parents[2] / "src")  # this checkout's package
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)

    def command(module: str, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", module, *argv], capture_output=True, text=True,
            encoding="utf-8", timeout=120, env=env, cwd=tmp_path,
        )  # fmt: skip

    return command


def unquoted(text: str) -> str:
    """Without quotes: Python 3.11 quotes the choices argparse lists, 3.13 does not."""
    return text.replace("'", "")


def chinese_usage_error(done: subprocess.CompletedProcess[str], prog: str) -> str:
    """A usage error as argparse says it, in Chinese: exit code 2, nothing on stdout, the
    usage line and the error on stderr; returns the error line."""
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"用法：{prog} "), done.stderr
    for english in ENGLISH:
        assert english not in done.stderr, done.stderr
    return done.stderr.strip().splitlines()[-1]


def test_a_missing_argument_and_a_wrong_choice_are_said_in_chinese(run) -> None:
    line = chinese_usage_error(run("memberdesk", "find"), "memberdesk find")
    assert line == "memberdesk find：错误：缺少必需的参数：query"
    line = chinese_usage_error(run("memberdesk", "import", "people", "x.csv"), "memberdesk import")
    assert (
        unquoted(line) == "memberdesk import：错误：参数 what：无效的选项 people（可选：members）"
    )
    line = chinese_usage_error(run("memberdesk", "demo", "--members"), "memberdesk demo")
    assert line == "memberdesk demo：错误：参数 --members：后面须跟一个值"
    line = chinese_usage_error(run("memberdesk", "find", "张三", "李四"), "memberdesk")
    assert line == "memberdesk：错误：无法识别的参数：李四"
    line = chinese_usage_error(run("memberdesk", "--lang", "zh_CN", "nothing"), "memberdesk")
    assert unquoted(line).startswith(
        "memberdesk：错误：参数 command：无效的选项 nothing（可选：check, "
    )


def test_traditional_chinese_and_english_each_get_their_own(run) -> None:
    done = run("memberdesk", "--lang", "zh_TW", "import", "people", "x.csv")
    assert done.returncode == 2
    assert done.stderr.startswith("用法：memberdesk import ")
    assert "memberdesk import：錯誤：引數 what：無效的選項 people（可選：members）" in unquoted(
        done.stderr
    )
    assert opencc.OpenCC("s2t").convert(done.stderr) == done.stderr  # 繁體 throughout
    done = run("memberdesk", "--lang", "en", "import", "people", "x.csv")
    assert done.returncode == 2 and not CJK.search(done.stderr)
    assert done.stderr.startswith("usage: memberdesk import ")
    assert "memberdesk import: error: argument what: invalid choice: 'people'" in done.stderr
    done = run("memberdesk", "--lang", "en", "find")
    assert done.returncode == 2 and not CJK.search(done.stderr)
    assert "error: the following arguments are required: query" in done.stderr


def test_head_office_commands_too(run) -> None:
    hq = "memberdesk.hq.cli"
    line = chinese_usage_error(run(hq, "totals", "--store", "S001"), "memberdesk-hq totals")
    assert line == "memberdesk-hq totals：错误：缺少必需的参数：--day"
    line = chinese_usage_error(run(hq, "chain", "set", "--scope", "all"), "memberdesk-hq chain set")
    assert (
        unquoted(line)
        == "memberdesk-hq chain set：错误：参数 --scope：无效的选项 all（可选：store, chain）"
    )
    # An error the command says after parsing, through argparse, is Chinese all through.
    line = chinese_usage_error(
        run(hq, "add-terminal", "--db", "hq.sqlite"), "memberdesk-hq add-terminal"
    )
    assert line.startswith("memberdesk-hq add-terminal：错误：")
    done = run(hq, "--lang", "en", "chain", "set", "--scope", "all")
    assert done.returncode == 2 and not CJK.search(done.stderr)
    assert "error: argument --scope: invalid choice: 'all'" in done.stderr
    done = run(hq, "totals", "--store", "S001", "--lang", "en")  # the language after the command
    assert (
        done.returncode == 2 and "error: the following arguments are required: --day" in done.stderr
    )


def test_help_is_in_the_users_language_and_exits_0(run) -> None:
    done = run("memberdesk", "find", "--help")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("用法：memberdesk find ")
    assert "显示本帮助并退出" in done.stdout and "选项" in done.stdout and "位置参数" in done.stdout
    assert "usage" not in done.stdout and "options" not in done.stdout
    done = run("memberdesk.hq.cli", "--lang", "zh_TW", "--help")
    assert done.returncode == 0 and done.stdout.startswith("用法：memberdesk-hq ")
    assert "顯示此說明並退出" in done.stdout and "選項" in done.stdout
    done = run("memberdesk", "--lang", "en", "find", "--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: memberdesk find ")
    assert "show this help message and exit" in done.stdout and not CJK.search(done.stdout)


def test_a_long_usage_wraps_under_the_command_in_chinese(run) -> None:
    """ "用法：" is three characters but six columns: the usage's later lines still start
    under the command's first option, as in English."""
    lines = run("memberdesk.hq.cli", "chain", "set", "--scope", "all").stderr.splitlines()
    first, second = lines[0], lines[1]
    assert first.startswith("用法：memberdesk-hq chain set [-h]")
    column = len("用法：memberdesk-hq chain set ") + len("用法：")  # each of 用法： takes two
    assert len(second) - len(second.lstrip()) == column, lines[:2]
    assert second.lstrip().startswith("[")


def test_argparse_speaks_english_again_after_a_chinese_command(capsys) -> None:
    """The routing is for the command's own parser only: whatever else in the process uses
    argparse (a test runner, a tool) keeps its English."""
    with pytest.raises(SystemExit) as refused:
        main(["find"])
    assert refused.value.code == 2
    assert "缺少必需的参数" in capsys.readouterr().err
    other = argparse.ArgumentParser(prog="other")
    assert other.format_usage() == "usage: other [-h]\n"
    with pytest.raises(SystemExit):
        other.parse_args(["--nope"])
    assert "other: error: unrecognized arguments: --nope" in capsys.readouterr().err


# argparse's texts that only the author of a parser meets (a parser built wrongly).
FOR_PROGRAMMERS = {
    "%r is not callable", "'required' is an invalid argument for positionals",
    ".__call__() not defined", "cannot have multiple subparser arguments",
    "cannot merge actions - two groups are named %r", "conflicting option string: %s",
    "conflicting option strings: %s", "conflicting subparser alias: %s",
    "conflicting subparser: %s", "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "mutually exclusive arguments must be optional",
}  # fmt: skip


def test_every_text_of_this_pythons_argparse_is_translated() -> None:
    """What this Python's argparse says through gettext, read from its source: each text a
    user can meet is in the catalogue (a newer Python's new texts are named here)."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    said = {
        arg.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "ngettext")
        for arg in node.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    }  # fmt: skip
    assert "usage: " in said and "the following arguments are required: %s" in said
    assert said - FOR_PROGRAMMERS - set(ARGPARSE_TEXTS) == set()


PERCENT = re.compile(r"%(?:\(\w+\))?[sr]")


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_argparse_texts_keep_their_placeholders(lang: str) -> None:
    for msgid in ARGPARSE_TEXTS:
        text = gettext(msgid, lang)
        assert text != msgid and CJK.search(text), (lang, msgid)
        assert sorted(PERCENT.findall(text)) == sorted(PERCENT.findall(msgid)), (lang, msgid)
        assert text.endswith("\n") == msgid.endswith("\n"), (lang, msgid)
