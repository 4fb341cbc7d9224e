"""The components :data:`bot.registry.COMPONENTS` names: each module's ``register(runtime)`` wires
one part (watchlist, pipeline stages, sources, chat commands, Telegram delivery) into a
:class:`~bot.registry.Runtime`.

They sit above the packages they wire and are the only modules of those parts that import
:mod:`bot.registry`; the parts themselves never do (``tests/test_imports.py``).
"""
