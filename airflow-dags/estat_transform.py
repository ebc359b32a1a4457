"""e-Stat transform: dbt build on ECS Fargate after each ingestion.

Triggered by ``estat_monthly_ingestion`` once the raw tables are loaded (it
can also be triggered by hand). Each task runs the dbt release image as a
Fargate task (see ``estat_common.ecs``); the dbt target and the database
come from the ``estat_dbt_ecs`` Variable, so the same DAG file serves dev
and prod.

1. ``dbt_source_freshness``: stop early if the raw tables are stale.
2. ``dbt_build_prefectures``: the prefecture staging model and everything
   downstream of it (dim_prefectures, the prefecture snapshot), first, as
   the population facts are tested against dim_prefectures.
3. ``dbt_build_population`` / ``dbt_build_cpi``: each domain's staging
   model and everything downstream, with their tests, in parallel.

Each dbt invocation uploads its artifacts (manifest.json, run_results.json,
...) to the dbt-artifacts bucket under ``estat/<dag>/<run>/<task>/``.
"""

from __future__ import annotations

import pendulum
from airflow import DAG

from estat_common.defaults import DEFAULT_ARGS, ESTAT_TAGS
from estat_common.ecs import dbt_ecs_task

with DAG(
    dag_id="estat_transform",
    description="dbt build of the e-Stat models on ECS Fargate",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="Asia/Tokyo"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    # ECS network settings are lists: render templates as Python objects.
    render_template_as_native_obj=True,
    is_paused_upon_creation=True,
    tags=[*ESTAT_TAGS, "dbt", "transform"],
    doc_md=__doc__,
) as dag:
    source_freshness = dbt_ecs_task(
        task_id="dbt_source_freshness",
        command=["dbt", "source", "freshness"],
    )

    build_prefectures = dbt_ecs_task(
        task_id="dbt_build_prefectures",
        command=["dbt", "build", "--select", "stg_estat__prefectures+"],
    )

    build_population = dbt_ecs_task(
        task_id="dbt_build_population",
        command=["dbt", "build", "--select", "stg_estat__population+"],
    )

    build_cpi = dbt_ecs_task(
        task_id="dbt_build_cpi",
        command=["dbt", "build", "--select", "stg_estat__cpi+"],
    )

    source_freshness >> build_prefectures >> [build_population, build_cpi]
