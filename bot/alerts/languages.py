"""Language codes a channel may filter on: the ISO 639-1 codes the language stage answers with.

``languages: [fre]`` is an error (a post is never labelled ``fre``; ``fr`` is meant). A real
code the bot is not configured to detect (``SAHELWATCH_LANGUAGES``) is a warning: such posts
are labelled ``und``, so the channel would get none of them.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

from bot.watchlist.schema import Level

_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz
ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik
io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml
mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd
se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi
vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())
UND = "und"
THREE_LETTER = {
    "fre": "fr", "fra": "fr", "eng": "en", "ara": "ar", "hau": "ha", "ful": "ff", "fuf": "ff", "bam": "bm",
    "spa": "es", "ger": "de", "deu": "de", "por": "pt", "rus": "ru", "tmh": "", "taq": "",
}
"""ISO 639-2/3 codes admins type for the two-letter code posts carry ("" = no such code)."""


def check_language(code: str, configured: Collection[str] | None) -> tuple[Level, str] | None:
    """A problem with a channel's language ``code``, or None when posts can carry it."""
    if code == UND or (configured is not None and code in configured):
        return None
    if code not in ISO_639_1:
        return "error", f"unknown language code '{code}': {_hint(code, configured)}"
    if configured is None:
        return None
    listed = ", ".join(configured)
    return "warning", (f"no post is labelled '{code}': the bot detects only {listed} (SAHELWATCH_LANGUAGES), "
                       "others are 'und'; add it there or drop it here")


def _hint(code: str, configured: Collection[str] | None) -> str:
    two = THREE_LETTER.get(code.lower())
    if two:
        return f"posts carry two-letter ISO 639-1 codes; write '{two}'"
    if two == "":
        return "this language has no two-letter code, so its posts are labelled 'und'; write 'und'"
    close = difflib.get_close_matches(code.lower(), sorted(configured or ISO_639_1), n=1)
    return f"did you mean '{close[0]}'?" if close else "use a two-letter ISO 639-1 code (en, fr, ar, ha) or 'und'"
