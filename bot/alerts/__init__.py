"""Delivery: routing, the outbox, per-channel senders, digests, formatting and transports.

    post stored ──(same transaction)──► outbox rows (outbox.py, routed by routing.py/channels.py)
    sink emit ──► Delivery (delivery.py) ──► ChannelSender per channel (send.py, pacing.py)
                                      └──► digests from the SQLite watermark (digest.py)
    messages are built by format.py/rich.py/outgoing.py and leave through a Transport
    (transport.py): Telegram with a PTB ExtBot (telegram.py, bot.py), webhooks with httpx (webhook.py);
    channels.yaml names the destinations of transports other than Telegram (destinations.py)
"""
