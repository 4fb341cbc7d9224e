"""Compile a watchlist into filtered-stream rules (or search queries) within the tier's limits.

Each topic's term atoms are OR-packed into as few rules as fit ``max_length``; a topic's
``require`` group is ANDed on and its ``exclude`` terms negated when X can express them
without dropping posts our matcher would keep. Accounts become ``from:`` clauses (numeric
ids when resolved). Every rule is tagged ``sahelwatch:<topic>:<n>``. What does not fit (an
atom longer than a rule, rules beyond ``max_rules``) is listed in ``left_out``; nothing is
dropped silently. Prefix terms are expanded into inflected forms (:mod:`bot.sources.x.terms`)
unless that would exceed ``max_rules``; then they go as their stems and a note says so.
``terms`` maps each term to its atoms and rules, and to what SahelWatch's matcher still catches
only when X sends the post for another reason. X's matching is only a pre-filter: SahelWatch's
matcher decides topics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from bot.sources.x.terms import atoms_for, exact_atoms, matcher_only, negated, unique
from bot.watchlist.schema import Term, Topic, Watchlist

TAG_PREFIX = "sahelwatch:"
ACCOUNTS = "accounts"


@dataclass(frozen=True)
class Limits:
    """The tier's rule limits (pay-per-use defaults; https://docs.x.com/x-api/posts/filtered-stream/introduction).
    Search queries: 512 characters."""

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
class TermRule:
    """How one watchlist term reaches X: the atoms asked for, the rules carrying them, and what
    SahelWatch's matcher catches only if X sends the post (``matcher_only``)."""

    topic: str
    term: str
    mark: str
    atoms: tuple[str, ...]
    tags: tuple[str, ...]
    matcher_only: tuple[str, ...]


@dataclass(frozen=True)
class Compiled:
    rules: tuple[Rule, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    notes: tuple[str, ...] = ()
    terms: tuple[TermRule, ...] = ()

    def pairs(self) -> set[tuple[str, str]]:
        return {(r.value, r.tag) for r in self.rules}


@dataclass
class _Draft:
    limits: Limits
    observed: Mapping[str, Sequence[str]] = field(default_factory=dict)
    expand: bool = True
    rules: list[Rule] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    terms: list[TermRule] = field(default_factory=list)


def render(atoms: Sequence[str], suffix: str = "") -> str:
    group = atoms[0] if len(atoms) == 1 else "(" + " OR ".join(atoms) + ")"
    return f"{group} {suffix}" if suffix else group


def groups(atoms: Sequence[str], suffix: str, max_length: int) -> tuple[list[list[str]], list[str]]:
    """Greedy OR-packing: the atoms of each rule, and the atoms that fit no rule on their own."""
    packed: list[list[str]] = []
    too_long: list[str] = []
    current: list[str] = []
    for atom in atoms:
        if len(render([*current, atom], suffix)) <= max_length:
            current.append(atom)
        elif len(render([atom], suffix)) > max_length:
            too_long.append(atom)
        else:
            packed.append(current)
            current = [atom]
    if current:
        packed.append(current)
    return packed, too_long


def pack(atoms: Sequence[str], suffix: str, max_length: int) -> tuple[list[str], list[str]]:
    """The rule values of :func:`groups`, and the atoms that fit no rule on their own."""
    packed, too_long = groups(atoms, suffix, max_length)
    return [render(group, suffix) for group in packed], too_long


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


def _add(draft: _Draft, topic: str, atoms: Sequence[str], suffix: str, owners: Mapping[str, str]) -> dict[str, str]:
    """Pack ``atoms`` into tagged rules; returns atom → tag of the rule carrying it."""
    packed, too_long = groups(atoms, suffix, draft.limits.max_length)
    for atom in too_long:
        draft.left_out.append(
            LeftOut(topic, owners.get(atom, atom), f"longer than {draft.limits.max_length} characters on its own")
        )
    carried: dict[str, str] = {}
    for n, group in enumerate(packed, start=1):
        tag = f"{TAG_PREFIX}{topic}:{n}"
        draft.rules.append(Rule(render(group, suffix), tag))
        carried.update(dict.fromkeys(group, tag))
    return carried


def _topic(draft: _Draft, topic: Topic) -> None:
    owners: dict[str, str] = {}
    per_term: list[tuple[Term, tuple[str, ...]]] = []
    for term in topic.terms:
        found = atoms_for(term, draft.observed.get(term.text, ()), draft.expand)
        if not found.atoms:
            draft.left_out.append(LeftOut(topic.name, term.text, "nothing left to send after cleaning"))
        if found.approximate:
            draft.notes.append(f"{topic.name}: {found.approximate}")
        for atom in found.atoms:
            owners.setdefault(atom, term.text)
        per_term.append((term, found.atoms))
    carried = _add(draft, topic.name, unique(owners), _suffix(topic, draft), owners)
    for term, atoms in per_term:
        tags = tuple(dict.fromkeys(carried[a] for a in atoms if a in carried))
        draft.terms.append(TermRule(topic.name, term.text, str(term.mark), atoms, tags,
                                    matcher_only(term, bool(tags))))


def account_atoms(handles: Sequence[str], ids: Mapping[str, str]) -> dict[str, str]:
    """``from:<id>`` for resolved handles (ids survive renames), ``from:<handle>`` otherwise → handle."""
    owners: dict[str, str] = {}
    for handle in handles:
        owners.setdefault(f"from:{ids.get(handle.casefold(), handle)}", handle)
    return owners


def compile_rules(
    watchlist: Watchlist, limits: Limits = Limits(), account_ids: Mapping[str, str] | None = None,
    observed: Mapping[str, Sequence[str]] | None = None,
) -> Compiled:
    """The rules for ``watchlist``; ``account_ids`` maps casefolded handles to X user ids,
    ``observed`` prefix terms to words stored posts show them matched. Prefix terms are expanded
    into their inflected forms unless that alone would exceed ``max_rules``."""
    expanded = _compile(watchlist, limits, account_ids or {}, observed or {}, expand=True)
    if not any(i.reason.endswith("-rule limit") for i in expanded.left_out):
        return expanded
    plain = _compile(watchlist, limits, account_ids or {}, {}, expand=False)
    return plain if len(plain.left_out) < len(expanded.left_out) else expanded


def _compile(watchlist: Watchlist, limits: Limits, account_ids: Mapping[str, str],
             observed: Mapping[str, Sequence[str]], expand: bool) -> Compiled:
    draft = _Draft(limits, observed, expand)
    handles = watchlist.handles("x")
    if handles:
        owners = account_atoms(handles, account_ids)
        _add(draft, ACCOUNTS, unique(owners), "", owners)
    for topic in watchlist.topics:
        _topic(draft, topic)
    kept, over = draft.rules[: limits.max_rules], draft.rules[limits.max_rules :]
    left = [
        LeftOut(r.tag.removeprefix(TAG_PREFIX).rsplit(":", 1)[0], r.value, f"over the {limits.max_rules}-rule limit")
        for r in over
    ]
    sent = {r.tag for r in kept}
    terms = [replace(t, tags=tuple(tag for tag in t.tags if tag in sent)) for t in draft.terms]
    terms = [t if t.tags or not t.atoms else replace(t, matcher_only=("everything: no rule carries it",))
             for t in terms]
    return Compiled(tuple(kept), tuple(draft.left_out + left), tuple(dict.fromkeys(draft.notes)), tuple(terms))


def is_ours(tag: str | None) -> bool:
    return bool(tag) and str(tag).startswith(TAG_PREFIX)
