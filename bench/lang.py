"""Language-tagging accuracy and speed per detector. Prints figures; never pass/fail.

    python bench/lang.py            # both detectors on tests/data/lang/*.txt

Files are named by language code (``ar_short.txt``: short Arabic posts, labelled ``ar``). Posts
in the configured languages (en, fr, ar, ha) must come back as themselves, ``und`` counting as
wrong; posts in the other languages read in the region (``bm`` Bambara, ``ff`` Fulfulde, ``sw``,
``pt``, ``es``) must come back ``und``: forced into a configured language is wrong.
"tagged" = the stage's rule (strip, ≥ 20 letters or a script that settles it, confidence ≥ 0.5,
no platform hint). "raw" = the detector alone on the stripped text, no rule.
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
    files = sorted(DATA.glob("*.txt"), key=lambda f: (f.stem.split("_")[0] not in LANGS, f.stem))
    return [(f.stem, line) for f in files for line in f.read_text("utf-8").splitlines() if line.strip()]


def expected(label: str) -> str:
    lang = label.split("_")[0]
    return lang if lang in LANGS else "und"


def accuracy(tagger: LanguageTagger, data: list[tuple[str, str]]) -> None:
    right, total, und, raw_right = Counter(), Counter(), Counter(), Counter()
    short_right = short_total = 0
    wrong: dict[str, Counter[str]] = {}
    for label, text in data:
        want = expected(label)
        got = tagger.tag(text).lang
        raw = tagger.detector.detect(strip_for_detection(text))[0]
        total[label] += 1
        right[label] += got == want
        und[label] += got == "und"
        raw_right[label] += raw == want
        wrong.setdefault(label, Counter())[got] += got != want
        if len(text) <= 60 and label in LANGS:
            short_total += 1
            short_right += got == want
    for label in total:
        share = right[label] / total[label]
        errors = ", ".join(f"{k} {v}" for k, v in wrong[label].most_common() if v)
        print(f"  {label} (expect {expected(label)}): tagged {share:.3f} ({right[label]}/{total[label]},"
              f" und {und[label]})  raw {raw_right[label] / total[label]:.3f}"
              + (f"  wrong: {errors}" if errors else ""))
    for name, labels in (("configured", [k for k in total if k in LANGS]),
                         ("other languages -> und", [k for k in total if expected(k) == "und"]),
                         ("all", list(total))):
        n = sum(total[k] for k in labels)
        print(f"  {name}: tagged {sum(right[k] for k in labels) / n:.3f}  raw"
              f" {sum(raw_right[k] for k in labels) / n:.3f} ({n} posts)")
    print(f"  configured posts <= 60 chars: tagged {short_right / short_total:.3f} ({short_total} posts)")


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
    sizes = Counter(label for label, _ in data)
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
