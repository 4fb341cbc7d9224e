"""Hostile X stream lines: skipped (or their bad part left out) with a reason, never raising, and
never costing the stream its connection (a reconnect can cost X's 429 penalty)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess

import pytest

from bot.sources.x.convert import parse_line, parse_page
from tests.conftest import REPO, SAHELWATCH, cli_env
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram
from tests.fakes.x_clients import wait_until
from tests.fakes.x_payloads import tweet, user
from tests.fakes.x_server import fake_x_fixture
from tests.fakes.x_stream import Post, Raw
from tests.hostile_payloads import x_lines, x_partial_lines

fake_x = fake_x_fixture()
CHANNEL = -1001000000077
TEMPLATE = tweet("Embuscade près de Tillabéri", "42")


def quiet_posts() -> list[dict]:
    return [tweet(f"Communiqué numéro {n} sur la météo", "42") for n in range(4)]


@pytest.mark.parametrize(("name", "raw"), x_lines(TEMPLATE).items())
def test_a_hostile_line_is_reported_malformed_with_a_reason(name, raw):
    line = parse_line(raw)
    assert line.kind == "malformed" and line.problem, name


def test_a_line_with_a_bad_part_keeps_its_post():
    posts = quiet_posts()
    lines = [parse_line(raw) for raw in x_partial_lines(posts).values()]
    assert [line.kind for line in lines] == ["post"] * 4
    assert [line.post.platform_id for line in lines] == [p["id"] for p in posts]
    assert lines[0].post.media == () and "includes.media.0: type" in lines[0].problem
    assert lines[1].post.media == () and "width" in lines[1].problem
    assert lines[2].post.text.endswith(" \ufffd") and "\ud800" not in lines[2].post.raw
    assert lines[3].post.text.startswith("\ufffd\ufffd")


def test_a_hostile_page_item_is_skipped_and_the_others_kept():
    good = tweet("Attaque à Ménaka", "42")
    body = json.dumps({"data": [good, {**TEMPLATE, "referenced_tweets": 7}, {**TEMPLATE, "id": "x"}],
                       "meta": {"newest_id": good["id"], "next_token": "t"}}).encode()
    page = parse_page(body)
    assert [p.platform_id for p in page.posts] == [good["id"]] and len(page.skipped) == 2
    assert parse_page(b"[" * 100_000).skipped[0].startswith("page: JSON nested deeper")
    assert parse_page(json.dumps({"meta": {"newest_id": "not-an-id"}}).encode()).meta == {}


def test_hostile_lines_between_two_matching_posts_cost_nothing(fake_x, tmp_path):
    """`sahelwatch run`: both valid posts stored and alerted, bad lines skipped and logged, ONE connection."""
    watchlists = tmp_path / "watchlists"
    watchlists.mkdir()
    (watchlists / "topics.yaml").write_text("topics:\n  attack:\n    terms: [embuscade]\n", encoding="utf-8")
    (watchlists / "channels.yaml").write_text(f'channels:\n  - chat_id: "{CHANNEL}"\n', encoding="utf-8")
    first, last = tweet("Embuscade près de Tillabéri", "42"), tweet("Nouvelle embuscade à Ménaka", "42")
    quiet = quiet_posts()
    fake_x.store.seed([user("42", "sahel_news")], [], [first, last])
    hostile = [Raw(raw + b"\r\n") for raw in [*x_lines(TEMPLATE).values(), *x_partial_lines(quiet).values()]]
    fake_x.stream.script([Post(first["id"]), *hostile, Post(last["id"])])
    db = tmp_path / "run.db"
    with FakeTelegram(limits=FloodLimits(enabled=False)) as tg:
        tg.add_channel(CHANNEL)
        env = cli_env(SAHELWATCH_X_API_URL=fake_x.base_url, X_BEARER_TOKEN=fake_x.token,
                      TELEGRAM_BOT_TOKEN=tg.token, SAHELWATCH_TELEGRAM_API_URL=tg.url,
                      SAHELWATCH_TELEGRAM_PACE="0.05", SAHELWATCH_WATCHLISTS=str(watchlists),
                      SAHELWATCH_DB=str(db), SAHELWATCH_LOG_FORMAT="json")
        proc = subprocess.Popen([*SAHELWATCH, "run"], env=env, cwd=REPO, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            assert wait_until(lambda: len(tg.messages(CHANNEL)) >= 2, 60)
        finally:
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=30)
        texts = [m.text for m in tg.messages(CHANNEL)]
    assert proc.returncode == 0, err
    assert len(texts) == 2 and "Tillabéri" in texts[0] and "Ménaka" in texts[1]
    assert fake_x.stream.connects == 1  # no reconnect for a bad line
    with sqlite3.connect(db) as conn:
        stored = {r[0] for r in conn.execute("SELECT platform_id FROM posts")}
    assert stored == {first["id"], last["id"], *(q["id"] for q in quiet)}
    skipped = [json.loads(line) for line in err.splitlines() if "malformed x stream line skipped" in line]
    assert len(skipped) == len(x_lines(TEMPLATE)) and all(s["problem"] for s in skipped)
