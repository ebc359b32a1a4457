"""Shared building blocks of the e-Stat DAGs.

Nothing in this package reaches an external system at import time: Airflow
Variables are read through templates (``{{ var.value.x }}``) rendered when
a task runs, and boto3/requests are imported inside the callbacks.
"""

from estat_common.defaults import DEFAULT_ARGS, ESTAT_TAGS
from estat_common.ecs import dbt_ecs_task

__all__ = ["DEFAULT_ARGS", "ESTAT_TAGS", "dbt_ecs_task"]
