"""Compiling watchlists into X stream rules within the plan's limits, and X's reconnect policy."""

from __future__ import annotations

from bot.pipeline.watchlist_reload import build
from bot.runtime import default_watchlists
from bot.sources.backoff import Backoff
from bot.sources.x.rules import Limits, compile_rules, pack
from bot.sources.x.terms import observed_forms
from tests.fakes.x_query import Doc, matches, parse
from tests.x_helpers import write_watchlist


def compiled(tmp_path, yaml_text, limits=None, ids=None):
    return compile_rules(build(write_watchlist(tmp_path, yaml_text)).watchlist, limits or Limits(), ids)


def test_terms_become_or_packed_atoms_with_phrases_quoted_and_accentless_spellings(tmp_path):
    result = compiled(tmp_path, "topics:\n  mali:\n    terms: [Ménaka, 'Africa Corps', Gao, \"l'armée\"]\n")
    assert [(r.value, r.tag) for r in result.rules] == [
        ('(Ménaka OR menaka OR "Africa Corps" OR Gao OR "l\'armée" OR "l armee")', "sahelwatch:mali:1")
    ]
    assert result.left_out == () and result.notes == ()


def test_arabic_terms_carry_the_matchers_clitic_forms(tmp_path):
    value = compiled(tmp_path, "topics:\n  attack:\n    terms: [هجوم]\n").rules[0].value
    assert {"هجوم", "والهجوم", "بالهجوم", "للهجوم", "وهجوم"} <= set(value.strip("()").split(" OR "))


def test_prefix_terms_are_sent_with_their_inflected_forms_and_reported(tmp_path):
    result = compiled(tmp_path, "topics:\n  russia:\n    terms: [russe*]\n")
    atoms = result.rules[0].value.strip("()").split(" OR ")
    assert atoms[0] == "russe" and {"russes", "russé", "russée", "russées"} <= set(atoms)
    assert result.notes == (
        "russia: X has no prefix match: russe* is sent as russe and 11 inflected spellings; "
        "other words starting with 'russe' reach SahelWatch only if X sends them",
    )


def test_prefix_expansion_gives_way_to_the_rule_limit(tmp_path):
    terms = ", ".join(f"ville{n:02d}*" for n in range(8))
    result = compiled(tmp_path, f"topics:\n  towns:\n    terms: [{terms}]\n", Limits(max_rules=2, max_length=100))
    assert result.left_out == () and result.rules[0].value.startswith("(ville00 OR ville01")
    assert "towns: X has no prefix match: ville00* is sent as ville00 only (inflected forms left out to stay " \
           "within the rule limit)" in result.notes


def test_stored_posts_add_the_spellings_they_show(tmp_path):
    wl = build(write_watchlist(tmp_path, "topics:\n  a:\n    terms: [embuscade*]\n")).watchlist
    seen = observed_forms(wl, ["Deux EMBUSCADES meurtrières", "contre-embuscade", "rien"])
    assert seen == {"embuscade*": ["EMBUSCADES", "embuscade"]}
    value = compile_rules(wl, observed=seen).rules[0].value
    assert value.startswith("(embuscade OR EMBUSCADES OR")


def test_require_and_exclude_are_applied_only_when_x_cannot_narrow_them(tmp_path):
    exact = compiled(tmp_path, "topics:\n  t:\n    terms: [Gao]\n    require: [soldats]\n    exclude: [football]\n")
    assert exact.rules[0].value == "Gao soldats -football"
    loose = compiled(
        tmp_path,
        "topics:\n  t:\n    terms: [Gao]\n    require: [militaire*]\n"
        "    exclude: [{term: AES, case_sensitive: true}]\n",
    )
    assert loose.rules[0].value == "Gao"  # broader on X; SahelWatch's matcher still applies both
    assert any("'require' is not applied on X" in note for note in loose.notes)


def test_packing_respects_the_rule_length_and_count(tmp_path):
    terms = ", ".join(f"ville{n:03d}" for n in range(60))
    result = compiled(tmp_path, f"topics:\n  towns:\n    terms: [{terms}]\n", Limits(max_rules=3, max_length=100))
    assert all(len(r.value) <= 100 for r in result.rules) and len(result.rules) == 3
    assert [r.tag for r in result.rules] == ["sahelwatch:towns:1", "sahelwatch:towns:2", "sahelwatch:towns:3"]
    over = [item for item in result.left_out if "limit" in item.reason]
    kept = " ".join(r.value for r in result.rules) + " ".join(item.term for item in over)
    assert all(f"ville{n:03d}" in kept for n in range(60))  # every term is in a rule or reported


def test_an_atom_longer_than_a_rule_is_left_out_by_name(tmp_path):
    result = compiled(
        tmp_path, "topics:\n  t:\n    terms: [Gao, 'Jama at Nusrat al-Islam wal-Muslimin']\n", Limits(max_length=30)
    )
    assert [r.value for r in result.rules] == ["Gao"]
    assert {(i.topic, i.term) for i in result.left_out} == {("t", "Jama at Nusrat al-Islam wal-Muslimin")}


def test_accounts_use_ids_when_resolved(tmp_path):
    result = compiled(tmp_path, "accounts:\n  x: [Sahel_News, other]\n", ids={"sahel_news": "42"})
    assert [(r.value, r.tag) for r in result.rules] == [("(from:42 OR from:other)", "sahelwatch:accounts:1")]


def test_the_shipped_watchlists_fit_the_default_plan_and_a_search_query(tmp_path):
    watchlist = build(default_watchlists()).watchlist
    rules, queries = compile_rules(watchlist), compile_rules(watchlist, Limits(max_length=512))
    assert rules.left_out == () and queries.left_out == ()
    assert max(len(r.value) for r in rules.rules) <= 1024 and max(len(r.value) for r in queries.rules) <= 512
    assert len(rules.rules) < 150  # of 1,000 allowed, with every prefix term expanded
    assert not any("only (inflected forms left out" in note for note in rules.notes)


def passes_stream(rules, text, topic=""):
    mine = [r for r in rules.rules if r.tag.startswith(f"sahelwatch:{topic}")]
    return any(matches(parse(r.value), Doc((text,)), accents=True) for r in mine)


def test_the_shipped_rules_let_inflected_forms_through_the_accent_sensitive_stream():
    rules = compile_rules(build(default_watchlists()).watchlist)
    for topic, text in [("attack", "Trois attaques dans le Liptako"), ("attack", "Le camp a été attaqué"),
                        ("attack", "positions attaquées"), ("kidnapping", "Two soldiers kidnapped"),
                        ("kidnapping", "des otages libérés"), ("kidnapping", "إن المسلحين اختطفوا 12 شخصا"),
                        ("kidnapping", "الإفراج عن المختطفين")]:
        assert passes_stream(rules, text, topic), text
    assert not passes_stream(rules, "الدوري الإيطالي يتوقف")  # دوري (Dori) never as الدوري ("the league")


def test_known_article_words_get_no_article_forms_unless_asked(tmp_path):
    terms = "[غاو, دوري, هجوم, {term: كوتا, arabic_article: true}]"
    result = compiled(tmp_path, f"topics:\n  t:\n    terms: {terms}\n")
    atoms = set(result.rules[0].value.strip("()").split(" OR "))
    assert {"الغاو", "دوري", "ودوري", "الهجوم", "للهجوم", "الكوتا"} <= atoms
    assert not {"الدوري", "والدوري", "للدوري"} & atoms


def test_pack_puts_atoms_in_order_and_groups_only_when_needed():
    assert pack(["a"], "", 10) == (["a"], [])
    assert pack(["aa", "bb", "cc"], "", 12) == (["(aa OR bb)", "cc"], [])
    assert pack(["aa", "waytoolong"], "x", 8) == (["aa x"], ["waytoolong"])


def test_backoff_follows_x_reconnect_policy():
    backoff = Backoff()
    assert [backoff.next("network") for _ in range(67)][-3:] == [16.0, 16.0, 16.0]
    backoff.reset()
    assert [backoff.next("network") for _ in range(4)] == [0.0, 0.25, 0.5, 0.75]
    assert [backoff.next("http") for _ in range(8)] == [5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 320.0]
    backoff.reset()
    assert [backoff.next("rate") for _ in range(6)] == [60.0, 120.0, 240.0, 480.0, 960.0, 960.0]
    assert backoff.next("closed") == 0.0
