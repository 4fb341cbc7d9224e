"""Matching throughput and reload time with a generated 2,000-term multilingual watchlist.

    python bench/match.py [--terms 2000] [--posts 20000] [--seed 7]

Prints figures (never pass/fail). Goals from issue 4: >= 50,000 posts/s on one core and a
reload of the 2,000-term list in <= 200 ms. Posts are synthetic: news-like sentences in en/fr/
ar/ha, 35 % with an inserted term, 10 % with a trap word (Nigeria, Somalia, Gaol, المالية),
hashtags, t.co links, emoji, and a few zero-width characters.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.models import Post
from bot.pipeline.base import Context
from bot.pipeline.match import match
from bot.pipeline.watchlist_reload import build

REAL = [
    "Wagner", "Africa Corps", "JNIM", "GSIM", "EIGS", "ISWAP", "Boko Haram", "Barkhane", "MINUSMA",
    "embuscade", "attaque", "ambush", "drone strike", "frappe de drone", "enlèvement", "kidnapping",
    "coup d'État", "Tillabéri", "Ménaka", "Niamey", "Kidal", "Gao", "Djibo", "Dori", "Maiduguri", "Zamfara",
    "'yan bindiga", "garkuwa da mutane", "juyin mulki", "kwanton bauna", "فاغنر", "الفيلق الأفريقي", "هجوم",
    "كمين", "عبوة ناسفة", "غارة جوية", "انقلاب", "النيجر", "باماكو", "بوكو حرام",
]
LATIN = ["ka", "ou", "ba", "di", "ga", "ta", "ni", "ma", "so", "ré", "lé", "djo", "kou", "fa", "sé",
         "bou", "ti"]
ARABIC = list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
SENTENCES = [
    "Reports say several vehicles were seen near the market on the road to the north this morning",
    "Selon des sources locales, la situation reste tendue dans la région depuis plusieurs jours",
    "أفادت مصادر محلية بأن الوضع لا يزال متوترا في المنطقة منذ عدة أيام",
    "Rahotanni sun ce an ga motoci da dama a kusa da kasuwa a kan hanyar arewa",
    "Breaking: officials confirmed a meeting with community leaders in the capital",
]
TRAPS = ["Nigeria", "Somalia", "Gaol", "المالية", "Nigérien", "Gaoua"]
EXTRAS = ["#Sahel", "https://t.co/AbC123xyz", "🔴", "RT @news_sahel:", "\u200b", "(video)"]


def generate_terms(count: int, rng: random.Random) -> list[str]:
    terms = dict.fromkeys(REAL)
    while len(terms) < count:
        if rng.random() < 0.25:
            word = "".join(rng.choice(ARABIC) for _ in range(rng.randint(3, 6)))
        else:
            word = "".join(rng.choice(LATIN) for _ in range(rng.randint(2, 4))).capitalize()
        terms[word if rng.random() < 0.8 else f"{word} {rng.choice(LATIN)}{rng.choice(LATIN)}"] = None
    return list(terms)[:count]


def write_watchlist(directory: Path, terms: list[str]) -> None:
    per_topic, per_file = 50, 10
    topics = [terms[i:i + per_topic] for i in range(0, len(terms), per_topic)]
    for f in range(0, len(topics), per_file):
        lines = ["topics:"]
        for t, group in enumerate(topics[f:f + per_file], start=f):
            lines += [f"  topic_{t}:", f"    severity: {'urgent' if t % 4 == 0 else 'routine'}", "    terms:"]
            lines += [f"      - \"{term}\"" for term in group]
        (directory / f"generated_{f // per_file}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate_posts(count: int, terms: list[str], rng: random.Random) -> list[Post]:
    now = datetime.now(UTC)
    posts = []
    for i in range(count):
        words = rng.choice(SENTENCES).split()
        if rng.random() < 0.35:
            words.insert(rng.randrange(len(words)), rng.choice(terms))
        if rng.random() < 0.10:
            words.insert(rng.randrange(len(words)), rng.choice(TRAPS))
        words += rng.sample(EXTRAS, 2)
        posts.append(Post("bench", str(i), " ".join(words), now))
    return posts


def time_reload(directory: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build(directory)
        times.append((time.perf_counter() - started) * 1000)
    return times


def time_matching(posts: list[Post], context: Context) -> tuple[float, int]:
    started = time.perf_counter()
    matched = sum(1 for post in posts if match(post, context).topics)
    return len(posts) / (time.perf_counter() - started), matched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    terms = generate_terms(args.terms, rng)
    with tempfile.TemporaryDirectory() as tmp:
        write_watchlist(Path(tmp), terms)
        reloads = time_reload(Path(tmp), 7)
        loaded = build(Path(tmp))
    posts = generate_posts(args.posts, terms, rng)
    context = Context(extras={"watchlist": loaded.matcher})
    time_matching(posts[:2000], context)  # warm the fold tables
    rates = [time_matching(posts, context) for _ in range(3)]
    print(f"terms={len(terms)} automaton_keys={loaded.matcher.size} posts={len(posts)} "
          f"median_chars={statistics.median(len(p.text) for p in posts):.0f}")
    print(f"matched posts: {rates[0][1]} ({rates[0][1] / len(posts):.0%})")
    print(f"match stage: {max(r for r, _ in rates):,.0f} posts/s (best of 3, one core; goal >= 50,000)")
    print(f"reload (load + check + compile): median {statistics.median(reloads):.0f} ms, "
          f"max {max(reloads):.0f} ms over {len(reloads)} runs (goal <= 200 ms)")


if __name__ == "__main__":
    main()
