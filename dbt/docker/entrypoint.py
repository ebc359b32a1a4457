#!/usr/bin/env python3
"""Entrypoint of the e-Stat dbt runtime image.

Runs ``dbt <args>`` (a leading ``dbt`` argument is accepted and dropped, so
both ``build --select x`` and ``dbt build --select x`` work as the container
command), forwards SIGTERM/SIGINT to dbt so an ECS stop cancels running
queries cleanly, then, if ``DBT_ARTIFACTS_S3_URI`` is set, uploads the JSON
artifacts of the run (manifest.json, run_results.json, sources.json,
catalog.json, ...) under that prefix. Exits with dbt's exit code: an upload
failure is reported on stderr but never hides dbt's own result.
"""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys


def _dbt_args(argv: list[str]) -> list[str]:
    args = list(argv)
    if args and args[0] == "dbt":
        args = args[1:]
    return args


def _run_dbt(args: list[str]) -> int:
    child = subprocess.Popen(["dbt", *args])

    def forward(signum: int, _frame: object) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return child.wait()


def _split_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise ValueError(f"DBT_ARTIFACTS_S3_URI must start with s3://, got {uri!r}")
    bucket, _, prefix = uri[len("s3://"):].partition("/")
    if not bucket:
        raise ValueError(f"DBT_ARTIFACTS_S3_URI has no bucket: {uri!r}")
    return bucket, prefix.strip("/")


def _upload_artifacts(uri: str, target_path: str) -> int:
    """Upload target/*.json; returns the number of files uploaded."""
    import boto3  # imported lazily: local runs without S3 never need it

    bucket, prefix = _split_s3_uri(uri)
    client = boto3.client("s3")
    files = sorted(glob.glob(os.path.join(target_path, "*.json")))
    for path in files:
        key = "/".join(p for p in (prefix, os.path.basename(path)) if p)
        client.upload_file(
            path,
            bucket,
            key,
            ExtraArgs={"ContentType": "application/json"},
        )
        print(f"dbt-entrypoint: uploaded {path} to s3://{bucket}/{key}", file=sys.stderr)
    return len(files)


def main(argv: list[str]) -> int:
    project_dir = os.environ.get("DBT_PROJECT_DIR", "/app/dbt")
    if os.path.isdir(project_dir):
        os.chdir(project_dir)

    code = _run_dbt(_dbt_args(argv))

    uri = os.environ.get("DBT_ARTIFACTS_S3_URI", "").strip()
    if uri:
        target_path = os.environ.get("DBT_TARGET_PATH", "target")
        try:
            count = _upload_artifacts(uri, target_path)
            if count == 0:
                print(
                    f"dbt-entrypoint: no artifacts found in {target_path}",
                    file=sys.stderr,
                )
        except Exception as exc:  # report, but keep dbt's exit code
            print(
                f"dbt-entrypoint: artifact upload to {uri} failed: {exc}",
                file=sys.stderr,
            )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
