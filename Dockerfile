# SahelWatch bot image: `docker compose up -d` (see docs/deploy.md), or
#   docker build -t sahelwatch . && docker run --rm sahelwatch demo
# Two stages on the same pinned slim base (Debian, glibc: every dependency has a wheel, or is
# pure Python). The build stage makes a virtualenv; the final stage gets only that virtualenv and
# the code, no compiler, no pip cache, no build files.

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
# Dependencies first (exact versions from the lock), so code changes do not reinstall them.
COPY requirements.lock ./
RUN pip install --no-deps --require-virtualenv -r requirements.lock
# Editable install: the code stays in /app/bot, beside /app/watchlists (where
# bot.runtime.default_watchlists() looks); the virtualenv holds the `sahelwatch` command and
# the package metadata. Byte-compiled now, because the running container cannot write.
COPY pyproject.toml README.md ./
COPY bot/ ./bot/
RUN pip install --no-deps --require-virtualenv -e . \
    && pip check \
    && python -m compileall -q /app/bot
# py3langid's tables unpacked once (bot/pipeline/langid_cache.py): every start maps them
# read-only instead of inflating 39 MB into its own memory (SAHELWATCH_CACHE_DIR below).
RUN SAHELWATCH_CACHE_DIR=/app/cache python -c "from bot.pipeline.language import default_tagger; default_tagger()"

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SAHELWATCH_DB=/app/storage/sahelwatch.db \
    SAHELWATCH_CACHE_DIR=/app/cache \
    SAHELWATCH_WATCHLISTS=/app/watchlists
# A fixed non-root uid/gid: secret files and the storage volume are owned by 10001 on the host.
RUN groupadd --system --gid 10001 sahelwatch \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin sahelwatch
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
COPY watchlists/ ./watchlists/
# The only writable place; a new named volume mounted here takes this owner.
RUN mkdir -p /app/storage && chown 10001:10001 /app/storage
USER 10001:10001
# Healthy = the main loop wrote its heartbeat to SQLite recently (`sahelwatch health --help`).
# Docker does not restart unhealthy containers; the bot's own watchdog exits (code 3) instead.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["sahelwatch", "health"]
ENTRYPOINT ["sahelwatch"]
CMD ["run"]
