"""The Celery app: settings come from Django's settings under the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Parsing (and OCR, on a queue of its own) runs in its own queue with its own workers: a slow or
# hostile PDF holds a parse worker for at most its time budget, never the sweeper or the
# other tasks, which stay on Celery's default queue.
PARSE_QUEUE = "parse"
# Scans: OCR takes seconds a page, so a scan has its own workers and never holds a text PDF up.
OCR_QUEUE = "ocr"
DEFAULT_QUEUE = "celery"

app = Celery("budget_review")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_routes = {
    "filings.tasks.parse_document": {"queue": PARSE_QUEUE},
    "filings.tasks.ocr_document": {"queue": OCR_QUEUE},
}
app.autodiscover_tasks()


@worker_init.connect
def require_secret_key(**_: object) -> None:
    """A worker refuses to start without the key it was given.

    Celery logs and swallows a signal handler's exceptions, so the refusal is an exit."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.SECRET_KEY  # noqa: B018 - an empty key raises
    except ImproperlyConfigured as exc:
        raise SystemExit(f"{exc} Set SECRET_KEY when DEBUG is off (see README, Configuration).") from exc
