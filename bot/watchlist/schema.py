"""The typed watchlist: what the YAML files mean once loaded and checked.

Every item keeps the :class:`Mark` (file, line, column) it came from, so any later complaint
(a warning, an ``explain`` line, an X rule that failed) can point the admin at the right line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.models import Severity

Level = Literal["error", "warning"]
Role = Literal["terms", "require", "exclude"]
SEVERITIES: tuple[Severity, ...] = ("urgent", "routine")
PLATFORMS = ("x",)


@dataclass(frozen=True, order=True)
class Mark:
    """A position in a watchlist file; ``line`` and ``column`` count from 1."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning, printed as ``file:line:column: message``."""

    mark: Mark
    message: str
    level: Level = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.level == "warning" else ""
        return f"{self.mark}: {prefix}{self.message}"


@dataclass(frozen=True)
class Term:
    """One word or phrase. ``text`` is as written (``russe*`` keeps its star)."""

    text: str
    mark: Mark
    case_sensitive: bool = False
    arabic_article: bool | None = None
    """Also match an Arabic word with the article ال (and لل); None: the short-word guard decides
    (:func:`bot.watchlist.variants.article_allowed`)."""

    @property
    def prefix(self) -> bool:
        return self.text.endswith("*")

    @property
    def body(self) -> str:
        """The term without its prefix star."""
        return self.text[:-1] if self.prefix else self.text


def default_label(name: str) -> str:
    """``burkina_faso`` → ``Burkina Faso``."""
    return name.replace("_", " ").replace("-", " ").title()


@dataclass(frozen=True)
class Topic:
    name: str
    mark: Mark
    description: str = ""
    severity: Severity = "routine"
    terms: tuple[Term, ...] = ()
    label: str = ""
    """What alerts and digests call the topic; empty: the name title-cased (:attr:`shown`)."""
    internal: bool = False
    """Never named in alerts or digests (a helper topic, e.g. ``ambiguous_places``)."""
    require: tuple[Term, ...] = ()
    exclude: tuple[Term, ...] = ()
    extends: bool = False  # from ``more_terms``: terms added to the topic of that name in another file

    @property
    def shown(self) -> str | None:
        """The name readers see: the label, else the name title-cased; None when internal."""
        return None if self.internal else self.label or default_label(self.name)

    def role(self, role: Role) -> tuple[Term, ...]:
        return {"terms": self.terms, "require": self.require, "exclude": self.exclude}[role]


@dataclass(frozen=True)
class Account:
    """An account to follow on ``platform`` (only ``x`` so far)."""

    platform: str
    handle: str
    mark: Mark


@dataclass(frozen=True)
class Watchlist:
    topics: tuple[Topic, ...] = ()
    accounts: tuple[Account, ...] = ()
    files: tuple[str, ...] = ()

    def topic(self, name: str) -> Topic:
        return next(t for t in self.topics if t.name == name)

    def handles(self, platform: str = "x") -> list[str]:
        """Account handles for ``platform``, in file order, without repeats."""
        return list(dict.fromkeys(a.handle for a in self.accounts if a.platform == platform))


@dataclass(frozen=True)
class Checked:
    """The result of checking a directory: a watchlist only when there are no errors."""

    watchlist: Watchlist | None
    problems: tuple[Problem, ...] = field(default=())

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "warning")
