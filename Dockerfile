# syntax=docker/dockerfile:1
# The bot in a slim image: runtime dependencies only (no test tools), a non-root user, the data
# files inside (/app/data; a volume or bind mount there replaces them), the SQLite store in the
# /app/state volume unless DATABASE_URL names another database (compose.yaml: PostgreSQL).
#   docker build -t barometre-bot .          docker run --env-file .env barometre-bot
# No Docker daemon runs where this project is developed: tests/test_deploy.py replays these steps
# (COPY, RUN, ENV, WORKDIR) as an unprivileged user with /app/data read-only, then asks a question
# and runs the health check. Keep each step something that test can replay.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src/ src/
COPY bot/ bot/
COPY data/ data/
RUN python -m pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --system --create-home --home-dir /app --uid 10001 barometre
COPY --from=build /wheels/ /wheels/
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --quiet "$(ls /wheels/*.whl)[postgres]" && rm -rf /wheels
COPY data/ /app/data/
ENV PATH=/opt/venv/bin:$PATH BAROMETRE_DATA_DIR=/app/data DATABASE_URL=sqlite:////app/state/barometre.db
RUN mkdir -p /app/state && chown barometre /app/state
USER barometre
WORKDIR /app
VOLUME ["/app/state"]
# healthy: the database answers and its schema is this version's (exit 1 otherwise)
HEALTHCHECK --interval=60s --timeout=15s --start-period=60s --retries=3 CMD ["barometre", "db", "current"]
# SIGTERM (docker stop) closes the bot cleanly and exits 0
STOPSIGNAL SIGTERM
CMD ["barometre-bot"]
