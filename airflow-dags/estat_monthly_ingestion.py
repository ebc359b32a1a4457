"""Monthly e-Stat ingestion: crawl, wait for the files, COPY INTO raw tables.

1. ``invoke_crawler`` invokes the crawler Lambda asynchronously. It fetches
   the e-Stat tables (area classification, population estimates, CPI),
   converts the published Excel/CSV to gzipped CSV and lands each dataset
   under ``s3://<raw bucket>/estat/<dataset>/run_date=<date>/``, writing a
   ``_SUCCESS`` marker last.
2. ``wait_for_<dataset>`` waits for that marker (reschedule mode: the worker
   slot is freed between pokes).
3. ``copy_<dataset>`` creates the raw table if needed and runs COPY INTO
   ``ESTAT_RAW.ESTAT.RAW_<DATASET>`` from the external stage. COPY skips
   files it already loaded, so a retry or a re-run never duplicates rows.
4. ``trigger_transform`` starts ``estat_transform`` (dbt on ECS Fargate).

Runs on the 25th at 03:00 JST: the CPI for month M is published around the
20th of month M+1, and population estimates in the spring.

Airflow Variables: ``estat_crawler_function_name``, ``estat_raw_bucket``.
Connection: ``snowflake_estat_loader`` (role LOADER, key-pair auth).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.providers.amazon.aws.operators.lambda_function import (
    LambdaInvokeFunctionOperator,
)
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

from estat_common.defaults import DEFAULT_ARGS, ESTAT_TAGS

SNOWFLAKE_CONN_ID = "snowflake_estat_loader"
RAW_SCHEMA = "ESTAT_RAW.ESTAT"
STAGE = f"@{RAW_SCHEMA}.CRAWL_STAGE"
FILE_FORMAT = f"{RAW_SCHEMA}.ESTAT_CSV_GZIP"

QUERY_TAG_PREFIX = "dataship:estat:estat_monthly_ingestion"
LOADED_AT_UTC = "convert_timezone('UTC', current_timestamp())::timestamp_ntz"

# One run date for the whole run: the crawler's output prefix, the sensors'
# keys and the COPY paths all derive from it.
RUN_DATE = "{{ data_interval_end | ds }}"

# Raw tables, their columns in file order (all text, as published), and the
# crawler dataset that fills them. COPY appends _source_file and _loaded_at.
RAW_TABLES = {
    "prefectures": [
        "area_code",
        "area_name_ja",
        "area_name_en",
        "region_code",
        "region_name_ja",
        "region_name_en",
    ],
    "population": [
        "stats_data_id",
        "area_code",
        "sex_code",
        "time_code",
        "obs_value",
        "unit",
    ],
    "cpi": [
        "stats_data_id",
        "area_code",
        "category_code",
        "category_name_ja",
        "category_name_en",
        "time_code",
        "obs_value",
        "unit",
    ],
}


def load_statements(dataset: str, columns: list[str]) -> list[str]:
    """CREATE TABLE IF NOT EXISTS + COPY INTO for one raw table."""
    table = f"{RAW_SCHEMA}.RAW_{dataset.upper()}"
    column_defs = ",\n    ".join(f"{c} varchar" for c in columns)
    create = (
        f"create table if not exists {table} (\n"
        f"    {column_defs},\n"
        "    _source_file varchar,\n"
        "    _loaded_at timestamp_ntz\n"
        ")"
    )
    targets = ", ".join([*columns, "_source_file", "_loaded_at"])
    selects = ", ".join(
        [f"t.${i}" for i in range(1, len(columns) + 1)]
        + ["metadata$filename", LOADED_AT_UTC]
    )
    copy = (
        f"copy into {table} ({targets})\n"
        "from (\n"
        f"    select {selects}\n"
        f"    from {STAGE}/estat/{dataset}/run_date={RUN_DATE}/ t\n"
        ")\n"
        f"file_format = (format_name = '{FILE_FORMAT}')\n"
        "pattern = '.*[.]csv[.]gz'\n"
        "on_error = 'abort_statement'"
    )
    tag = f"{QUERY_TAG_PREFIX}:copy_{dataset}:{{{{ run_id }}}}"
    return [f"alter session set query_tag = '{tag}'", create, copy]


with DAG(
    dag_id="estat_monthly_ingestion",
    description="Crawl e-Stat and COPY the files into ESTAT_RAW",
    schedule="0 3 25 * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="Asia/Tokyo"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=12),
    is_paused_upon_creation=True,
    tags=[*ESTAT_TAGS, "ingestion"],
    doc_md=__doc__,
) as dag:
    invoke_crawler = LambdaInvokeFunctionOperator(
        task_id="invoke_crawler",
        function_name="{{ var.value.estat_crawler_function_name }}",
        # Asynchronous: a full crawl can outlast a synchronous invoke; the
        # sensors below wait for its output instead.
        invocation_type="Event",
        payload=json.dumps(
            {
                "datasets": sorted(RAW_TABLES),
                "bucket": "{{ var.value.estat_raw_bucket }}",
                "prefix": "estat",
                "run_date": RUN_DATE,
                "run_id": "{{ run_id }}",
            }
        ),
    )

    trigger_transform = TriggerDagRunOperator(
        task_id="trigger_transform",
        trigger_dag_id="estat_transform",
        trigger_run_id="ingested__{{ run_id }}",
        conf={"run_date": RUN_DATE, "triggered_by": "{{ run_id }}"},
        reset_dag_run=True,
        wait_for_completion=False,
    )

    for dataset, columns in RAW_TABLES.items():
        wait = S3KeySensor(
            task_id=f"wait_for_{dataset}",
            bucket_name="{{ var.value.estat_raw_bucket }}",
            bucket_key=f"estat/{dataset}/run_date={RUN_DATE}/_SUCCESS",
            mode="reschedule",
            poke_interval=5 * 60,
            timeout=6 * 60 * 60,
            exponential_backoff=True,
        )

        copy = SQLExecuteQueryOperator(
            task_id=f"copy_{dataset}",
            conn_id=SNOWFLAKE_CONN_ID,
            sql=load_statements(dataset, columns),
            hook_params={
                "role": "LOADER",
                "warehouse": "LOADING",
                "database": "ESTAT_RAW",
                "schema": "ESTAT",
            },
            retries=3,
        )

        invoke_crawler >> wait >> copy >> trigger_transform
