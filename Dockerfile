# syntax=docker/dockerfile:1
# Image for the web process (gunicorn), the Celery worker and Celery beat; see docker-compose.yml.
#   docker build -t khoi-thi-dua .
# Stages: `node` runs `npm ci` (Node.js never reaches the final image), `deps` installs the Python
# dependencies into /opt/venv, `runtime` adds the pango libraries, the code and the collected static files.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# --- 1. Front-end libraries from npm (bootstrap, bootstrap-icons, htmx, chart.js) ----------------------
FROM ${NODE_IMAGE} AS node
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# --- 2. Python dependencies --------------------------------------------------------------------------
# Only pyproject.toml is copied, so this layer is rebuilt when the dependencies change, not the code.
# `[tool.setuptools] py-modules = []` makes `pip install .` build an empty distribution: it installs the
# dependencies and nothing of the project itself (the code is copied as files below).
FROM ${PYTHON_IMAGE} AS deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
COPY pyproject.toml ./
RUN pip install --no-cache-dir .

# --- 3. Runtime --------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# WeasyPrint needs pango (its fontconfig/freetype come along); the fonts are bundled in the repo.
# `manage.py backup`/`restore` need pg_dump/pg_restore of the server's major version or later (an older pg_dump
# refuses a newer server): POSTGRES_MAJOR follows docker-compose.yml's `postgres:16`. Bookworm's client is 15, so
# the client comes from apt.postgresql.org, set up by the script and signing key Debian's postgresql-common ships.
ARG POSTGRES_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        postgresql-client-${POSTGRES_MAJOR} \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user. /data/* are the mount points of the named volumes: created here owned by `app`,
# so that Docker initialises a new volume with that ownership. HOME=/tmp/app-home gives fontconfig a
# writable cache directory (the code under /app stays owned by root, read-only for the app).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /tmp/app-home --shell /usr/sbin/nologin app \
    && install -d -o app -g app -m 0750 /data /data/private /data/beat /tmp/app-home

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp/app-home \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PRIVATE_MEDIA_ROOT=/data/private \
    WEB_CONCURRENCY=3

COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
COPY . .
COPY --from=node /build/node_modules ./node_modules

# Static files are collected at build time into var/static (served by whitenoise). The SECRET_KEY and
# ALLOWED_HOSTS here exist only for this step and are not kept in the image's environment.
RUN SECRET_KEY=collectstatic-build-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v 1

USER app
EXPOSE 8000

# Workers: WEB_CONCURRENCY (3 by default; gunicorn reads it). Access and error logs go to stdout/stderr.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--error-logfile", "-", "--timeout", "60", "--graceful-timeout", "30"]
