"""Phrases match across any run of spaces or punctuation; spans are ORIGINAL-text offsets."""

import pytest

from tests.watchlist_util import one_topic, spans

GAPS = [" ", "   ", "\n", "\t", " - ", "-", ", ", "_", " / ", "\u00a0", "\u3000", "…"]


@pytest.mark.parametrize("gap", GAPS)
def test_phrase_across_spaces_and_punctuation(tmp_path, gap):
    assert spans(one_topic(tmp_path, "Africa Corps"), f"L'Africa{gap}Corps arrive") == [f"Africa{gap}Corps"]


def test_punctuation_in_a_term_is_a_separator_too(tmp_path):
    m = one_topic(tmp_path, "coup d'État", "N'Djamena")
    assert spans(m, "coup d’état à N Djamena") == ["coup d’état", "N Djamena"]


def test_phrase_needs_its_words_whole(tmp_path):
    m = one_topic(tmp_path, "Africa Corps")
    assert m.classify("Africa Corpse, SouthAfrica Corps").topics == ()


def test_spans_are_original_offsets_after_invisibles_and_expansions(tmp_path):
    m = one_topic(tmp_path, "Wagner", "Africa Corps", "strasse")
    text = "ﬁ\u200b\u200b Straße \u202eWag\u00adner\u202c —  Africa\u200b  Corps!"
    got = [(text[x.start:x.end], x.start, x.end) for x in m.classify(text).matches]
    wagner = text.index("Wag")
    africa = text.index("Africa")
    straße = text.index("Straße")
    assert got == [("Straße", straße, straße + 6), ("Wag\u00adner", wagner, wagner + 7),
                   ("Africa\u200b  Corps", africa, africa + 14)]


def test_span_includes_trailing_combining_marks(tmp_path):
    text = "a Tillabe\u0301ri\u0301."
    [match] = one_topic(tmp_path, "Tillaberi").classify(text).matches
    assert text[match.start:match.end] == "Tillabe\u0301ri\u0301"


def test_emoji_and_surrogate_plane_text_keeps_offsets(tmp_path):
    text = "🔴🇳🇪 Alerte: Wagner 𝐚 Gao"
    [match] = one_topic(tmp_path, "Wagner").classify(text).matches
    assert text[match.start:match.end] == "Wagner"
