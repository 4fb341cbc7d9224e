"""Term semantics: case, accents, NFKC width, apostrophes and dashes, evasion characters."""

import pytest

from tests.watchlist_util import one_topic, spans


@pytest.mark.parametrize(("term", "text"), [
    ("Tillabéri", "Tillaberi"), ("Tillaberi", "Tillabéri"), ("Tillabéri", "TILLABÉRI"),
    ("États-Unis", "Etats-Unis"), ("Etats-Unis", "États-Unis"), ("Ménaka", "MENAKA"),
    ("Goïta", "Goita"), ("Tillabéri", "Tillabe\u0301ri"),  # decomposed accent
])
def test_case_and_accent_insensitive(tmp_path, term, text):
    assert spans(one_topic(tmp_path, term), f"à {text}.") == [text]


@pytest.mark.parametrize(("term", "text"), [
    ("jihad", "ｊｉｈａｄ"), ("Niger", "ＮＩＧＥＲ"), ("Wagner", "𝐖𝐚𝐠𝐧𝐞𝐫"), ("fin", "ﬁn"),
])
def test_nfkc_width_and_compatibility_forms(tmp_path, term, text):
    m = one_topic(tmp_path, term)
    [match] = m.classify(f"le {text} !").matches
    assert (f"le {text} !"[match.start:match.end], match.evasion) == (text, True)


@pytest.mark.parametrize("apostrophe", ["'", "’", "‘", "ʼ", "`"])
def test_typographic_apostrophes_fold(tmp_path, apostrophe):
    m = one_topic(tmp_path, "\"'yan bindiga\"")
    assert spans(m, f"{apostrophe}yan bindiga sun kai hari") == ["yan bindiga"]


def test_typographic_apostrophe_in_term(tmp_path):
    m = one_topic(tmp_path, "’yan bindiga")
    assert spans(m, "'yan bindiga") == ["yan bindiga"]


@pytest.mark.parametrize("dash", ["-", "‐", "–", "—", "−"])
def test_dashes_fold(tmp_path, dash):
    assert spans(one_topic(tmp_path, "Gorom-Gorom"), f"à Gorom{dash}Gorom") == [f"Gorom{dash}Gorom"]


EVASIONS = {
    "zero-width space": "\u200b", "zero-width joiner": "\u200d", "BOM": "\ufeff", "word joiner": "\u2060",
    "bidi override": "\u202e", "bidi isolate": "\u2066", "soft hyphen": "\u00ad", "grapheme joiner": "\u034f",
}


@pytest.mark.parametrize("char", EVASIONS.values(), ids=EVASIONS.keys())
def test_evasion_characters_in_text_are_ignored_and_flagged(tmp_path, char):
    text = f"Les Wag{char}ner arrivent"
    [match] = one_topic(tmp_path, "Wagner").classify(text).matches
    assert (text[match.start:match.end], match.evasion) == (f"Wag{char}ner", True)


@pytest.mark.parametrize("char", EVASIONS.values(), ids=EVASIONS.keys())
def test_evasion_characters_in_terms_are_ignored(tmp_path, char):
    assert spans(one_topic(tmp_path, f"Wag{char}ner"), "Les Wagner arrivent") == ["Wagner"]


def test_tatweel_and_diacritics_in_text(tmp_path):
    m = one_topic(tmp_path, "الجيش", "هجوم")
    text = "الجيـــش صدّ هُجُومٌ"
    assert spans(m, text) == ["الجيـــش", "هُجُومٌ"]
    assert [x.evasion for x in m.classify(text).matches] == [True, False]  # tashkeel is normal writing


def test_tatweel_and_diacritics_in_terms(tmp_path):
    m = one_topic(tmp_path, "الجيـــش", "هُجُوم")
    assert spans(m, "الجيش صد هجوم") == ["الجيش", "هجوم"]


def test_plain_text_has_no_evasion_flag(tmp_path):
    assert [x.evasion for x in one_topic(tmp_path, "Wagner").classify("Wagner à Bamako").matches] == [False]


@pytest.mark.parametrize(("term", "text"), [("ƙasar", "kasar"), ("kasar", "ƙasar"), ("Ɓoko", "boko")])
def test_hausa_hooked_letters_fold_both_ways(tmp_path, term, text):
    assert spans(one_topic(tmp_path, term), f"a {text} ne") == [text]
