"""Talking to the bot: Telegram commands for analysts and admins (long polling, PTB Application).

``registry`` lists the commands; ``dispatch`` checks who may run them; ``component`` runs the
PTB Application in the bot's own event loop. Handlers live in ``analyst``, ``subs``, ``status``,
``admin`` and ``watch``; what they change is kept by ``controls`` and seen by routing via ``layer``.
"""
