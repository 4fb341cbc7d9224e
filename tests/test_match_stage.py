"""The match stage: topics (sorted), severity, require/exclude, and no post is ever dropped."""

from datetime import UTC, datetime

from bot.models import Match, Post
from bot.pipeline.base import Context, Pipeline
from bot.pipeline.match import match
from bot.pipeline.normalise import normalise
from bot.pipeline.watchlist_reload import WatchlistHolder
from tests.watchlist_util import write

WATCHLIST = """
topics:
  wagner:
    severity: urgent
    terms: [Wagner]
  ambush:
    terms: [embuscade*]
    require: [soldat*, militaires]
    exclude: [football, "match de"]
  attack:
    terms: [attaque]
"""


def post(text: str) -> Post:
    return Post("test", "1", text, datetime(2025, 1, 1, tzinfo=UTC))


def pipeline(tmp_path) -> Pipeline:
    write(tmp_path, "w.yaml", WATCHLIST)
    holder = WatchlistHolder(tmp_path)
    return Pipeline([normalise, match], Context(extras={"watchlist": holder}))


def test_topics_sorted_matches_in_text_order_and_urgent_severity(tmp_path):
    text = "Attaque de Wagner après l'embuscade contre des soldats"
    result = pipeline(tmp_path).run(post(text))
    assert result.topics == ("ambush", "attack", "wagner")
    assert result.severity == "urgent"
    wagner, embuscade = text.index("Wagner"), text.index("embuscade")
    assert result.matches == (
        Match("attack", "attaque", 0, 7),
        Match("wagner", "Wagner", wagner, wagner + 6),
        Match("ambush", "embuscade*", embuscade, embuscade + 9),
    )


def test_routine_when_no_urgent_topic_fired(tmp_path):
    assert pipeline(tmp_path).run(post("une attaque")).severity == "routine"


def test_require_missing_means_no_topic(tmp_path):
    assert pipeline(tmp_path).run(post("Embuscade tendue aux civils")).topics == ()


def test_exclude_hit_means_no_topic(tmp_path):
    result = pipeline(tmp_path).run(post("Embuscade de militaires ... au match de football"))
    assert (result.topics, result.matches, result.severity) == ((), (), None)


def test_unmatched_post_passes_through_unchanged(tmp_path):
    original = post("Rien à signaler à Niamey")
    result = pipeline(tmp_path).run(original)
    assert result is not None
    assert (result.text, result.topics, result.matches, result.severity) == (original.text, (), (), None)


def test_stage_clears_stale_results_from_an_earlier_run(tmp_path):
    stale = post("Rien").with_(topics=("old",), matches=(Match("old", "x", 0, 1),), severity="urgent")
    result = pipeline(tmp_path).run(stale)
    assert (result.topics, result.matches, result.severity) == ((), (), None)


def test_stage_accepts_a_bare_matcher(tmp_path):
    write(tmp_path, "w.yaml", WATCHLIST)
    holder = WatchlistHolder(tmp_path)
    result = match(post("Wagner"), Context(extras={"watchlist": holder.matcher}))
    assert result.topics == ("wagner",)
