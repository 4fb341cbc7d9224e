"""Property tests: for any post (hostile text, surrogates, 40 KB URLs, hundreds of media and
matches), every form of its alert fits Telegram's limits and is HTML Telegram accepts, parsing
to exactly the text we measured. The bench runs 10,000 examples: bench/fuzz_alerts_watchlists.py."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from bot.models import Post
from tests.fuzz_support import alert_problems, posts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts())
def test_every_alert_fits_and_parses(post: Post) -> None:
    assert alert_problems(post) == []
