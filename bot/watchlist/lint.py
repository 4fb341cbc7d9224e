"""Term checks that depend on matching: terms that fold to nothing (errors), terms that will
over-match (warnings: very short terms, very common words, repeated terms) and terms an
``exclude`` of their own topic always cancels (warnings: the term can never fire)."""

from __future__ import annotations

from bot.text import fold_term
from bot.watchlist.schema import Level, Problem, Role, Term, Topic
from bot.watchlist.variants import variants

COMMON_WORDS = {
    "en": "a an and are as at be but by can for from has have he in is it its may new news not now of on "
    "one or out over said say says she that the this to today was we were who will with you",
    "fr": "a au aux avec ce dans de des du elle en est et il ils la le les on ont par pas plus pour qui "
    "que sa se selon ses son sur un une nous vous apres",
    "ha": "a amma ba bayan ce cikin da daga dari fada fama fara kai kaya ku kuma mu na ne rai sai shi su "
    "suka sun ta wani wata ya yan za zuwa",
    "bm": "bɛ ka la ni ye",
    "ar": "في من على الى إلى عن مع هذا هذه التي الذي ان أن كان قد لا ما و او بعد قبل كل هو هي",
}
COMMON = {fold_term(word): lang for lang, words in COMMON_WORDS.items() for word in words.split()}
FIX = "it will over-match: make it case_sensitive, add a 'require' to the topic, or drop it"


def lint_topic(topic: Topic) -> list[Problem]:
    problems: list[Problem] = []
    for role in ("terms", "require", "exclude"):
        seen: dict[tuple[str, bool, bool], Term] = {}
        for term in topic.role(role):
            errors = check_term(term)
            problems += errors or _over_match(topic, role, term)
            key = (fold_term(term.text, term.case_sensitive), term.case_sensitive, term.prefix)
            if key in seen and not errors:
                line = seen[key].mark.line
                problems.append(_warn(term, f"'{term.text}' repeats a term of line {line} in '{role}'"))
            seen.setdefault(key, term)
    return problems + _cancelled(topic)


def _cancelled(topic: Topic) -> list[Problem]:
    """Terms whose every match also contains an exclude of the topic: they can never fire it."""
    problems = []
    excludes = [ex for ex in topic.exclude if not ex.case_sensitive]  # those cancel only some casings
    for term in topic.terms:
        folded = fold_term(term.body)
        text = f" {folded}" if term.prefix else f" {folded} "  # a prefix term also matches longer words
        cancel = next((ex for ex in excludes if _contains(text, ex)), None)
        if cancel is not None:
            same = "is the same as" if fold_term(cancel.body) == folded else "contains"
            problems.append(_warn(term, f"term '{term.text}' {same} the exclude '{cancel.text}' "
                                        f"(line {cancel.mark.line}): every post it matches is excluded, so it can "
                                        f"never fire topic '{topic.name}'; remove one of them"))
    return problems


def _contains(text: str, exclude: Term) -> bool:
    """Whether ``exclude`` matches inside the folded, space-padded ``text`` (a whole-word hit)."""
    return any((f" {form}" if exclude.prefix else f" {form} ") in text for form in variants(exclude))


def check_term(term: Term) -> list[Problem]:
    """Errors that make a term unusable."""
    if "*" in term.body:
        return [Problem(term.mark, f"'{term.text}': '*' is allowed only at the end of a term")]
    if not fold_term(term.body):
        return [Problem(term.mark, f"term '{term.text}' is empty once spaces, punctuation and "
                                   "invisible characters are removed")]
    return []


def _over_match(topic: Topic, role: Role, term: Term) -> list[Problem]:
    folded = fold_term(term.body)
    if not folded or term.case_sensitive or role == "require" or (role == "terms" and topic.require):
        return []
    letters = sum(ch.isalnum() for ch in folded)
    if term.prefix and letters < 3:
        return [_warn(term, f"prefix '{term.text}' is very short: it matches many words")]
    if letters <= 2:
        return [_warn(term, f"'{term.text}' has only {letters} letter(s); {FIX}")]
    if folded in COMMON:
        return [_warn(term, f"'{term.text}' is a very common word ({COMMON[folded]}); {FIX}")]
    return []


def _warn(term: Term, message: str, level: Level = "warning") -> Problem:
    return Problem(term.mark, message, level)
