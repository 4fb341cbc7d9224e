"""Topic labels: what alerts and digests call a topic (``label:``, default the name title-cased),
and ``internal: true`` topics that are never named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.alerts import format as fmt
from bot.alerts.channels import RoutingHolder
from bot.alerts.digest import digest_messages
from bot.alerts.routing import ChannelRule
from bot.models import Post
from bot.watchlist.load import check_directory
from tests.watchlist_util import write

WATCHLIST = """\
topics:
  attack:
    label: Attacks and raids
    terms: [attack]
  burkina_faso:
    terms: [Djibo]
  ambiguous_places:
    internal: true
    terms: [{term: Gao, case_sensitive: true}]
"""


def labels(tmp_path) -> dict[str, str | None]:
    write(tmp_path, "w.yaml", WATCHLIST)
    checked = check_directory(tmp_path)
    assert checked.problems == () and checked.watchlist is not None
    return {t.name: t.shown for t in checked.watchlist.topics}


def post(topics: tuple[str, ...]) -> Post:
    return Post(platform="x", platform_id="1", text="attack near Djibo and Gao", lang="en", severity="urgent",
                created_at=datetime(2026, 11, 20, 6, 5, tzinfo=UTC), topics=topics)


def test_labels_default_to_the_title_cased_name_and_internal_topics_are_none(tmp_path):
    assert labels(tmp_path) == {"attack": "Attacks and raids", "burkina_faso": "Burkina Faso",
                                "ambiguous_places": None}


def test_the_alert_header_shows_labels_never_internal_topics(tmp_path):
    shown = fmt.render_alert(post(("ambiguous_places", "attack", "burkina_faso")), labels=labels(tmp_path))
    assert shown.plain.split("\n")[0] == "🔴 URGENT · Attacks and raids, Burkina Faso"
    only_internal = fmt.render_alert(post(("ambiguous_places",)), labels=labels(tmp_path))
    assert only_internal.plain.split("\n")[0] == "🔴 URGENT" and "ambiguous" not in only_internal.plain.lower()


def test_a_digest_counts_topics_by_label_and_hides_internal_ones(tmp_path):
    start = datetime(2026, 11, 20, 6, tzinfo=UTC)
    [digest] = digest_messages(ChannelRule("-1"), start, start + timedelta(hours=1),
                               [post(("ambiguous_places", "attack"))], labels(tmp_path))
    assert "Topics: Attacks and raids 1" in digest.plain and "mbiguous" not in digest.plain


def test_wrong_types_for_label_and_internal_are_reported(tmp_path):
    write(tmp_path, "w.yaml", "topics:\n  a:\n    label: [x]\n    internal: maybe\n    terms: [attack]\n")
    found = [str(p) for p in check_directory(tmp_path).problems]
    assert any(":3:12: label must be text" in p for p in found), found
    assert any(":4:15: internal must be true or false, found 'maybe'" in p for p in found), found


def test_the_routing_in_use_carries_the_current_labels(tmp_path):
    (tmp_path / "channels.yaml").write_text('channels:\n  - chat_id: "-100"\n', encoding="utf-8")
    current = {"attack": "Attacks"}
    holder = RoutingHolder(tmp_path / "channels.yaml", labels=lambda: dict(current))
    assert holder.get().labels == {"attack": "Attacks"}
    current["attack"] = "Raids"  # a watchlist reload: the next alert uses the new label
    assert holder.get().labels == {"attack": "Raids"}
