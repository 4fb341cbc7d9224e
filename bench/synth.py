"""Synthetic security-news posts for the dedupe set and the demo sample (no copied text).

Stories come from ``bench/templates.json``: per language, 8 event templates, each with a
paraphrase; slots for place, number, day and actor. Variants reproduce what reposting does
to a post; every function is deterministic given its ``random.Random``.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

TEMPLATES = json.loads((Path(__file__).parent / "templates.json").read_text(encoding="utf-8"))
LANGS = ("en", "fr", "ar", "ha")
PLACES: list[list[str]] = TEMPLATES["places"]
EMOJI = ["🚨", "😢", "🙏🏾", "🔥", "⚠️", "💔", "📢"]


@dataclass(frozen=True)
class Story:
    lang: str
    template: int
    place: int
    n: int
    day: int
    actor: int
    paraphrase: bool = False

    @property
    def country(self) -> str:
        return PLACES[self.place][2]

    def text(self) -> str:
        spec = TEMPLATES[self.lang]
        pattern = spec["stories"][self.template][1 if self.paraphrase else 0]
        place = PLACES[self.place][1 if self.lang == "ar" else 0]
        return pattern.format(
            place=place, n=self.n, day=spec["days"][self.day], actor=spec["actors"][self.actor]
        )


def random_story(rng: random.Random, lang: str | None = None) -> Story:
    return Story(
        lang=lang or rng.choice(LANGS),
        template=rng.randrange(8),
        place=rng.randrange(len(PLACES)),
        n=rng.randint(2, 60),
        day=rng.randrange(6),
        actor=rng.randrange(5),
    )


# --- hard negatives: a different story that looks like ``story`` -------------------------


def other_place(story: Story, rng: random.Random) -> Story:
    return replace(story, place=rng.choice([i for i in range(len(PLACES)) if i != story.place]))


def other_number(story: Story, rng: random.Random) -> Story:
    return replace(story, n=rng.choice([n for n in range(2, 80) if n != story.n]))


def paraphrased(story: Story, rng: random.Random) -> Story:
    return replace(story, paraphrase=not story.paraphrase)


def translated(story: Story, rng: random.Random) -> Story:
    return replace(story, lang=rng.choice([lang for lang in LANGS if lang != story.lang]))


NEGATIVES = {"neg_place": other_place, "neg_number": other_number,
             "neg_paraphrase": paraphrased, "neg_translation": translated}


# --- duplicates: the same post after reposting/editing -----------------------------------


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def tco(rng: random.Random) -> str:
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGH0123456789"
    return "https://t.co/" + "".join(rng.choice(alphabet) for _ in range(10))


def exact_variant(text: str, rng: random.Random, handle: str) -> str:
    """Verbatim copy or X's retweet form."""
    return rng.choice([text, f"RT @{handle}: {text}"])


def normalised_variant(text: str, rng: random.Random, lang: str) -> str:
    """Differs only in case, accents, links, emoji, mentions, punctuation or a '#'."""
    edits = [
        lambda t: strip_accents(t).lower(),
        lambda t: f"{t} {tco(rng)}",
        lambda t: f"{t} {rng.choice(EMOJI)}{rng.choice(EMOJI)}",
        lambda t: re.sub(r"[,.;:]", "", t) + " !!",
        lambda t: t.upper() if lang != "ar" else f"{t} {tco(rng)} {rng.choice(EMOJI)}",
        lambda t: hashtag_a_name(t),
        lambda t: f"{t} @{rng.choice(['afp', 'rfi', 'bbchausa', 'ajarabic', 'sahel_news'])}",
    ]
    first, second = rng.sample(range(len(edits)), 2)
    out = edits[first](text)
    return edits[second](out) if rng.random() < 0.4 else out


def hashtag_a_name(text: str) -> str:
    for place in PLACES:
        for name in place[:2]:
            if name in text and " " not in name:
                return text.replace(name, "#" + name, 1)
    return text + " 🚨"


def near_variant(text: str, rng: random.Random, lang: str) -> str:
    """A small real edit: prefix, appended source/hashtags, one word changed/added/dropped, cut."""
    spec = TEMPLATES[lang]
    edits = [
        lambda t: f"{spec['breaking']} {t}",
        lambda t: f"{t} {spec['source']}",
        lambda t: f"{t} {' '.join(rng.sample(spec['tags'], 2))}",
        lambda t: one_word_edit(t, rng, spec),
        lambda t: truncated(t),
    ]
    return edits[rng.randrange(len(edits))](text)


def one_word_edit(text: str, rng: random.Random, spec: dict) -> str:
    words = text.split(" ")
    swaps = [i for i, w in enumerate(words) if w.strip(",.;:") in spec["synonyms"]]
    if swaps and rng.random() < 0.7:
        i = rng.choice(swaps)
        bare = words[i].strip(",.;:")
        words[i] = words[i].replace(bare, spec["synonyms"][bare])
    else:
        words.insert(rng.randrange(1, len(words)), spec["filler"])
    return " ".join(words)


def truncated(text: str) -> str:
    words = text.split(" ")
    return " ".join(words[: max(6, int(len(words) * 0.85))]) + "…"


def with_hashtags(text: str, rng: random.Random, lang: str) -> str:
    return f"{text} {' '.join(rng.sample(TEMPLATES[lang]['tags'], 3))}"


def reorder_hashtags(text: str, rng: random.Random) -> str:
    body, *tags = re.split(r" (?=#)", text)
    rng.shuffle(tags)
    return " ".join([body, *tags]) if len(tags) > 1 else text
