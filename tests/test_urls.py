"""Canonical article URLs: tracking parameters, AMP and mobile hosts, t.co and odd input."""

from __future__ import annotations

import pytest

from bot.pipeline.urls import canonical_url, canonical_urls, urls_in

ARTICLE = "https://lefaso.net/spip.php?article12345"


@pytest.mark.parametrize("url", [
    "https://lefaso.net/spip.php?article12345",
    "http://www.lefaso.net/spip.php?article12345&utm_source=twitter&utm_medium=social",
    "https://m.lefaso.net/spip.php?article12345&fbclid=IwAR0abc#comments",
    "https://LEFASO.net:443/spip.php?article12345&gclid=x&igshid=y",
    "https://amp.lefaso.net/spip.php?article12345&amp=1",
])
def test_spellings_of_one_article_share_one_form(url: str) -> None:
    assert canonical_url(url) == ARTICLE


@pytest.mark.parametrize(("url", "canonical"), [
    ("https://www.rfi.fr/fr/afrique/20250301-mali-attaque-boulkessi/amp", "https://rfi.fr/fr/afrique/20250301-mali-attaque-boulkessi"),
    ("https://www-rfi-fr.cdn.ampproject.org/c/s/www.rfi.fr/fr/afrique/20250301-mali-attaque-boulkessi/amp/",
     "https://rfi.fr/fr/afrique/20250301-mali-attaque-boulkessi"),
    ("https://www.google.com/amp/s/www.bbc.com/hausa/articles/c123.amp", "https://bbc.com/hausa/articles/c123"),
    ("https://mobile.twitter.com/afp/status/1?s=20&t=abc", "https://twitter.com/afp/status/1"),
    ("https://aljazeera.net/news/2025/3/1/x?page=2&utm_campaign=y", "https://aljazeera.net/news/2025/3/1/x?page=2"),
])
def test_amp_mobile_and_tracking_forms(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_other_parameters_are_kept_and_sorted() -> None:
    assert canonical_url("https://example.org/a?b=2&a=1") == canonical_url("https://example.org/a?a=1&b=2")
    assert canonical_url("https://example.org/a?id=1") != canonical_url("https://example.org/a?id=2")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "mailto:a@b.c", "ftp://x.org/a", "https://", "http://[::1", ""])
def test_not_an_http_url_is_none(url: str) -> None:
    assert canonical_url(url) is None


def test_an_unexpanded_t_co_link_stays_itself() -> None:
    assert canonical_url("https://t.co/AbC123") == "https://t.co/AbC123"


def test_urls_in_text_and_once_each() -> None:
    text = f"Lire: {ARTICLE}&utm_source=x. Aussi (http://www.lefaso.net/spip.php?article12345)…"
    assert urls_in(text) == [f"{ARTICLE}&utm_source=x", "http://www.lefaso.net/spip.php?article12345"]
    assert canonical_urls(urls_in(text)) == (ARTICLE,)
