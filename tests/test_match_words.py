"""Term semantics: whole word or whole phrase only; prefix terms; case-sensitive terms."""

import pytest

from tests.watchlist_util import one_topic, spans

NIGER_HITS = ["Niger", "#Niger", "Niger's", "(Niger)", "NIGER", "niger", "Niger.", "@Niger", "Niger-based"]
NIGER_MISSES = ["Nigeria", "Nigerian", "Nigérien", "Nigeria's", "#NigerAttack", "Nigerien", "Nigeriens"]


@pytest.mark.parametrize("text", NIGER_HITS)
def test_niger_matches_the_word_niger(tmp_path, text):
    m = one_topic(tmp_path, "Niger")
    assert spans(m, f"Army of {text} said") == [text.strip("#@(.)").removesuffix("'s").removesuffix("-based")]


@pytest.mark.parametrize("text", NIGER_MISSES)
def test_niger_never_matches_longer_words(tmp_path, text):
    m = one_topic(tmp_path, "Niger")
    assert m.classify(f"Army of {text} said").topics == ()


def test_mali_never_matches_somalia(tmp_path):
    m = one_topic(tmp_path, "Mali")
    assert m.classify("Al-Shabaab in Somalia; SOMALIA; somalian").topics == ()
    assert spans(m, "Somalia and Mali") == ["Mali"]


@pytest.mark.parametrize("text", ["Gaol", "Gaoua", "Gaoan", "AGao"])
def test_gao_never_matches_inside_other_words(tmp_path, text):
    assert one_topic(tmp_path, "Gao").classify(f"prison {text} today").topics == ()


def test_overlapping_terms_are_all_reported(tmp_path):
    m = one_topic(tmp_path, "Niger", "Niger State", "State police")
    assert spans(m, "Niger State police") == ["Niger", "Niger State", "State police"]


def test_repeated_word_reported_each_time(tmp_path):
    assert spans(one_topic(tmp_path, "Niger"), "Niger, Niger niger") == ["Niger", "Niger", "niger"]


def test_prefix_term_matches_at_word_start_and_spans_the_whole_word(tmp_path):
    m = one_topic(tmp_path, "russe*")
    assert spans(m, "Les russes, le Russe et la russerie") == ["russes", "Russe", "russerie"]
    assert m.classify("Les biélorusses et prorusses").topics == ()


def test_prefix_term_for_arabic(tmp_path):
    m = one_topic(tmp_path, "روس*")
    assert spans(m, "القوات الروسية وروسيا") == ["الروسية", "وروسيا"]


def test_case_sensitive_term(tmp_path):
    m = one_topic(tmp_path, "{term: AES, case_sensitive: true}")
    assert spans(m, "AES summit") == ["AES"]
    assert m.classify("aes summit, Aes summit").topics == ()


def test_case_sensitive_term_still_ignores_accents_and_invisibles(tmp_path):
    m = one_topic(tmp_path, "{term: Gao, case_sensitive: true}")
    assert spans(m, "à G\u200bao, GAO report") == ["G\u200bao"]


def test_digits_and_letters_are_one_word(tmp_path):
    m = one_topic(tmp_path, "G5 Sahel")
    assert spans(m, "Le G5 Sahel") == ["G5 Sahel"]
    assert m.classify("Le G55 Sahel").topics == ()
