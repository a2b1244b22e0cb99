"""The command lines' parser, in the reader's language: argparse's own words too.

argparse writes "usage:", "the following arguments are required", "invalid choice" … with
its module's ``_`` and ``ngettext`` (gettext's, in Python's own domain, which has no
Chinese). ``Parser`` is an ``argparse.ArgumentParser`` that speaks --lang: while it
builds itself, parses, writes its help or says an error, those two names in argparse's
module read from memberdesk's catalogue in its language, and are put back afterwards
(whatever else runs in the process, pytest's own parser say, keeps argparse's English).
Its subcommands' parsers are ``Parser``s in the same language.

The texts are argparse's message ids of Python 3.11 to 3.13 (they differ a little between
releases: a msgid a release does not use costs nothing); those that only a programmer
meets (a parser built wrongly) stay in English. Exit codes are argparse's: 2 for a
command line it cannot take, 0 after --help.
"""

from __future__ import annotations

import argparse
import functools
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .core.i18n import DEFAULT_LANG, N_, normalise, translations

# argparse's message ids (its own %-placeholders: argparse fills them), as Python 3.11,
# 3.12 and 3.13 write them.
ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("%(prog)s: error: %(message)s\n"),
    N_("%(prog)s: warning: %(message)s\n"),
    N_("%(heading)s:"),
    N_(" (default: %(default)s)"),
    N_("positional arguments"),
    N_("options"),
    N_("subcommands"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("expected %s argument"),
    N_("expected %s arguments"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_('argument "-" with mode %r'),
    N_("command '%(parser_name)s' is deprecated"),
    N_("option '%(option)s' is deprecated"),
    N_("argument '%(argument_name)s' is deprecated"),
)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse's texts in `lang` for the time of the block (nested blocks are undone in
    turn)."""
    catalogue = translations(normalise(lang))

    def ngettext(singular: str, plural: str, n: int) -> str:
        return catalogue.gettext(singular if n == 1 else plural)

    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = catalogue.gettext, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def _in_its_language(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: Parser, *args: Any, **kwargs: Any) -> Any:
        with speaking(self.lang):
            return method(self, *args, **kwargs)

    return wrapper


def _columns(text: str) -> int:
    """How many columns `text` takes in a terminal (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Formatter(argparse.HelpFormatter):
    """argparse's help, its usage lines wrapped under the command whatever the width of
    "用法：" (argparse counts characters: a Chinese one takes two columns)."""

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        if prefix is None:
            prefix = argparse._("usage: ")
        if not prefix:
            return super()._format_usage(usage, actions, groups, prefix)
        stand_in = "\0" * _columns(prefix)
        text = super()._format_usage(usage, actions, groups, stand_in)
        return text.replace(stand_in, prefix, 1)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts (usage, errors, help headings) are in `lang`."""

    def __init__(self, *args: Any, lang: str = DEFAULT_LANG, **kwargs: Any) -> None:
        self.lang = normalise(lang)
        kwargs.setdefault("formatter_class", _Formatter)
        with speaking(self.lang):  # the help option's text and the groups' titles
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", functools.partial(type(self), lang=self.lang))
        with speaking(self.lang):
            return super().add_subparsers(**kwargs)

    add_argument = _in_its_language(argparse.ArgumentParser.add_argument)
    parse_args = _in_its_language(argparse.ArgumentParser.parse_args)
    parse_known_args = _in_its_language(argparse.ArgumentParser.parse_known_args)
    parse_intermixed_args = _in_its_language(argparse.ArgumentParser.parse_intermixed_args)
    parse_known_intermixed_args = _in_its_language(
        argparse.ArgumentParser.parse_known_intermixed_args
    )
    format_usage = _in_its_language(argparse.ArgumentParser.format_usage)
    format_help = _in_its_language(argparse.ArgumentParser.format_help)
    error = _in_its_language(argparse.ArgumentParser.error)
