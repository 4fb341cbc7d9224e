"""Arabic: letter variants fold; a term also matches with attached clitic prefixes."""

import pytest

from bot.pipeline.watchlist_reload import build
from tests.watchlist_util import one_topic, spans


@pytest.mark.parametrize(("term", "text"), [
    ("الأفريقي", "الإفريقي"), ("الإفريقي", "الافريقي"), ("آسيمي", "اسيمي"), ("ٱلجيش", "الجيش"),
    ("موسى", "موسي"), ("ولاية", "ولايه"), ("كيدال", "کيدال"), ("تيلابيري", "تيلابیری"),
])
def test_arabic_letter_variants_fold(tmp_path, term, text):
    assert spans(one_topic(tmp_path, term), f"في {text} اليوم") == [text]


@pytest.mark.parametrize("word", [
    "هجوم", "الهجوم", "والهجوم", "بالهجوم", "للهجوم", "وللهجوم", "فالهجوم", "وهجوم", "بهجوم", "لهجوم",
    "كهجوم", "فبالهجوم",
])
def test_term_matches_with_clitic_prefixes(tmp_path, word):
    assert spans(one_topic(tmp_path, "هجوم"), f"قتلى {word} المسلحين") == [word]


@pytest.mark.parametrize("word", ["هجومي", "هجومية", "الهجومي", "تهجوم", "مهجوم"])
def test_clitics_do_not_open_other_words(tmp_path, word):
    assert one_topic(tmp_path, "هجوم").classify(f"قتلى {word} المسلحين").topics == ()


@pytest.mark.parametrize("word", ["النيجر", "والنيجر", "بالنيجر", "للنيجر", "وللنيجر", "فالنيجر"])
def test_term_with_article_matches_its_clitic_forms(tmp_path, word):
    assert spans(one_topic(tmp_path, "النيجر"), f"جيش {word} اليوم") == [word]


def test_term_with_article_does_not_match_the_bare_word(tmp_path):
    assert one_topic(tmp_path, "النيجر").classify("نيجر اليوم").topics == ()


def test_arabic_article_false_keeps_names_out_of_the_article_form(tmp_path):
    m = one_topic(tmp_path, "{term: مالي, arabic_article: false}")
    assert spans(m, "في مالي وبمالي ولمالي") == ["مالي", "وبمالي", "ولمالي"]
    assert m.classify("الدعم المالي والمالية").topics == ()


def test_arabic_phrase_with_clitic_on_first_word(tmp_path):
    m = one_topic(tmp_path, "عبوة ناسفة")
    assert spans(m, "انفجار بعبوة ناسفة، والعبوة  ناسفة") == ["بعبوة ناسفة", "والعبوة  ناسفة"]


def test_clitic_span_is_the_whole_original_word_with_tashkeel(tmp_path):
    text = "وَالْهُجُومُ على الجيش"
    [match] = one_topic(tmp_path, "هجوم").classify(text).matches
    assert (match.start, match.end) == (0, len("وَالْهُجُومُ"))


def test_article_forms_that_are_other_words_stay_out_without_being_asked(tmp_path):
    m = one_topic(tmp_path, "دوري")  # Dori (Burkina Faso); الدوري is "the league"
    assert spans(m, "في دوري وبدوري") == ["دوري", "وبدوري"]
    assert m.classify("الدوري الإيطالي والدوري").topics == ()
    assert spans(one_topic(tmp_path, "{term: دوري, arabic_article: true}"), "الدوري") == ["الدوري"]


def test_an_exclude_keeps_its_article_forms(tmp_path):
    (tmp_path / "w.yaml").write_text("topics:\n  k:\n    terms: [اختطف]\n    exclude: [فوز]\n", encoding="utf-8")
    assert build(tmp_path).matcher.classify("اختطف الفريق الفوز").topics == ()
