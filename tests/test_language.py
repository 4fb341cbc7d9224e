"""Language stage: per-language tags, short texts, accentless French, hints, `und`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config.checks import LANG_DETECTORS
from bot.errors import ConfigError
from bot.models import Post
from bot.pipeline.base import Context
from bot.pipeline.dedupe import DedupeSettings
from bot.pipeline.langid import DETECTORS, UnknownDetectorError
from bot.pipeline.language import HINT_CONFIDENCE, SCRIPT_CONFIDENCE, LanguageSettings, LanguageTagger, language

DATA = Path(__file__).parent / "data" / "lang"


@pytest.fixture(scope="module")
def tagger() -> LanguageTagger:
    return LanguageTagger.from_settings(LanguageSettings())


@pytest.fixture(scope="module")
def langdetect_tagger() -> LanguageTagger:
    return LanguageTagger.from_settings(LanguageSettings(detector="langdetect"))


def make_post(text: str, hint: str | None = None) -> Post:
    created = datetime(2025, 3, 1, tzinfo=UTC)
    return Post(platform="x", platform_id="1", text=text, created_at=created, lang_hint=hint)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Soldiers ambushed near the border town overnight, residents say", "en"),
        ("Gunmen torched the market in Tillaberi", "en"),
        ("Les habitants ont fui le village après l'attaque de cette nuit", "fr"),
        ("Une embuscade a visé des gendarmes près de Téra", "fr"),
        ("les gens ont peur, personne ne sort depuis l'attaque d'hier", "fr"),  # no accents at all
        ("des militaires ont ete tues pres de la frontiere ce matin", "fr"),  # accents dropped
        ("قتل ثلاثة جنود في هجوم على دورية قرب الحدود", "ar"),
        ("انفجار عبوة ناسفة على طريق المدينة", "ar"),
        ("'Yan bindiga sun sace mutane da dama a kauyen jiya", "ha"),
        ("Sojoji sun kashe 'yan ta'adda a dajin Sambisa", "ha"),
    ],
)
def test_each_language_including_short_and_accentless(tagger: LanguageTagger, text: str, lang: str) -> None:
    result = tagger.tag(text)
    assert (result.lang, result.detector) == (lang, "py3langid-0.4.0")
    assert result.conf >= tagger.settings.min_confidence


def test_urls_mentions_hashtags_and_numbers_do_not_decide(tagger: LanguageTagger) -> None:
    text = "RT @NigerNews: 12 killed https://t.co/abc #Tillaberi #Niger 🚨 des hommes armés ont attaqué Téra"
    assert tagger.tag(text).lang == "fr"


@pytest.mark.parametrize("text", ["🔥🔥🙏🏾💔", "😢 12/03 🚨", "https://t.co/x @someone #123", ""])
def test_no_letters_is_und_even_with_a_hint(tagger: LanguageTagger, text: str) -> None:
    assert tagger.tag(text, hint="fr").lang == "und"


def test_too_short_without_hint_is_und(tagger: LanguageTagger) -> None:
    assert tagger.tag("Attaque à Téra").lang == "und"


def test_too_short_uses_a_configured_hint_with_low_confidence(tagger: LanguageTagger) -> None:
    result = tagger.tag("Attaque à Téra 🚨", hint="fr")
    assert (result.lang, result.conf, result.detector) == ("fr", HINT_CONFIDENCE, "py3langid-0.4.0+hint")
    assert tagger.tag("Attack in Tera", hint="en-GB").lang == "en"


@pytest.mark.parametrize("hint", ["und", "qme", "zxx", "qst", "es", None])
def test_hints_that_are_not_configured_languages_are_ignored(tagger: LanguageTagger, hint: str | None):
    assert tagger.tag("Attaque à Téra", hint=hint).lang == "und"


def test_a_confident_detection_beats_the_hint(tagger: LanguageTagger) -> None:
    assert tagger.tag("Des hommes armés ont attaqué le village de Téra cette nuit", hint="en").lang == "fr"


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "ha"])
def test_labelled_set_accuracy_per_language(tagger: LanguageTagger, lang: str) -> None:
    lines = (DATA / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    right = sum(tagger.tag(line).lang == lang for line in lines)
    assert len(lines) >= 100
    assert right / len(lines) >= 0.95


def test_langdetect_is_deterministic_and_never_says_hausa(langdetect_tagger: LanguageTagger) -> None:
    text = "'Yan bindiga sun kai hari a kauyen da ke jihar Zamfara cikin dare"
    first = [langdetect_tagger.tag(text) for _ in range(3)]
    assert len(set(first)) == 1
    assert first[0].lang != "ha"
    assert langdetect_tagger.tag("Des hommes armés ont attaqué le village cette nuit").lang == "fr"


def test_langdetect_without_letters_is_und_not_an_exception(langdetect_tagger: LanguageTagger) -> None:
    assert langdetect_tagger.detector.detect("🔥🔥") == ("und", 0.0)


def test_stage_sets_lang_confidence_and_detector(tagger: LanguageTagger) -> None:
    context = Context(extras={"language": tagger})
    post = language(make_post("Sojojin Najeriya sun dakile harin da aka kai a Borno"), context)
    assert (post.lang, post.lang_detector) == ("ha", "py3langid-0.4.0")
    assert post.lang_conf is not None and post.lang_conf > 0.5
    assert post.text == "Sojojin Najeriya sun dakile harin da aka kai a Borno"


def test_settings_from_environment() -> None:
    env = {"SAHELWATCH_LANG_DETECTOR": "langdetect", "SAHELWATCH_LANGUAGES": " EN, fr ,ha",
           "SAHELWATCH_LANG_MIN_LETTERS": "12"}
    settings = LanguageSettings.from_env(env)
    assert settings == LanguageSettings(detector="langdetect", languages=("en", "fr", "ha"), min_letters=12)
    assert LanguageSettings.from_env({}) == LanguageSettings()


def test_the_setting_accepts_exactly_the_detectors_the_pipeline_builds() -> None:
    assert sorted(LANG_DETECTORS) == sorted(DETECTORS)


def test_configuration_errors_are_clear() -> None:
    with pytest.raises(UnknownDetectorError, match="choose one of: langdetect, py3langid"):
        LanguageTagger.from_settings(LanguageSettings(detector="cld3"))
    with pytest.raises(ConfigError, match="SAHELWATCH_LANG_MIN_LETTERS='twenty' is not a valid int"):
        LanguageSettings.from_env({"SAHELWATCH_LANG_MIN_LETTERS": "twenty"})
    with pytest.raises(ConfigError, match="SAHELWATCH_LANG_DETECTOR must be one of py3langid, langdetect"):
        LanguageSettings.from_env({"SAHELWATCH_LANG_DETECTOR": "cld3"})
    with pytest.raises(ConfigError, match="SAHELWATCH_DEDUPE_THRESHOLD must be greater than 0"):
        DedupeSettings.from_env({"SAHELWATCH_DEDUPE_THRESHOLD": "1.5"})
    with pytest.raises(ValueError, match="does not know language code"):
        LanguageTagger.from_settings(LanguageSettings(languages=("en", "xx")))


@pytest.mark.parametrize("lang", ["bm", "ff", "sw", "pt", "es"])
def test_a_language_outside_the_configured_set_is_und_not_the_nearest(tagger: LanguageTagger, lang: str) -> None:
    lines = (DATA / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    answers = [tagger.tag(line).lang for line in lines]
    assert len(lines) >= 20
    assert answers.count("und") / len(lines) >= 0.95, answers


def test_an_other_language_that_only_just_wins_leaves_the_configured_answer(tagger: LanguageTagger) -> None:
    assert tagger.tag("Kidnapped in Kaduna, freed in Zamfara, back home in Katsina").lang == "en"


def test_a_short_post_in_arabic_letters_is_arabic(tagger: LanguageTagger) -> None:
    lines = (DATA / "ar_short.txt").read_text(encoding="utf-8").splitlines()
    results = [tagger.tag(line) for line in lines]
    assert all(r.lang == "ar" for r in results), [(line, r.lang) for line, r in zip(lines, results, strict=True)]
    assert results[0].detector == "py3langid-0.4.0+script" and results[0].conf == SCRIPT_CONFIDENCE


@pytest.mark.parametrize("text", ["حمله در کیدال", "گزارش ویژه", "بم", "Attaque à غاو"])
def test_persian_letters_mixed_scripts_and_two_letters_stay_und(tagger: LanguageTagger, text: str) -> None:
    assert tagger.tag(text).lang == "und"


def test_arabic_script_rule_needs_arabic_configured() -> None:
    tagger = LanguageTagger.from_settings(LanguageSettings(languages=("en", "fr")))
    assert tagger.tag("هجوم في ميناكا").lang == "und"


def test_other_languages_setting() -> None:
    settings = LanguageSettings.from_env({"SAHELWATCH_LANG_OTHERS": "pt, ES"})
    assert settings.others == ("pt", "es")
    assert LanguageTagger.from_settings(settings).tag(
        "Trinta alunos foram raptados de uma escola no estado de Kebbi, confirmou a polícia.").lang == "und"


def test_an_exact_copy_is_answered_without_running_the_detector_again(tagger: LanguageTagger) -> None:
    calls: list[str] = []

    class Counting:
        name = tagger.detector.name

        def detect(self, text: str) -> tuple[str, float]:
            calls.append(text)
            return tagger.detector.detect(text)

    counting = LanguageTagger(Counting(), tagger.settings)
    text = "Les habitants ont fui le village après l'attaque de cette nuit"
    first = counting.tag(text)
    assert counting.tag(text) == first == tagger.tag(text) and first.lang == "fr"
    assert len(calls) == 1
    assert counting.tag(text, "en") == first and len(calls) == 2  # another hint: asked again
