"""gunicorn settings read from the working directory by `make run` and the Docker image.

Access log lines keep the method and path but not the query string: Perspective clients
(Coral Talk) send their API key as `?key=…`, and a key has no business in a log file.
The request body is never logged.
"""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'
