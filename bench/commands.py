"""Does command handling slow alerts down? Alert latency with no commands, then with 10 commands/s arriving.

Run: python bench/commands.py [--alerts 40] [--rate 10]

One live SahelWatch in one event loop (real watchlist, pipeline, store, delivery and the PTB
Application polling getUpdates) against the fake Bot API on 127.0.0.1 with its flood windows
off and our channel pacing at 0. Each alert: a raw post goes through the App's ingest path;
latency = until the fake receives the channel's sendMessage. Posts are spaced 0.25 s apart so
no alert waits behind another. In the second run, 10 analysts send a mix of /search, /latest,
/why and /status (as admin) at ``--rate`` commands a second for the whole run; they are
answered in their private chats. Prints figures; never passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.commands_support import ADMIN, ADMIN_CHAT, CHANNEL, Live, post
from tests.fakes.tg_api import Call
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram

ANALYSTS = list(range(5001, 5011))
COMMANDS = ["/search embuscade", '/search "près de Ménaka"', "/latest attack 5", "/why 1", "/search attaq* OR putsch"]
TEXT = "Embuscade meurtrière près de Ménaka, des soldats tués selon des sources locales, bilan {n}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def talk(fake: FakeTelegram, rate: float, stop: asyncio.Event) -> int:
    sent = 0
    users, texts = itertools.cycle([*ANALYSTS, ADMIN]), itertools.cycle(COMMANDS)
    while not stop.is_set():
        user = next(users)
        fake.say(user, "/status" if user == ADMIN else next(texts))
        sent += 1
        await asyncio.sleep(1 / rate)
    return sent


async def run(tmp: Path, alerts: int, rate: float, offset: int) -> tuple[list[float], int, int]:
    with FakeTelegram(limits=FloodLimits(enabled=False)) as fake:
        fake.add_channel(CHANNEL)
        fake.add_group(ADMIN_CHAT, "Admins")
        for user in [*ANALYSTS, ADMIN]:
            fake.add_user(user)
        live = Live(tmp, fake, analysts="any", env={"telegram_pace": 0.0, "commands_per_minute": 1000})
        await live.start()
        stop = asyncio.Event()
        talker = asyncio.create_task(talk(fake, rate, stop)) if rate else None
        latencies = []
        for n in range(offset, offset + alerts):
            before = len(fake.calls("sendMessage"))
            start = time.perf_counter()
            await live.ingest(post(n, TEXT.format(n=n)))
            await wait_for_channel(fake, before)
            received = next(c for c in fake.calls("sendMessage")[before:] if to_channel(c))
            latencies.append(received.received_at - start)
            await asyncio.sleep(0.25)
        stop.set()
        sent = await talker if talker else 0
        replies = sum(len(fake.messages(u)) for u in [*ANALYSTS, ADMIN])
        await live.close()
    return latencies, sent, replies


def to_channel(call: Call) -> bool:
    return str(call.params.get("chat_id")) == str(CHANNEL)


async def wait_for_channel(fake: FakeTelegram, before: int) -> None:
    for _ in range(3000):
        if any(to_channel(c) for c in fake.calls("sendMessage")[before:]):
            return
        await asyncio.sleep(0.001)
    raise RuntimeError("no alert reached the channel")


def show(label: str, latencies: list[float]) -> None:
    ms = [x * 1000 for x in latencies]
    print(f"{label:<28} n={len(ms):>3}  median {statistics.median(ms):6.1f} ms  p90 {percentile(ms, 0.9):6.1f} ms  "
          f"max {max(ms):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=40)
    parser.add_argument("--rate", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as quiet_dir, tempfile.TemporaryDirectory() as busy_dir:
        quiet, _, _ = asyncio.run(run(Path(quiet_dir), args.alerts, 0, 1))
        busy, sent, replies = asyncio.run(run(Path(busy_dir), args.alerts, args.rate, 1))
    show("no commands", quiet)
    show(f"{args.rate:g} commands/s arriving", busy)
    print(f"commands sent during the busy run: {sent}, replies received: {replies}")


if __name__ == "__main__":
    main()
