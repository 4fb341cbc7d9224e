"""Compile a watchlist into filtered-stream rules (or search queries) within the tier's limits.

Each topic's term atoms are OR-packed into as few rules as fit ``max_length``; a topic's
``require`` group is ANDed on and its ``exclude`` terms negated when X can express them
without dropping posts our matcher would keep. Accounts become ``from:`` clauses (numeric
ids when resolved). Every rule is tagged ``sahelwatch:<topic>:<n>``. What does not fit (an
atom longer than a rule, rules beyond ``max_rules``) is listed in ``left_out``; nothing is
dropped silently. X's matching is only a pre-filter: SahelWatch's matcher decides topics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.sources.x.atoms import atoms_for, exact_atoms, negated, unique
from bot.watchlist.schema import Topic, Watchlist

TAG_PREFIX = "sahelwatch:"
ACCOUNTS = "accounts"


@dataclass(frozen=True)
class Limits:
    """The tier's rule limits (pay-per-use defaults; reference §6). Search queries: 512 characters."""

    max_rules: int = 1000
    max_length: int = 1024


@dataclass(frozen=True)
class Rule:
    value: str
    tag: str


@dataclass(frozen=True)
class LeftOut:
    topic: str
    term: str
    reason: str


@dataclass(frozen=True)
class Compiled:
    rules: tuple[Rule, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    notes: tuple[str, ...] = ()

    def pairs(self) -> set[tuple[str, str]]:
        return {(r.value, r.tag) for r in self.rules}


@dataclass
class _Draft:
    limits: Limits
    rules: list[Rule] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def render(atoms: Sequence[str], suffix: str = "") -> str:
    group = atoms[0] if len(atoms) == 1 else "(" + " OR ".join(atoms) + ")"
    return f"{group} {suffix}" if suffix else group


def pack(atoms: Sequence[str], suffix: str, max_length: int) -> tuple[list[str], list[str]]:
    """Greedy OR-packing: the rule values, and the atoms that fit no rule on their own."""
    values: list[str] = []
    too_long: list[str] = []
    current: list[str] = []
    for atom in atoms:
        if len(render([*current, atom], suffix)) <= max_length:
            current.append(atom)
        elif len(render([atom], suffix)) > max_length:
            too_long.append(atom)
        else:
            values.append(render(current, suffix))
            current = [atom]
    if current:
        values.append(render(current, suffix))
    return values, too_long


def _suffix(topic: Topic, draft: _Draft) -> str:
    parts = []
    required = exact_atoms(topic.require) if topic.require else []
    if required is None:
        draft.notes.append(
            f"{topic.name}: 'require' is not applied on X (prefix or Arabic terms); the matcher still applies it"
        )
    elif required:
        parts.append(render(unique(required)))
    parts += negated(topic.exclude)
    suffix = " ".join(parts)
    if len(suffix) > draft.limits.max_length // 2:
        draft.notes.append(f"{topic.name}: require/exclude too long for a rule; sent without them")
        return ""
    return suffix


def _add(draft: _Draft, topic: str, atoms: Sequence[str], suffix: str, owners: Mapping[str, str]) -> None:
    values, too_long = pack(atoms, suffix, draft.limits.max_length)
    for atom in too_long:
        draft.left_out.append(
            LeftOut(topic, owners.get(atom, atom), f"longer than {draft.limits.max_length} characters on its own")
        )
    for n, value in enumerate(values, start=1):
        draft.rules.append(Rule(value, f"{TAG_PREFIX}{topic}:{n}"))


def _topic(draft: _Draft, topic: Topic) -> None:
    owners: dict[str, str] = {}
    for term in topic.terms:
        found = atoms_for(term)
        if not found.atoms:
            draft.left_out.append(LeftOut(topic.name, term.text, "nothing left to send after cleaning"))
        if found.approximate:
            draft.notes.append(f"{topic.name}: {found.approximate}")
        for atom in found.atoms:
            owners.setdefault(atom, term.text)
    _add(draft, topic.name, unique(owners), _suffix(topic, draft), owners)


def account_atoms(handles: Sequence[str], ids: Mapping[str, str]) -> dict[str, str]:
    """``from:<id>`` for resolved handles (ids survive renames), ``from:<handle>`` otherwise → handle."""
    owners: dict[str, str] = {}
    for handle in handles:
        owners.setdefault(f"from:{ids.get(handle.casefold(), handle)}", handle)
    return owners


def compile_rules(
    watchlist: Watchlist, limits: Limits = Limits(), account_ids: Mapping[str, str] | None = None
) -> Compiled:
    """The rules for ``watchlist``; ``account_ids`` maps casefolded handles to X user ids."""
    draft = _Draft(limits)
    handles = watchlist.handles("x")
    if handles:
        owners = account_atoms(handles, account_ids or {})
        _add(draft, ACCOUNTS, unique(owners), "", owners)
    for topic in watchlist.topics:
        _topic(draft, topic)
    kept, over = draft.rules[: limits.max_rules], draft.rules[limits.max_rules :]
    left = [
        LeftOut(r.tag.removeprefix(TAG_PREFIX).rsplit(":", 1)[0], r.value, f"over the {limits.max_rules}-rule limit")
        for r in over
    ]
    return Compiled(tuple(kept), tuple(draft.left_out + left), tuple(dict.fromkeys(draft.notes)))


def is_ours(tag: str | None) -> bool:
    return bool(tag) and str(tag).startswith(TAG_PREFIX)
