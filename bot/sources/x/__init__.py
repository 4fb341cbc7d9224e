"""The X collector (tweepy 4.x, X API v2).

Flow: ``source.XSource`` (its ``PLUGIN`` is named in :mod:`bot.registry`) runs
``stream.XStreamSource`` or ``poll.XPollSource``; both share ``ruleset.Shared`` (options,
clock, health) and its ``ruleset.RuleKeeper``, which compiles the watchlist (``terms`` →
``rules``), resolves accounts and keeps X's stream rules in sync (``sync``). The stream side
is ``connection.Connection`` driving ``connection.StreamReader`` (tweepy's read loop in a
thread) with the kit's ``bot.sources.backoff.Backoff`` on an injectable clock; ``search``
pages recent search and timelines and closes gaps (``search.Backfill``). Payloads become Posts
in ``convert`` (typed models in ``schema``). ``clients`` builds the tweepy clients, holds the
requested fields and points tweepy at ``SAHELWATCH_X_API_URL``.
"""
