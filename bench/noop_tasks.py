"""Target of `celery -A bench.noop_tasks worker`: the service's Celery app, configured exactly as
`workers.make_celery` configures it, but with a task that does nothing registered under the
scoring task's name. bench/load.py queues the very messages the API queues; draining them
with this worker measures Celery's own per-task cost, the baseline of the decisions/s figure.
"""

from flask import Flask

from moderation.config import Config
from moderation.queueing import SCORE_TASK
from workers import celery_app as service_celery

flask_app = Flask("moderation")
flask_app.config.from_object(Config)
flask_app.config.from_prefixed_env("MODERATION")
celery_app = service_celery.init_app(flask_app)
# Leave out workers.tasks: its real score_comment would replace the no-op below.
celery_app.conf.include = []


@celery_app.task(name=SCORE_TASK)
def noop(comment_id: str) -> None:
    """Stands in for moderation.score_comment: same message, same app context, no work."""
