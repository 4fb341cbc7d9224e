"""Property tests: no hostile line escapes the X line parser or the JSONL reader, and every valid
item among hostile ones is kept (and stored). A bounded run here; ``bench/fuzz_payloads.py`` runs
10,000 examples per target."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store.db import Store
from tests.fuzz_payloads import check_jsonl, check_x_lines

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.data_too_large])


@BOUNDED
@given(st.data())
def test_x_stream_lines(data):
    assert check_x_lines(data) == []


def test_jsonl_files(tmp_path):
    store = Store(tmp_path / "fuzz.db")

    @BOUNDED
    @given(st.data())
    def run(data):
        assert check_jsonl(data, store) == []

    run()
