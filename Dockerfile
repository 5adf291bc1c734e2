# syntax=docker/dockerfile:1
# The production image: the Dashboard extension built with Node, the app and its runtime
# dependencies built as wheels, and a slim runtime that runs as an unprivileged user.
# Build and run it where a Docker engine is (docs/deployment.md):
#   docker build -t saleor-mautomation .
#   docker run --env-file .env -p 8080:8080 saleor-mautomation            # the web server
#   docker run --env-file .env saleor-mautomation worker                  # a worker
# tests/deploy/test_dockerfile.py checks this file and replays its Python steps.

# 1. The Dashboard extension: from the lock file, type-checked, bundled into dist/.
FROM node:22-slim AS dashboard
WORKDIR /src/dashboard_extension
COPY dashboard_extension/package.json dashboard_extension/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY dashboard_extension/index.html dashboard_extension/tsconfig.json dashboard_extension/vite.config.ts ./
COPY dashboard_extension/src ./src
COPY dashboard_extension/fixtures ./fixtures
RUN npm run build

# 2. Wheels: the app's and every runtime dependency's (the sentry extra included), so the
#    runtime installs offline and needs no compiler.
FROM python:3.11-slim AS wheels
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY saleor_mautomation ./saleor_mautomation
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[sentry]"

# 3. The runtime: the app in a virtual environment, the built extension beside it.
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/mautomation/bin:$PATH \
    MAUTOMATION_ENV=production \
    MAUTOMATION_VAR_DIR=/app/var \
    DASHBOARD_DIST=/app/dashboard \
    BIND=0.0.0.0 \
    PORT=8080 \
    LOG_FORMAT=json
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels \
    python -m venv /opt/mautomation \
    && /opt/mautomation/bin/pip install --no-cache-dir --no-index --find-links /wheels \
        "saleor-mautomation[sentry]"
RUN groupadd --system --gid 10001 mautomation \
    && useradd --system --uid 10001 --gid mautomation --home-dir /app --shell /usr/sbin/nologin mautomation \
    && mkdir -p /app/var \
    && chown mautomation:mautomation /app/var
COPY --from=dashboard /src/dashboard_extension/dist /app/dashboard
# The static files (GraphiQL's, Django's) collected into the image: placeholders for the
# secrets the production profile insists on, never kept (no database or broker is touched).
RUN SECRET_KEY=collectstatic-only ENCRYPTION_KEY=collectstatic-only \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 CELERY_BROKER_URL=memory:// \
    mautomation collectstatic --noinput --verbosity 0 \
    && chown -R mautomation:mautomation /app/var
WORKDIR /app
USER mautomation:mautomation
EXPOSE 8080
# Alive: /healthz answers without touching the database or the broker (/readyz checks them).
# The request names APP_URL's host, the one host Django answers to by default.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.parse, urllib.request; host = urllib.parse.urlsplit(os.environ.get('APP_URL', 'http://localhost')).netloc; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8080'), headers={'Host': host}), timeout=4)"]
ENTRYPOINT ["mautomation"]
CMD ["web", "--workers", "2", "--threads", "4"]
