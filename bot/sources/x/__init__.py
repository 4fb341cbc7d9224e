"""The X collector (tweepy 4.x, X API v2).

Flow: ``source.XSource`` (registered by ``component.PLUGIN``) runs ``stream.XStreamSource``
or ``poll.XPollSource``; both share ``shared.Shared`` (options, clock, health) and its
``ruleset.RuleKeeper``, which compiles the watchlist (``atoms`` → ``rules``), resolves accounts
(``accounts``) and keeps X's stream rules in sync (``rulesync``). The stream side is
``connection.Connection`` driving ``reader.StreamReader`` (tweepy's read loop in a thread) with
``backoff.Backoff`` on an injectable ``clock``; ``backfill`` closes gaps through ``search``.
Payloads become Posts in ``lines`` and ``convert``. ``transport`` points tweepy at
``SAHELWATCH_X_API_URL``; ``clients`` builds the tweepy clients and holds the requested fields.
"""
