"""Celery app and tasks: `celery -A workers.make_celery worker`."""
