"""Event types (ACLED) and casualty numbers from watchlists/events.yaml, and its checker."""

from pathlib import Path

import pytest

from bot.errors import WatchlistError
from bot.models import Casualties
from bot.pipeline.events import EventClassifier
from bot.watchlist.event_rules import check_events, load_events
from bot.watchlist.limits import WatchlistLimits
from bot.watchlist.load import check_directory

SHIPPED = Path(__file__).resolve().parent.parent / "watchlists"
CLASSIFIER = EventClassifier(load_events(SHIPPED / "events.yaml"))


@pytest.mark.parametrize(("text", "event"), [
    ("Jihadists attacked the army camp, killing 12 soldiers.", "battle"),
    ("Embuscade contre une patrouille : 10 soldats tués.", "battle"),
    ("An kashe sojojin Nijar 10 a wani kwanton bauna.", "battle"),
    ("Suicide bomber kills 6 at a market in Gwoza.", "remote_violence"),
    ("Un engin explosif tue 2 soldats près de Djibo.", "remote_violence"),  # IED, not a battle
    ("غارة بطائرة مسيرة للجيش قرب غاو", "remote_violence"),
    ("Gunmen killed 30 villagers overnight.", "violence_against_civilians"),
    ("'Yan bindiga sun sace mutane 25.", "violence_against_civilians"),
    ("Say : des bandits armés enlèvent 3 commerçants sur le marché.", "violence_against_civilians"),  # marché
    ("Riots in Agadez as youths burn tyres.", "riot"),
    ("الآلاف يتظاهرون في واغادوغو دعما للجيش", "protest"),
    ("Des éléments de l'Africa Corps sont arrivés à Kidal.", "strategic"),
    ("Le Mali suspend la diffusion de France 24.", None),
])
def test_event_type_by_cues_and_precedence(text, event):
    assert CLASSIFIER.classify(text)[0] == event


@pytest.mark.parametrize(("text", "casualties"), [
    ("12 soldats tués dans une attaque", Casualties(killed=12)),
    ("مقتل 5 جنود في هجوم", Casualties(killed=5)),
    ("'Yan bindiga sun kai hari, an kashe mutane 10", Casualties(killed=10)),
    ("Four gendarmes killed and three wounded in an attack", Casualties(killed=4, wounded=3)),
    ("4 gendarmes tués, 3 blessés", Casualties(killed=4, wounded=3)),
    ("مقتل أربعة دركيين وإصابة ثلاثة", Casualties(killed=4, wounded=3)),
    ("قصف يخلف قتيلين وثمانية جرحى", Casualties(killed=2, wounded=8)),
    ("'Yan bindiga sun sace dalibai arba'in", Casualties(kidnapped=40)),
    ("20 morts parmi les civils et une dizaine de blessés", Casualties(killed=20, wounded=10)),
    ("Sun kashe manoma tara a Mafa", Casualties(killed=9)),
    ("La société a dégagé un boni de 3 milliards, 12 ans après.", Casualties()),
    ("Attack in 2025 killed villagers", Casualties()),
])
def test_casualty_numbers_in_four_languages(text, casualties):
    assert CLASSIFIER.classify(text)[1] == casualties


def test_events_file_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "events.yaml"
    bad.write_text("events:\n  battle:\n    cues: [clash, NO]\n  fight:\n    cues: [x]\nnumbers:\n  two: deux\n",
                   encoding="utf-8")
    rules, problems = check_events(bad, "events.yaml")
    assert rules is None
    assert [str(p) for p in problems] == [
        "events.yaml:3:19: a word in events.battle.cues must be text, but YAML 1.1 reads NO as a boolean "
        "(False); quote it: \"NO\"",
        "events.yaml:4:3: unknown event type 'fight'; known: battle, remote_violence, "
        "violence_against_civilians, protest, riot, strategic",
        "events.yaml:7:8: numbers.two must be a whole number",
    ]


def test_watchlist_check_covers_events_yaml(tmp_path):
    (tmp_path / "topics.yaml").write_text("topics:\n  a:\n    terms: [attaque]\n", encoding="utf-8")
    (tmp_path / "events.yaml").write_text("events:\n  battle:\n    cues: [clash, clash]\nevents: {}\n",
                                          encoding="utf-8")
    checked = check_directory(tmp_path)
    assert checked.watchlist is None
    assert any("events.yaml:4:1" in str(p) and "duplicate key 'events'" in str(p) for p in checked.problems)


def test_shipped_events_file_is_valid():
    rules, problems = check_events(SHIPPED / "events.yaml", "events.yaml")
    assert rules is not None and [p for p in problems if p.level == "error"] == []
    assert list(rules.cues) == ["battle", "remote_violence", "riot", "protest", "violence_against_civilians",
                                "strategic"]


def test_events_file_obeys_the_watchlist_size_and_alias_limits(tmp_path):
    big = tmp_path / "events.yaml"
    big.write_text("violence: [" + ", ".join(["attack"] * 100) + "]\n", encoding="utf-8")
    rules, problems = check_events(big, "events.yaml", WatchlistLimits(file_bytes=200))
    assert rules is None and "over the limit of 200" in str(problems[0])
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("units: &a [x, x, x, x, x, x, x, x, x, x]\nviolence: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                    "numbers: {one: 1}\nfallback: battle\nevents: {battle: {cues: [*b, *b, *b, *b, *b, *b]}}\n",
                    encoding="utf-8")
    rules, problems = check_events(bomb, "events.yaml", WatchlistLimits(yaml_nodes=300))
    assert rules is None and "SAHELWATCH_WATCHLIST_MAX_NODES" in str(problems[0])


def test_an_events_file_that_cannot_be_read_is_one_clear_problem_not_a_traceback(tmp_path):
    """The code copied without its watchlists folder, or a directory where the file should be."""
    missing = tmp_path / "events.yaml"
    with pytest.raises(WatchlistError) as raised:
        load_events(missing)
    assert str(raised.value) == f"{missing}: cannot read: No such file or directory"
    missing.mkdir()
    rules, problems = check_events(missing, "watchlists/events.yaml")
    assert rules is None and [str(p) for p in problems] == ["watchlists/events.yaml: cannot read: Is a directory"]
