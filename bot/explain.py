"""Why a text fired a topic or not, line by line: ``sahelwatch watchlist explain`` and the chat's ``/why``."""

from __future__ import annotations

from bot.pipeline.match import Hit, Matcher
from bot.text import Folded


def explain_lines(matcher: Matcher, text: str) -> list[str]:
    lines = [f"matching copy: {Folded(text).text.strip()}"]
    verdicts = matcher.verdicts(text)
    for verdict in verdicts:
        topic = verdict.topic
        state = f"FIRED ({topic.severity})" if verdict.fired else f"not fired: {verdict.reason}"
        lines.append(f"{topic.name}: {state}  [{topic.mark}]")
        lines += [f"  {_hit_line(hit, text)}" for hit in verdict.hits]
    if not verdicts:
        lines.append("no term of any topic matched")
    return lines


def _hit_line(hit: Hit, text: str) -> str:
    evasion = "  (possible evasion: hidden or lookalike characters)" if hit.evasion else ""
    role = {"terms": "term", "require": "required", "exclude": "excluded"}[hit.role]
    return (f"{role} '{hit.term.text}' [{hit.term.mark}] at {hit.start}-{hit.end}: "
            f"{text[hit.start:hit.end]!r}{evasion}")
