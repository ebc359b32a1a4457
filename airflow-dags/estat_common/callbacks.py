"""Failure callbacks: Slack webhook and SNS topic.

Both read their configuration when a task fails, never at import time, and
import their client libraries lazily so the DAG files stay cheap to parse.

Airflow Variables used (both optional; an unset one skips its channel):
    estat_slack_webhook_url   incoming-webhook URL of the alerts channel
    estat_alerts_topic_arn    SNS topic ARN (the region is taken from it)
"""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)


def _failure_summary(context: dict[str, Any]) -> dict[str, str]:
    ti = context.get("task_instance") or context.get("ti")
    dag_run = context.get("dag_run")
    exception = context.get("exception")
    return {
        "dag_id": getattr(ti, "dag_id", "?"),
        "task_id": getattr(ti, "task_id", "?"),
        "run_id": getattr(dag_run, "run_id", "?"),
        "try_number": str(getattr(ti, "try_number", "?")),
        "log_url": getattr(ti, "log_url", ""),
        "error": (str(exception) if exception else "")[:500],
    }


def _variable(name: str) -> str | None:
    from airflow.models import Variable

    value = Variable.get(name, default_var=None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def notify_slack(context: dict[str, Any]) -> None:
    """Post the failure to Slack through an incoming webhook."""
    url = _variable("estat_slack_webhook_url")
    if not url:
        log.info("estat_slack_webhook_url is not set: Slack alert skipped")
        return
    import requests

    s = _failure_summary(context)
    text = (
        f":red_circle: *{s['dag_id']}.{s['task_id']}* failed "
        f"(run `{s['run_id']}`, try {s['try_number']})\n"
        f"{s['error']}\n<{s['log_url']}|task log>"
    )
    response = requests.post(url, json={"text": text}, timeout=10)
    if response.status_code >= 300:
        log.warning("Slack webhook answered %s", response.status_code)


def notify_sns(context: dict[str, Any]) -> None:
    """Publish the failure to the alerts SNS topic (e-mail, PagerDuty, ...)."""
    topic_arn = _variable("estat_alerts_topic_arn")
    if not topic_arn:
        log.info("estat_alerts_topic_arn is not set: SNS alert skipped")
        return
    import boto3

    s = _failure_summary(context)
    region = topic_arn.split(":")[3]
    boto3.client("sns", region_name=region).publish(
        TopicArn=topic_arn,
        Subject=f"[estat] {s['dag_id']}.{s['task_id']} failed"[:100],
        Message=json.dumps(s, indent=2, ensure_ascii=False),
    )


def notify_failure(context: dict[str, Any]) -> None:
    """on_failure_callback: alert every configured channel.

    A failing channel is logged and never raises, so one broken webhook
    cannot hide the alert sent to the other.
    """
    for notify in (notify_slack, notify_sns):
        try:
            notify(context)
        except Exception:  # noqa: BLE001 - a callback must never raise
            log.exception("failure notification via %s failed", notify.__name__)
