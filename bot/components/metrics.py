"""Component: Prometheus metrics (:mod:`bot.metrics`) in a running SahelWatch, when
``SAHELWATCH_METRICS_PORT`` is set; prometheus-client is not even imported otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.registry import Runtime


def register(runtime: Runtime) -> None:
    """Component: the metrics endpoint and its sink (see :func:`bot.metrics.install`)."""
    if not runtime.live or not runtime.settings.metrics_port:
        return
    from bot.metrics import install

    install(runtime)
