# Production image of the ASEAN–Guangxi AI challenge portal: gunicorn serving Django,
# static files collected at build time and served by whitenoise. The same image runs
# the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings \
    MEDIA_ROOT=/data/media \
    PORT=8000 \
    XDG_RUNTIME_DIR=/tmp \
    XDG_CACHE_HOME=/tmp/cache

WORKDIR /app

# pg_dump/pg_restore for `manage.py backup|restore` (15, the server's major version);
# ICU at run time for PyICU (word segmentation for search in every script); Pango for
# WeasyPrint's PDF documents and the Noto fonts for Chinese, Thai, Lao, Khmer and Burmese
# (the same families the stylesheet names).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client libicu72 \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# Runtime dependencies only, pinned by the lock file (the dev lock adds test tools).
# The lock names the build machine's local package mirrors; inside the image PyPI is used.
# PyICU has no wheel: it is compiled against libicu-dev, and the compiler removed again.
COPY requirements.lock ./
RUN apt-get update \
    && apt-get install -y --no-install-recommends g++ pkg-config libicu-dev \
    && grep -v '^--extra-index-url file:' requirements.lock > /tmp/requirements.txt \
    && pip install --no-deps -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt \
    && apt-get purge -y --auto-remove g++ pkg-config libicu-dev \
    && rm -rf /var/lib/apt/lists/*

ARG PORTAL_GIT_COMMIT=""
ENV PORTAL_GIT_COMMIT=${PORTAL_GIT_COMMIT}

COPY . .

# Hashed, compressed static files for whitenoise. The key only exists for this
# command; the real SECRET_KEY comes from the environment at run time.
RUN DEBUG=false \
    SECRET_KEY="collectstatic-only-build-key-not-used-at-run-time-0123456789" \
    python manage.py collectstatic --noinput

# An unprivileged user; it owns only what it may write: uploaded files (when they are
# not in object storage), backups and var/. Nothing else is written at run time but
# /tmp (gunicorn's control socket too, through XDG_RUNTIME_DIR; the home /app is
# not writable), so the containers also run with a read-only root filesystem
# (docker-compose.scale.yml). boto3 for object storage is pure Python and uses the
# image's CA certificates: no further system package.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /data/media /data/backups /app/var \
    && chown -R portal:portal /data /app/var
USER portal

VOLUME ["/data/media", "/data/backups"]
EXPOSE 8000

CMD ["sh", "-c", "exec gunicorn portal.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --timeout ${GUNICORN_TIMEOUT:-60} --access-logfile - --error-logfile -"]
