# nongzhuancheng: one image for the web server (gunicorn), the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango and HarfBuzz; libharfbuzz-subset0 keeps CJK font subsetting fast (without it
# WeasyPrint falls back to fontTools and a bulletin takes about 13 times longer); fonts-noto-cjk gives
# the Chinese glyphs of the PDF bulletins; gettext compiles the translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-noto-cjk fontconfig gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    NZC_PRIVATE_ROOT=/app/private

# Dependencies first (pyproject.toml declares them all), so code changes do not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Static files (served by WhiteNoise) and translations are built into the image. The key below is a
# throw-away used only for these two commands; the real SECRET_KEY comes from the environment.
RUN DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v 0 \
 && DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py compilemessages -v 0

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin nzc \
 && mkdir -p /app/media /app/private \
 && chown -R nzc:nzc /app/media /app/private
USER nzc

EXPOSE 8000
CMD ["gunicorn", "nongzhuancheng.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
