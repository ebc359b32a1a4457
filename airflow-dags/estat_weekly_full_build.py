"""Weekly full build of the e-Stat marts, the snapshot and the docs.

The monthly transform only rebuilds what a crawl touched. Once a week this
DAG rebuilds and retests every mart from the current staging views, takes
the prefecture snapshot, and regenerates the docs catalog, so drift (a
manual change in the warehouse, a late correction in raw) surfaces within
a week.

1. ``dbt_snapshot``: ``dbt snapshot`` (snp_estat__prefectures).
2. ``dbt_build_marts``: ``dbt build --select path:models/marts``.
3. ``dbt_docs_generate``: catalog.json for the docs site, uploaded with the
   other artifacts.
"""

from __future__ import annotations

import pendulum
from airflow import DAG

from estat_common.defaults import DEFAULT_ARGS, ESTAT_TAGS
from estat_common.ecs import dbt_ecs_task

with DAG(
    dag_id="estat_weekly_full_build",
    description="Weekly dbt snapshot, full marts build and docs",
    # Sundays 04:00 JST, away from the monthly ingestion on the 25th 03:00.
    schedule="0 4 * * 0",
    start_date=pendulum.datetime(2024, 1, 1, tz="Asia/Tokyo"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    render_template_as_native_obj=True,
    is_paused_upon_creation=True,
    tags=[*ESTAT_TAGS, "dbt", "weekly"],
    doc_md=__doc__,
) as dag:
    snapshot = dbt_ecs_task(
        task_id="dbt_snapshot",
        command=["dbt", "snapshot"],
    )

    build_marts = dbt_ecs_task(
        task_id="dbt_build_marts",
        command=["dbt", "build", "--select", "path:models/marts"],
    )

    docs_generate = dbt_ecs_task(
        task_id="dbt_docs_generate",
        command=["dbt", "docs", "generate"],
        retries=1,
    )

    snapshot >> build_marts >> docs_generate
