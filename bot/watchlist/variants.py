"""The folded forms one term is matched under: itself, plus Arabic clitic forms.

Arabic writes the conjunctions و ف, the prepositions ب ل ك and the article ال attached to the
next word (sahel-domain §6), so a token boundary alone misses والهجوم or بمالي. We expand the
term instead of stripping the text, which keeps matching a plain Aho-Corasick pass.

- A term without the article gets the proclitics (و ف ب ل ك and pairs) and, unless
  ``arabic_article: false``, the article forms too: هجوم → الهجوم, والهجوم, بالهجوم, للهجوم.
  Names whose article form means something else (مالي; المالي = "the financial") opt out.
- A term with the article gets the article forms only: النيجر → والنيجر, بالنيجر, للنيجر.
"""

from __future__ import annotations

from bot.text import fold_term
from bot.watchlist.schema import Term

PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك")
ARTICLE_FORMS = ("ال", "وال", "فال", "بال", "كال", "وبال", "فبال", "وكال", "فكال", "لل", "ولل", "فلل")
ARTICLE = "ال"


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
    if term.arabic_article:
        forms += [form + folded for form in ARTICLE_FORMS]
    return forms
