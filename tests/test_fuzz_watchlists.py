"""Property tests: no watchlist file (hostile YAML, aliases, tags, binary, surrogates) makes the
checker, the compiler or the matcher raise; every problem names the file and line. The bench
runs 10,000 examples: bench/fuzz_alerts_watchlists.py."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.fuzz_support import watchlist_files, watchlist_problems


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(watchlist_files())
def test_no_watchlist_file_makes_anything_raise(data: bytes) -> None:
    assert watchlist_problems(data) == []
