"""Run the e-Stat dbt image as an ECS Fargate task.

Every setting comes from the Airflow Variable ``estat_dbt_ecs`` (JSON),
read through templates when the task runs, never at import time:

    {
      "cluster": "estat-prod",
      "task_definition": "estat-dbt-prod",
      "subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
      "security_groups": ["sg-0123456789abcdef0"],
      "log_group": "/ecs/estat-dbt-prod",
      "region": "ap-northeast-1",
      "target": "prod",
      "artifacts_bucket": "estat-prod-dbt-artifacts"
    }

``task_definition`` is the family name, so ECS runs its latest ACTIVE
revision: dataship registers one revision per release, pinned to the
release's image digest, and a deploy or rollback is just a new revision.

DAGs using this helper must set ``render_template_as_native_obj=True`` so
that the subnet and security-group lists render as lists, not strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.providers.amazon.aws.operators.ecs import EcsRunTaskOperator

# Must match the container name and log stream prefix of the task
# definition (terraform/modules/ecs_dbt).
CONTAINER_NAME = "dbt"
LOG_STREAM_PREFIX = "dbt"

_CFG = "var.json.estat_dbt_ecs"

# s3://<artifacts bucket>/estat/<dag>/<run>/<task>/manifest.json, ...
ARTIFACTS_URI = (
    "s3://{{ " + _CFG + ".artifacts_bucket }}/estat/{{ dag.dag_id }}/"
    "{{ run_id | replace(':', '-') | replace('+', '-') }}/{{ task.task_id }}"
)

QUERY_TAG = "dataship:estat:{{ dag.dag_id }}:{{ task.task_id }}:{{ run_id }}"


def dbt_ecs_task(
    task_id: str,
    command: Sequence[str],
    *,
    retries: int = 2,
    extra_environment: dict[str, str] | None = None,
    **kwargs: Any,
) -> EcsRunTaskOperator:
    """Build an EcsRunTaskOperator running ``command`` in the dbt image.

    ``command`` is the full dbt command line as a list, starting with
    "dbt", e.g. ``["dbt", "build", "--select", "stg_estat__cpi+"]``; the
    image's entrypoint runs it and uploads the run's artifacts.

    dbt tasks default to 2 retries instead of 3: a failing data test fails
    every try, so retries only pay off for transient failures (Fargate
    capacity, Snowflake connectivity).
    """
    command = list(command)
    if not command or command[0] != "dbt":
        raise ValueError(f"{task_id}: a dbt command must start with 'dbt', got {command!r}")

    environment = {
        "DBT_TARGET": "{{ " + _CFG + ".target }}",
        "DBT_QUERY_TAG": QUERY_TAG,
        "DBT_ARTIFACTS_S3_URI": ARTIFACTS_URI,
        **(extra_environment or {}),
    }

    return EcsRunTaskOperator(
        task_id=task_id,
        cluster="{{ " + _CFG + ".cluster }}",
        task_definition="{{ " + _CFG + ".task_definition }}",
        launch_type="FARGATE",
        overrides={
            "containerOverrides": [
                {
                    "name": CONTAINER_NAME,
                    "command": command,
                    "environment": [
                        {"name": name, "value": value}
                        for name, value in environment.items()
                    ],
                }
            ]
        },
        network_configuration={
            "awsvpcConfiguration": {
                "subnets": "{{ " + _CFG + ".subnets }}",
                "securityGroups": "{{ " + _CFG + ".security_groups }}",
                "assignPublicIp": "DISABLED",
            }
        },
        awslogs_group="{{ " + _CFG + ".log_group }}",
        awslogs_region="{{ " + _CFG + ".region }}",
        awslogs_stream_prefix=f"{LOG_STREAM_PREFIX}/{CONTAINER_NAME}",
        propagate_tags="TASK_DEFINITION",
        # After a scheduler restart or a retry, reattach to a task that is
        # still running instead of starting a second dbt run.
        reattach=True,
        wait_for_completion=True,
        retries=retries,
        **kwargs,
    )
