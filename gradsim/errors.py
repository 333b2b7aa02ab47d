"""Errors as data: a message is an English template with numbered arguments, not a string.

The core raises errors whose :class:`Message` keeps the template (``"%1 = %2: must be %3
(%4)"``) apart from its arguments (the field, the value, the rule, a reason, another
message). ``str()`` renders the English text, which the command line prints; the app
translates the template and each argument in its own language (``gradsim.app.i18n``)
without ever parsing the English text.

Arguments are rendered by kind:

* a plain ``str`` (a path, a value, a name) stays as it is, in every language;
* :class:`Reason` is a short reason (an OS ``strerror`` or one of the core's own) that a
  front end may translate as a whole;
* :class:`FieldRule` / :class:`FieldDescription` name a config field, whose allowed range
  and meaning a front end rebuilds from the field's spec;
* a :class:`Message` or an exception with ``messages`` (a nested error) renders recursively.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["Message", "Reason", "FieldRule", "FieldDescription", "render", "messages_of"]

_PLACEHOLDER = re.compile(r"%(\d)")


@dataclass(frozen=True)
class Reason:
    """A short reason (``"Permission denied"``, ``"is a folder"``), translated as a whole."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class FieldRule:
    """What a config field allows (``"a number > 0 and ≤ 10"``), by the field's name."""

    field: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class FieldDescription:
    """What a config field means (``"learning rate"``), by the field's name."""

    field: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Message:
    """One line of an error: an English ``template`` with ``%1``…``%9`` and its ``args``.

    ``field``, ``value`` and ``rule`` are set on a message about one config field, so that
    a caller can ask which field was wrong without reading the text.
    """

    template: str
    args: tuple[Any, ...] = ()
    field: str | None = None
    value: Any = None
    rule: str | None = None

    def render(self, template: Callable[[str], str] | None = None,
               arg: Callable[[Any], str] | None = None) -> str:
        """The text, with ``template`` translating the template and ``arg`` rendering each
        argument (defaults: English, ``str``). Substitution is one pass, so an argument that
        contains ``%2`` (a path) stays as it is."""
        text = template(self.template) if template else self.template
        values = [arg(a) if arg else render(a) for a in self.args]
        return _PLACEHOLDER.sub(lambda m: values[int(m.group(1)) - 1] if 0 < int(m.group(1)) <= len(values)
                                else m.group(0), text)

    def __str__(self) -> str:
        return self.render()


def messages_of(obj: Any) -> tuple[Message, ...] | None:
    """The messages an error (or a message) carries, or None for anything else."""
    if isinstance(obj, Message):
        return (obj,)
    found = getattr(obj, "messages", None)
    if isinstance(found, tuple) and all(isinstance(m, Message) for m in found):
        return found
    return None


def render(obj: Any, template: Callable[[str], str] | None = None,
           arg: Callable[[Any], str] | None = None) -> str:
    """``obj`` as text: an error's or message's lines joined by newlines, anything else ``str``."""
    msgs = messages_of(obj)
    if msgs is None:
        return str(obj)
    return "\n".join(m.render(template, arg) for m in msgs)


def lines(items: Iterable[Message]) -> tuple[Message, ...]:
    """A tuple of messages (for an error with one line per bad field)."""
    return tuple(items)
