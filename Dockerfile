# One image for the API, the worker and the scheduler; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml setup.cfg README.md gunicorn.conf.py ./
COPY moderation ./moderation
COPY workers ./workers
COPY models ./models
COPY seeds ./seeds
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 moderation
USER moderation

EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-", "moderation:create_app()"]
