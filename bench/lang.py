"""Language-tagging accuracy and speed per detector. Prints figures; never pass/fail.

    python bench/lang.py            # both detectors on tests/data/lang/{en,fr,ar,ha}.txt

"tagged" = the stage's rule (strip, ≥ 20 letters, confidence ≥ 0.5, no platform hint):
``und`` counts as wrong. "raw" = the detector alone on the stripped text, no rule.
posts/s = ``LanguageTagger.tag`` (stripping included) on one core, after a warm-up.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.pipeline.language import LanguageSettings, LanguageTagger, strip_for_detection  # noqa: E402

DATA = ROOT / "tests" / "data" / "lang"
LANGS = ("en", "fr", "ar", "ha")


def load() -> list[tuple[str, str]]:
    return [(lang, line) for lang in LANGS for line in (DATA / f"{lang}.txt").read_text("utf-8").splitlines()]


def accuracy(tagger: LanguageTagger, data: list[tuple[str, str]]) -> None:
    right, total, und, raw_right = Counter(), Counter(), Counter(), Counter()
    short_right = short_total = 0
    for lang, text in data:
        got = tagger.tag(text).lang
        raw = tagger.detector.detect(strip_for_detection(text))[0]
        total[lang] += 1
        right[lang] += got == lang
        und[lang] += got == "und"
        raw_right[lang] += raw == lang
        if len(text) <= 60:
            short_total += 1
            short_right += got == lang
    for lang in LANGS:
        share = right[lang] / total[lang]
        print(f"  {lang}: tagged {share:.3f} ({right[lang]}/{total[lang]}, und {und[lang]})"
              f"  raw {raw_right[lang] / total[lang]:.3f}")
    n = sum(total.values())
    print(f"  overall: tagged {sum(right.values()) / n:.3f}  raw {sum(raw_right.values()) / n:.3f};"
          f" posts <= 60 chars: tagged {short_right / short_total:.3f} ({short_total} posts)")


def speed(tagger: LanguageTagger, data: list[tuple[str, str]], calls: int) -> None:
    texts = [text for _, text in data]
    for text in texts[:50]:
        tagger.tag(text)
    start = time.perf_counter()
    done = 0
    while done < calls:
        for text in texts:
            tagger.tag(text)
        done += len(texts)
    elapsed = time.perf_counter() - start
    mean = len("".join(texts)) / len(texts)
    print(f"  speed: {done / elapsed:,.0f} posts/s ({done} calls, mean {mean:.0f} chars)")


def main() -> None:
    data = load()
    sizes = Counter(lang for lang, _ in data)
    print(f"labelled set: {len(data)} posts, " + ", ".join(f"{k} {v}" for k, v in sizes.items()))
    process = psutil.Process()
    for name, calls in (("py3langid", 40_000), ("langdetect", 2_000)):
        start, rss = time.perf_counter(), process.memory_info().rss
        tagger = LanguageTagger.from_settings(LanguageSettings(detector=name))
        tagger.tag(data[0][1])
        added = (process.memory_info().rss - rss) / 2**20
        print(f"{tagger.detector.name} (restricted to {','.join(tagger.settings.languages)};"
              f" load {time.perf_counter() - start:.2f} s, RSS +{added:.0f} MB)")
        accuracy(tagger, data)
        speed(tagger, data, calls)


if __name__ == "__main__":
    main()
