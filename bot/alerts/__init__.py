"""Telegram delivery: routing, the outbox, per-channel senders, digests and formatting.

    post stored ──(same transaction)──► outbox rows (outbox.py, routed by routing.py/channels.py)
    sink emit ──► Delivery (delivery.py) ──► ChannelSender per channel (send.py, pacing.py)
                                      └──► digests from the SQLite watermark (digest.py)
    messages are built by format.py/rich.py and sent through outgoing.py with a PTB ExtBot (bot.py)
"""
