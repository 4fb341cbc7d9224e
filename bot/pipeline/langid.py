"""Language detectors behind one small interface, chosen by name from configuration.

Both detectors are restricted to the configured languages plus the *other* languages read in
the region (``SAHELWATCH_LANG_OTHERS``: Portuguese, Spanish, Swahili, Nigerian Fulfulde, …) and
answer ``(code, confidence)``, with ``"und"`` when they have no evidence or when one of the
other languages clearly wins (:func:`settle`: a Swahili post is not forced into Hausa).
They see text already stripped of URLs, mentions, numbers and emoji (see
:mod:`bot.pipeline.language`); they do not apply length or confidence rules themselves.

- ``py3langid`` (default): py3langid 0.4.0 with normalised probabilities. It knows Hausa;
  Moroccan and Egyptian Arabic (``ary``, ``arz``) count as ``ar`` when ``ar`` is configured.
- ``langdetect``: seeded (seed 0) so results are deterministic; restricted through a prior
  that is zero outside the configured languages. It has no Hausa model and never answers
  ``ha``; text without letters (``LangDetectException``) gives ``und``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

UND = "und"
ALIASES = {"ar": ("ary", "arz")}  # dialect labels folded into the configured code
OTHER_CONFIDENCE = 0.5  # an unconfigured language must win this clearly to make the post und


def settle(scores: dict[str, float], others: Sequence[str]) -> tuple[str, float]:
    """The answer from normalised ``scores``: ``und`` when one of the ``others`` wins with at
    least :data:`OTHER_CONFIDENCE`; else the best configured language, its score renormalised
    over the configured ones (what a detector restricted to them would say)."""
    lang, conf = max(scores.items(), key=lambda item: item[1])
    if lang in others and conf >= OTHER_CONFIDENCE:
        return UND, conf
    own = {k: v for k, v in scores.items() if k not in others}
    if not own or sum(own.values()) <= 0:
        return UND, 0.0
    lang, conf = max(own.items(), key=lambda item: item[1])
    return lang, conf / sum(own.values())


class LanguageDetector(Protocol):
    """``detect(text) -> (language code or "und", confidence in [0, 1])``."""

    name: str  # detector and version, stored with every post for later relabelling
    languages: tuple[str, ...]

    def detect(self, text: str) -> tuple[str, float]: ...


class UnknownDetectorError(ValueError):
    """The configured detector name is not one we have."""


class Py3LangidDetector:
    """py3langid restricted to ``languages`` (plus dialect aliases), probabilities normalised.

    The identifier is built from the model's arrays cut down to our labels (what
    ``set_languages`` does, minus ever holding the 142-language table: see
    :mod:`bot.pipeline.langid_model`), with the same answers.
    """

    def __init__(self, languages: Sequence[str], others: Sequence[str] = (), cache: Path | None = None) -> None:
        self.languages = tuple(languages)
        self.others = tuple(o for o in others if o not in self.languages)
        self.name = f"py3langid-{version('py3langid')}"
        self._identifier, self._fold = _restricted_identifier(self.languages + self.others, cache)

    def detect(self, text: str) -> tuple[str, float]:
        if not text.strip():
            return UND, 0.0
        scores: dict[str, float] = {}
        for label, score in self._identifier.rank(text):
            lang = self._fold.get(label, label)
            scores[lang] = scores.get(lang, 0.0) + score
        return settle(scores, self.others)


def _restricted_identifier(
    languages: tuple[str, ...], cache: Path | None
) -> tuple[LanguageIdentifier, dict[str, str]]:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from bot.pipeline.langid_cache import load

    fold: dict[str, str] = {}

    def wanted(classes: list[str]) -> list[int]:
        unknown = sorted(set(languages) - set(classes))
        if unknown:
            raise ValueError(f"py3langid does not know language code(s): {', '.join(unknown)}")
        aliases = ((alias, lang) for lang in languages for alias in ALIASES.get(lang, ()))
        fold.update({alias: lang for alias, lang in aliases if alias in classes})
        return [i for i, label in enumerate(classes) if label in set(languages) | set(fold)]

    ptc, pc, kept, nextmove, row, output = load(MODEL_DIR / MODEL_FILE, wanted, cache)
    identifier = LanguageIdentifier(ptc, pc, kept, nextmove, output, norm_probs=True, tk_row=row)
    return identifier, fold


class LangdetectDetector:
    """langdetect 1.0.9, seeded, with a prior that forbids languages outside ``languages``."""

    def __init__(self, languages: Sequence[str], others: Sequence[str] = (), cache: Path | None = None) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        self.languages = tuple(languages)
        self.name = f"langdetect-{version('langdetect')}"
        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._factory.set_seed(0)
        supported = set(self._factory.get_lang_list())
        self._prior = {lang: 1.0 for lang in self.languages if lang in supported}
        if not self._prior:
            raise ValueError("langdetect supports none of the configured languages")
        self.others = tuple(o for o in others if o in supported and o not in self._prior)
        self._prior.update(dict.fromkeys(self.others, 1.0))

    def detect(self, text: str) -> tuple[str, float]:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.set_prior_map(self._prior)
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:
            return UND, 0.0
        if not ranked:
            return UND, 0.0
        return settle({r.lang: float(r.prob) for r in ranked}, self.others)


DETECTORS: dict[str, Callable[[Sequence[str], Sequence[str], Path | None], LanguageDetector]] = {
    "py3langid": Py3LangidDetector,
    "langdetect": LangdetectDetector,
}


def make_detector(
    name: str, languages: Sequence[str], others: Sequence[str] = (), cache: Path | None = None
) -> LanguageDetector:
    """Build the detector called ``name``; raise :class:`UnknownDetectorError` for other names.

    ``others``: languages that make the answer ``und`` (py3langid refuses codes it does not
    know; langdetect ignores them). ``cache``: where py3langid's tables are mapped from
    (:mod:`bot.pipeline.langid_cache`; ``None``: read from the archive)."""
    try:
        factory = DETECTORS[name]
    except KeyError:
        choices = ", ".join(sorted(DETECTORS))
        raise UnknownDetectorError(f"unknown language detector {name!r}; choose one of: {choices}") from None
    return factory(languages, others, cache)
