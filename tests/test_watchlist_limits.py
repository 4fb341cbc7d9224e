"""Hostile watchlists are refused with file:line errors by every command, and never crash anything.

Before the limits, a 1 MB term passed `watchlist check` and then crashed `analyze`, `watchlist
explain` and a running bot's reload (SIGSEGV in the Aho-Corasick build); a 22 KB file repeating
one aliased list of terms expanded to 1.2 million terms. The real CLI runs in a subprocess, so a
crash shows as a negative return code.
"""

from __future__ import annotations

from pathlib import Path

from bot.pipeline.watchlist_reload import Loaded, Rejected, WatchlistHolder
from bot.watchlist.limits import WatchlistLimits
from bot.watchlist.load import check_directory
from tests.watchlist_util import run_cli, write

GOOD = "topics:\n  attack:\n    severity: urgent\n    terms: [ambush]\n"
TERM_1MB = "topics:\n  attack:\n    terms:\n      - ambush\n      - " + "a" * 1_000_000 + "\n"


def alias_bomb(topics: int = 1200, terms: int = 1000) -> str:
    """~34 KB of YAML that expands to ``topics * terms`` terms through one anchor."""
    listed = ", ".join(f"w{i}" for i in range(terms))
    lines = ["topics:", f"  t0:\n    terms: &many [{listed}]"]
    return "\n".join([*lines, *(f"  t{i}: {{terms: *many}}" for i in range(1, topics))]) + "\n"


def out_lines(result) -> list[str]:
    return result.stdout.splitlines()


def test_check_refuses_a_1mb_term_by_file_size_and_then_by_term_length(tmp_path):
    write(tmp_path, "w.yaml", TERM_1MB)
    result = run_cli("watchlist", "check", str(tmp_path))
    assert result.returncode == 1
    assert out_lines(result)[0].startswith(f"{tmp_path}/w.yaml:1:1: file is 1,000,053 bytes, over the limit of "
                                           "1,000,000 (SAHELWATCH_WATCHLIST_MAX_BYTES)")
    bigger = run_cli("watchlist", "check", str(tmp_path), env={"SAHELWATCH_WATCHLIST_MAX_BYTES": "2000000"})
    assert bigger.returncode == 1
    assert out_lines(bigger) == [
        f"{tmp_path}/w.yaml:5:9: term '{'a' * 40}…' is 1,000,000 characters, over the limit of 200 "
        "(SAHELWATCH_WATCHLIST_MAX_TERM_CHARS)", "invalid: 1 error(s), 0 warning(s)"]


def test_analyze_and_explain_refuse_a_1mb_term_instead_of_crashing(tmp_path):
    write(tmp_path, "w.yaml", TERM_1MB)
    env = {"SAHELWATCH_WATCHLIST_MAX_BYTES": "2000000"}
    analyzed = run_cli("analyze", "--watchlists", str(tmp_path), "-", stdin='{"id": "1", "text": "ambush"}\n',
                       env=env)
    explained = run_cli("watchlist", "explain", "--watchlists", str(tmp_path), "ambush", env=env)
    for result in (analyzed, explained):
        assert result.returncode == 2, result.stderr  # a crash would be negative (a signal)
        assert "w.yaml:5:9: term 'aaaa" in result.stderr and "over the limit of 200" in result.stderr


def test_alias_bomb_is_refused_at_the_anchor_without_expanding_it(tmp_path):
    write(tmp_path, "w.yaml", alias_bomb())
    assert (tmp_path / "w.yaml").stat().st_size < 40_000
    result = run_cli("watchlist", "check", str(tmp_path))
    assert result.returncode == 1
    assert out_lines(result) == [
        f"{tmp_path}/w.yaml:3:12: YAML aliases (*name) repeat the anchor here until the file holds more than "
        "200,000 values (SAHELWATCH_WATCHLIST_MAX_NODES); write terms out once", "invalid: 1 error(s), 0 warning(s)"]


def test_a_few_aliases_are_fine(tmp_path):
    write(tmp_path, "w.yaml", alias_bomb(topics=3, terms=5))
    result = run_cli("watchlist", "check", str(tmp_path))
    assert result.returncode == 0 and out_lines(result)[-1].startswith("valid: 3 topics, 15 terms")


def test_terms_per_topic_and_in_total_are_limited_as_configured(tmp_path):
    write(tmp_path, "a.yaml", "topics:\n  one:\n    terms: [alpha, beta, gamma, delta]\n")
    write(tmp_path, "b.yaml", "topics:\n  two:\n    terms: [epsilon, zeta]\n    exclude: [theta]\n")
    result = run_cli("watchlist", "check", str(tmp_path), env={"SAHELWATCH_WATCHLIST_MAX_TERMS_PER_TOPIC": "3",
                                                                "SAHELWATCH_WATCHLIST_MAX_TERMS": "6"})
    assert out_lines(result) == [
        f"{tmp_path}/a.yaml:2:3: topic 'one' has 4 terms, over the limit of 3 "
        "(SAHELWATCH_WATCHLIST_MAX_TERMS_PER_TOPIC)",
        f"{tmp_path}/b.yaml:2:3: the watchlists hold more than 6 terms by topic 'two' (SAHELWATCH_WATCHLIST_MAX_TERMS)",
        "invalid: 2 error(s), 0 warning(s)"]


def test_deep_nesting_is_an_error_not_a_crash(tmp_path):
    write(tmp_path, "w.yaml", "topics:\n  t:\n    terms: " + "[" * 500 + "x" + "]" * 500 + "\n")
    result = run_cli("watchlist", "check", str(tmp_path))
    assert result.returncode == 1
    assert out_lines(result)[0] == f"{tmp_path}/w.yaml:3:73: nested more than 64 levels deep; a watchlist " \
                                   "needs at most 6"


def test_the_pure_python_yaml_parser_is_bounded_too(tmp_path, monkeypatch):
    import yaml

    from bot.watchlist import nodes

    monkeypatch.setattr(nodes, "LOADER", yaml.SafeLoader)  # without libyaml: recursion per level
    write(tmp_path, "w.yaml", "topics:\n  t:\n    terms: " + "[" * 5000 + "x" + "]" * 5000 + "\n")
    [problem] = check_directory(tmp_path).problems
    assert "nested more than 64 levels deep" in problem.message


def test_reload_refuses_each_hostile_edit_and_keeps_the_last_good(tmp_path):
    write(tmp_path, "w.yaml", GOOD)
    holder = WatchlistHolder(tmp_path, debounce=0, limits=WatchlistLimits())
    good = holder.current
    rejected = []
    holder.on_invalid.append(rejected.append)
    for n, hostile in enumerate([TERM_1MB, alias_bomb(), "topics:\n  t:\n    terms: [" + "x" * 201 + "]\n"]):
        path = write(tmp_path, "w.yaml", hostile)
        path.touch()
        (tmp_path / f"extra{n}.yaml").write_text(GOOD.replace("attack", f"extra{n}"), encoding="utf-8")
        assert isinstance(holder.check_now(), Rejected)
        assert holder.current is good and holder.matcher.classify("an ambush").topics == ("attack",)
    assert [len(r.problems) for r in rejected] == [1, 1, 1]
    write(tmp_path, "w.yaml", GOOD)
    assert isinstance(holder.check_now(), Loaded)


def test_the_shipped_watchlists_are_far_inside_the_limits():
    root = Path(__file__).resolve().parents[1] / "watchlists"
    limits = WatchlistLimits()
    checked = check_directory(root, limits)
    assert checked.watchlist is not None
    terms = [t for topic in checked.watchlist.topics for t in (*topic.terms, *topic.require, *topic.exclude)]
    assert len(terms) * 5 < limits.terms_total and max(len(t.text) for t in terms) * 2 < limits.term_chars
