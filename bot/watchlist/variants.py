"""The folded forms one term is matched under: itself, plus Arabic clitic forms.

Arabic writes the conjunctions و ف, the prepositions ب ل ك and the article ال attached to the
next word (tests/test_match_arabic.py), so a token boundary alone misses والهجوم or بمالي. We expand the
term instead of stripping the text, which keeps matching a plain Aho-Corasick pass.

- A term without the article gets the proclitics (و ف ب ل ك and pairs) and the article forms
  too: هجوم → الهجوم, والهجوم, بالهجوم, للهجوم, unless ``arabic_article: false``. Names whose
  article form means something else (مالي; المالي = "the financial") opt out. Without an
  explicit ``arabic_article`` a guard decides: no article forms for words of two letters or
  fewer, nor for the words whose article form is a common word of its own
  (:data:`ARTICLE_CHANGES_MEANING`: دوري "Dori" → الدوري "the league"). ``exclude`` terms keep
  their article forms unless told otherwise (:mod:`bot.watchlist.parse`).
- A term with the article gets the article forms only: النيجر → والنيجر, بالنيجر, للنيجر.
"""

from __future__ import annotations

from bot.text import fold_term
from bot.watchlist.schema import Term

PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك")
ARTICLE_FORMS = ("ال", "وال", "فال", "بال", "كال", "وبال", "فبال", "وكال", "فكال", "لل", "ولل", "فلل")
ARTICLE = "ال"
SHORT_WORD = 2
"""Arabic terms of at most this many letters get no article forms unless ``arabic_article: true``."""
ARTICLE_CHANGES_MEANING = {
    "الدوري": "the league (football)",
    "المالي": "the financial",
    "الكوتا": "the quota",
    "الديفا": "the diva",
}
"""Article forms (folded) that are common words of their own: a term whose article form is one
of these gets no article forms unless ``arabic_article: true``."""


def is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"


def variants(term: Term) -> list[str]:
    """Folded, lower-cased forms of ``term`` (without its prefix star)."""
    folded = fold_term(term.body)
    if not folded or not is_arabic(folded[0]):
        return [folded] if folded else []
    if folded.startswith(ARTICLE) and len(folded) > len(ARTICLE) + 1:
        stem = folded[len(ARTICLE):]
        return [form + stem for form in ARTICLE_FORMS]
    forms = [clitic + folded for clitic in PROCLITICS]
    if article_allowed(term, folded):
        forms += [form + folded for form in ARTICLE_FORMS]
    return forms


def article_allowed(term: Term, folded: str | None = None) -> bool:
    """Whether an Arabic term without ال also matches with the article (see the module doc)."""
    if term.arabic_article is not None:
        return term.arabic_article
    folded = fold_term(term.body) if folded is None else folded
    return guard_reason(folded) is None


def guard_reason(folded: str) -> str | None:
    """Why the guard keeps article forms out of a folded Arabic word, or None."""
    if ARTICLE + folded in ARTICLE_CHANGES_MEANING:
        return f"{ARTICLE}{folded} means '{ARTICLE_CHANGES_MEANING[ARTICLE + folded]}'"
    if sum(ch.isalpha() for ch in folded) <= SHORT_WORD:
        return f"it has only {SHORT_WORD} letters or fewer"
    return None
