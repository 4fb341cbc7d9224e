"""Pipeline stages in their order: normalise -> language -> match -> enrich -> dedupe -> story.

The first four read nothing but the post (and the loaded watchlist, model and gazetteer); dedupe
and story read the store (:func:`~bot.pipeline.base.reads_store`), so they come last: the ingest
path runs the first four over a whole batch before its write transaction opens. No stage reads
what a later one of these sets: matching and enrichment never used dedupe's answers, nor dedupe
theirs (``analyze`` of 20,000 posts gives byte-identical output in either order).

:func:`build_pipeline` is the one place that decides which stages run; ``run``, ``demo``,
``replay`` and ``analyze`` all use it, so they process posts identically.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.pipeline.base import Context, Pipeline, Stage

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.store.db import Store

__all__ = ["Context", "Pipeline", "Stage", "build_pipeline"]


def build_pipeline(settings: Settings, store: Store, **extras: Any) -> Pipeline:
    """The stages for ``settings``, reading state from ``store`` and ``extras``.

    ``extras["watchlist"]`` is the hot-reloading holder the runtime wires; without one the
    watchlists in ``settings`` are loaded once (raises ``WatchlistError`` when invalid).
    The dedupe stage's index hooks are registered on ``store`` here, with the stage.
    """
    # The stages are imported here, when a pipeline is built: importing one pipeline module
    # (``watchlist check`` and ``explain`` read the matcher) never imports them all (numpy: ~0.1 s).
    from bot.config import watchlists_dir
    from bot.pipeline import dedupe_index, story_index
    from bot.pipeline.dedupe import DedupeSettings, dedupe
    from bot.pipeline.enrich import enrich, load_enrichment
    from bot.pipeline.language import LanguageSettings, language, tagger_for
    from bot.pipeline.match import match
    from bot.pipeline.normalise import normalise
    from bot.pipeline.story import StorySettings, story

    if "watchlist" not in extras:
        from bot.pipeline.watchlist_reload import build
        from bot.watchlist.limits import WatchlistLimits

        extras["watchlist"] = build(watchlists_dir(settings), WatchlistLimits.from_settings(settings)).matcher
    if "enrichment" not in extras:
        extras["enrichment"] = load_enrichment(settings)
    extras.setdefault("language", tagger_for(LanguageSettings.from_settings(settings)))
    extras.setdefault("dedupe", DedupeSettings.from_settings(settings))
    extras.setdefault("story", StorySettings.from_settings(settings))
    dedupe_index.install(store, settings.dedupe_index_mb)
    story_index.install(store)
    stages: list[Stage] = [normalise, language, match, enrich, dedupe, story]
    return Pipeline(stages, Context(store=store, extras=dict(extras)))
