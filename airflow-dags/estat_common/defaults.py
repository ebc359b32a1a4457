"""Default task arguments shared by every e-Stat DAG."""

from __future__ import annotations

from datetime import timedelta

from estat_common.callbacks import notify_failure

# Tags shared by the e-Stat DAGs (each DAG adds its own).
ESTAT_TAGS = ["estat", "dataship"]

DEFAULT_ARGS = {
    "owner": "data-platform",
    "depends_on_past": False,
    "email_on_failure": False,
    "email_on_retry": False,
    # Transient failures (e-Stat throttling, Snowflake warehouse resume,
    # Fargate capacity) are common: retry with exponential backoff
    # 5 min -> 10 min -> 20 min, capped at one hour.
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
    "execution_timeout": timedelta(hours=2),
    "on_failure_callback": notify_failure,
}
