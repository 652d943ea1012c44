"""Target of `celery -A workers.make_celery`: the one place a process-wide app is built."""

from moderation import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
