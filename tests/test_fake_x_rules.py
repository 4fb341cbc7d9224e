"""The fake's filtered-stream rules endpoints, driven by a real tweepy StreamingClient."""

from __future__ import annotations

import pytest
import tweepy
from tweepy import StreamRule

from tests.fakes.x_clients import stream_for
from tests.fakes.x_server import FakeX, XConfig, fake_x_fixture

fake_x = fake_x_fixture()


def test_rules_round_trip_with_string_ids_and_tags_persisting_across_clients(fake_x):
    added = stream_for(fake_x).add_rules(
        [StreamRule('Ménaka OR "Africa Corps"', tag="wl:mali:1"), StreamRule("from:sahel_news")]
    )
    assert added.meta["summary"] == {"created": 2, "not_created": 0, "valid": 2, "invalid": 0}
    assert all(isinstance(rule.id, str) for rule in added.data)
    listed = stream_for(fake_x).get_rules()
    assert {(r.value, r.tag) for r in listed.data} == {
        ('Ménaka OR "Africa Corps"', "wl:mali:1"),
        ("from:sahel_news", None),
    }
    assert fake_x.rules.values() == {(r.value, r.tag) for r in listed.data}
    deleted = stream_for(fake_x).delete_rules([added.data[0].id, "999"])
    assert deleted.meta["summary"] == {"deleted": 1, "not_deleted": 1}
    assert deleted.errors[0]["value"] == "999"
    assert [r.value for r in stream_for(fake_x).get_rules().data] == ["from:sahel_news"]


def test_get_rules_by_ids_and_empty_list(fake_x):
    client = stream_for(fake_x)
    assert client.get_rules().data is None
    assert client.get_rules().meta["result_count"] == 0
    first = fake_x.rules.add("Gao", tag="a")
    fake_x.rules.add("Kidal", tag="b")
    assert [r.value for r in client.get_rules(ids=[first.id]).data] == ["Gao"]


def test_duplicates_are_reported_with_the_existing_id_and_the_rest_is_created(fake_x):
    existing = fake_x.rules.add("Tillabéri", tag="old")
    response = stream_for(fake_x).add_rules(
        [StreamRule("Tillabéri", tag="new"), StreamRule("Tahoua"), StreamRule("Tahoua")]
    )
    assert [r.value for r in response.data] == ["Tahoua"]
    assert [(e["title"], e["id"]) for e in response.errors] == [
        ("DuplicateRule", existing.id),
        ("DuplicateRule", response.data[0].id),
    ]
    assert response.meta["summary"] == {"created": 1, "not_created": 2, "valid": 1, "invalid": 2}


@pytest.mark.parametrize(
    "value",
    [
        '"unclosed phrase',
        "-Gao",
        "is:retweet",
        "lang:fr has:media",
        "(Gao OR Kidal",
        "Gao)",
        "bogus:op Gao",
        "x" * 1025,
        "",
    ],
)
def test_invalid_and_too_long_rules_are_200_with_errors_and_not_created(fake_x, value):
    response = stream_for(fake_x).add_rules(StreamRule(value, tag="t"))
    assert response.data is None
    assert response.errors[0]["type"].endswith("/invalid-rules")
    assert response.meta["summary"]["invalid"] == 1
    assert fake_x.rules.values() == set()


@pytest.mark.parametrize("value", ["x" * 1024, "Gao lang:fr", "Niamey -is:retweet", '"a b" OR @c OR #d'])
def test_valid_edge_rules_are_accepted(fake_x, value):
    assert stream_for(fake_x).add_rules(StreamRule(value)).meta["summary"]["created"] == 1


def test_dry_run_validates_without_storing(fake_x):
    response = stream_for(fake_x).add_rules([StreamRule("Gao"), StreamRule('"bad')], dry_run=True)
    assert [r.value for r in response.data] == ["Gao"]
    assert response.meta["summary"] == {"created": 1, "not_created": 1, "valid": 1, "invalid": 1}
    assert fake_x.rules.values() == set()


def test_rule_cap_and_length_come_from_the_configured_tier():
    with FakeX(XConfig(max_rules=2, max_rule_length=10)) as fake:
        client = stream_for(fake)
        assert client.add_rules(StreamRule("01234567890")).errors[0]["type"].endswith("/invalid-rules")
        assert client.add_rules([StreamRule("Gao"), StreamRule("Kidal")]).meta["summary"]["created"] == 2
        capped = client.add_rules(StreamRule("Mopti"))
        assert capped.data is None and capped.errors[0]["type"].endswith("/rule-cap")
        assert {value for value, _ in fake.rules.values()} == {"Gao", "Kidal"}


def test_tiers_without_stream_access_get_403_client_not_enrolled(fake_x):
    fake_x.stream_enrolled = False
    with pytest.raises(tweepy.Forbidden) as caught:
        stream_for(fake_x).get_rules()
    assert caught.value.response.json()["reason"] == "client-not-enrolled"


def test_malformed_rule_bodies_are_400(fake_x):
    session = stream_for(fake_x).session
    url = "https://api.twitter.com/2/tweets/search/stream/rules"
    headers = {"Authorization": f"Bearer {fake_x.token}"}
    both = session.post(url, json={"add": [{"value": "Gao"}], "delete": {"ids": ["1"]}}, headers=headers)
    assert both.status_code == 400 and both.json()["type"].endswith("/invalid-request")
    assert session.post(url, json={"add": [{"tag": "no value"}]}, headers=headers).status_code == 400
    assert session.post(url, data=b"not json", headers=headers).status_code == 400
