"""Language stage: sets ``lang``, ``lang_conf`` and ``lang_detector`` on every post.

The rule (precision first; ``und`` is an answer, not a failure):

1. Detect on the cleaned text with URLs, @mentions, the ``RT`` prefix, the ``#`` of
   hashtags, emoji, numbers and other symbols removed.
2. Letters settle some posts first (:mod:`bot.pipeline.script`): several words written with
   letters no configured language uses (Bambara/Fulfulde ɛ ɔ ɲ ŋ) → ``und``; a post written
   only in Arabic letters → ``ar``, however short (``lang_conf`` :data:`SCRIPT_CONFIDENCE`,
   ``lang_detector`` ``"<detector>+script"``), unless it is long enough for the detector,
   which also knows Persian and Urdu.
3. If at least ``min_letters`` letters remain and the detector's confidence is at least
   ``min_confidence``, its answer wins, whatever the platform's hint says. The detector also
   knows the *other* languages read in the region (``SAHELWATCH_LANG_OTHERS``); when one of
   them wins the answer is ``und``, not the nearest configured language.
4. Otherwise (too short or too uncertain) the platform's hint is used only if it is one of
   the configured languages and some letters remain: ``lang`` = the hint,
   ``lang_conf`` = :data:`HINT_CONFIDENCE` (deliberately low) and ``lang_detector`` =
   ``"<detector>+hint"``. X also sends ``und``, ``qme``, ``zxx``, ``qst``, ``qht``… which are
   not languages and are never configured, so they are ignored.
5. Else ``lang`` = ``und``. An emoji- or number-only post is always ``und``.

Configuration (:class:`bot.config.Settings`): ``SAHELWATCH_LANG_DETECTOR`` (``py3langid`` |
``langdetect``), ``SAHELWATCH_LANGUAGES`` (comma-separated codes, default ``en,fr,ar,ha``),
``SAHELWATCH_LANG_OTHERS`` (default ``pt,es,sw,fuv,yo,ig,so,it,de,fa,ur``),
``SAHELWATCH_LANG_MIN_LETTERS`` (default 20), ``SAHELWATCH_LANG_MIN_CONFIDENCE`` (default 0.5).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.config import Settings
from bot.models import Post
from bot.pipeline.base import Context
from bot.pipeline.langid import UND, LanguageDetector, make_detector
from bot.pipeline.langid_cache import cache_root
from bot.pipeline.script import other_letters, settled_by_script
from bot.text import clean

HINT_CONFIDENCE = 0.2
SCRIPT_CONFIDENCE = 0.9
EXTRAS_KEY = "language"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")
_RT = re.compile(r"^\s*RT\b:?\s*")
# Anything that is not a letter, a combining mark, a space or an apostrophe: emoji, digits,
# punctuation, symbols, the '#' of hashtags and the underscores inside them.
_NOT_LETTER = re.compile(r"[^\w\s'\u0300-\u036f\u064b-\u065f]|[\d_]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class LanguageSettings:
    detector: str = "py3langid"
    languages: tuple[str, ...] = ("en", "fr", "ar", "ha")
    others: tuple[str, ...] = ("pt", "es", "sw", "fuv", "yo", "ig", "so", "it", "de", "fa", "ur")
    min_letters: int = 20
    min_confidence: float = 0.5
    cache_dir: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> LanguageSettings:
        return cls(
            detector=settings.lang_detector,
            languages=tuple(code.lower() for code in settings.languages),
            others=tuple(code.lower() for code in settings.lang_others),
            min_letters=settings.lang_min_letters,
            min_confidence=settings.lang_min_confidence,
            cache_dir=settings.cache_dir,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LanguageSettings:
        return cls.from_settings(Settings.from_env(env))


@dataclass(frozen=True)
class LangResult:
    lang: str
    conf: float
    detector: str


def strip_for_detection(text: str) -> str:
    """The text a detector sees: no URLs, mentions, RT prefix, '#', emoji, numbers, symbols."""
    text = _RT.sub("", _MENTION.sub(" ", _URL.sub(" ", text)))
    return _SPACES.sub(" ", _NOT_LETTER.sub(" ", text)).strip()


def letter_count(text: str) -> int:
    return sum(map(str.isalpha, text))


def hint_code(hint: str | None) -> str | None:
    """``"en-GB"`` → ``"en"``; ``None``/empty stay ``None``."""
    if not hint:
        return None
    return hint.strip().lower().replace("_", "-").split("-")[0] or None


class LanguageTagger:
    """Applies the module's rule around one :class:`LanguageDetector`."""

    RECENT = 1024
    """Answers remembered for the last texts tagged: an exact copy (a retweet, a reprint) is
    answered without running the detector again (the same text gives the same answer)."""

    def __init__(self, detector: LanguageDetector, settings: LanguageSettings) -> None:
        self.detector = detector
        self.settings = settings
        self._remembered = lru_cache(maxsize=self.RECENT)(self._tag)

    @classmethod
    def from_settings(cls, settings: LanguageSettings) -> LanguageTagger:
        root = cache_root(settings.cache_dir)
        return cls(make_detector(settings.detector, settings.languages, settings.others, root), settings)

    def tag(self, text: str, hint: str | None = None) -> LangResult:
        return self._remembered(text, hint)

    def _tag(self, text: str, hint: str | None) -> LangResult:
        stripped = strip_for_detection(text)
        letters = letter_count(stripped)
        lang, conf = UND, 0.0
        languages = self.settings.languages
        if other_letters(stripped, languages):
            return LangResult(UND, 0.0, f"{self.detector.name}+script")
        if letters < self.settings.min_letters and settled_by_script(stripped, languages):
            return LangResult("ar", SCRIPT_CONFIDENCE, f"{self.detector.name}+script")
        if letters >= self.settings.min_letters:
            lang, conf = self.detector.detect(stripped)
            if lang != UND and conf >= self.settings.min_confidence:
                return LangResult(lang, conf, self.detector.name)
        code = hint_code(hint)
        if letters and code in self.settings.languages:
            return LangResult(code, HINT_CONFIDENCE, f"{self.detector.name}+hint")
        return LangResult(UND, conf, self.detector.name)


@cache
def tagger_for(settings: LanguageSettings) -> LanguageTagger:
    """One tagger per distinct configuration per process (loading a model takes ~0.5 s)."""
    return LanguageTagger.from_settings(settings)


def default_tagger() -> LanguageTagger:
    """The tagger configured by the environment."""
    return tagger_for(LanguageSettings.from_env())


DETECT_CHARS = 2_000
"""Language is detected on this bounded prefix of the cleaned text (plenty for any detector)."""


def language(post: Post, context: Context) -> Post:
    """Pipeline stage. Uses ``context.extras["language"]`` when given, else the env default."""
    tagger: LanguageTagger = context.extras.get(EXTRAS_KEY) or default_tagger()
    result = tagger.tag((post.norm_text or clean(post.text))[:DETECT_CHARS], post.lang_hint)
    return post.with_(lang=result.lang, lang_conf=result.conf, lang_detector=result.detector)
