#!/bin/bash
# Bootstrap of the e-Stat Airflow host (Amazon Linux 2023). Runs once, at
# first boot. DAGs are not installed here: dataship deploys each bundle to
# /opt/airflow/dags/releases/<digest>/ and switches the `current` symlink.
set -euo pipefail

AIRFLOW_VERSION="${airflow_version}"
PYTHON_VERSION="${python_version}"
AIRFLOW_HOME=/opt/airflow
DAGS_ROOT=$AIRFLOW_HOME/dags

dnf install -y "python$PYTHON_VERSION" "python$PYTHON_VERSION-pip" \
  postgresql15-server postgresql15 gcc "python$PYTHON_VERSION-devel" libpq-devel

# Local metadata database (LocalExecutor needs a real database).
postgresql-setup --initdb
systemctl enable --now postgresql
sudo -u postgres psql -v ON_ERROR_STOP=1 <<'SQL'
CREATE ROLE airflow LOGIN;
CREATE DATABASE airflow OWNER airflow;
SQL
# Local connections authenticate by OS user (peer); nothing listens remotely.
sed -i 's/^\(local\s\+all\s\+all\s\+\).*/\1peer/' /var/lib/pgsql/data/pg_hba.conf
systemctl reload postgresql

useradd --system --home-dir "$AIRFLOW_HOME" --shell /sbin/nologin airflow
mkdir -p "$DAGS_ROOT/releases/bootstrap" "$AIRFLOW_HOME/logs"
# An empty release until the first dataship deploy.
ln -sfn "$DAGS_ROOT/releases/bootstrap" "$DAGS_ROOT/current"

"python$PYTHON_VERSION" -m venv "$AIRFLOW_HOME/venv"
"$AIRFLOW_HOME/venv/bin/pip" install --no-cache-dir \
  "apache-airflow[amazon,snowflake,postgres]==$AIRFLOW_VERSION" \
  --constraint "https://raw.githubusercontent.com/apache/airflow/constraints-$AIRFLOW_VERSION/constraints-$PYTHON_VERSION.txt"

cat > /etc/sysconfig/airflow <<CONF
AIRFLOW_HOME=$AIRFLOW_HOME
AIRFLOW__CORE__DAGS_FOLDER=$DAGS_ROOT/current
AIRFLOW__CORE__EXECUTOR=LocalExecutor
AIRFLOW__CORE__LOAD_EXAMPLES=False
AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=True
AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=postgresql+psycopg2://airflow@/airflow?host=/run/postgresql
AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL=60
AIRFLOW__WEBSERVER__WEB_SERVER_HOST=127.0.0.1
AIRFLOW__SECRETS__BACKEND=airflow.providers.amazon.aws.secrets.systems_manager.SystemsManagerParameterStoreBackend
AIRFLOW__SECRETS__BACKEND_KWARGS='{"connections_prefix": "/airflow/${environment}/connections", "variables_prefix": "/airflow/${environment}/variables"}'
AWS_DEFAULT_REGION=${region}
CONF

chown -R airflow:airflow "$AIRFLOW_HOME"
# The same file serves systemd (EnvironmentFile) and this shell: values
# containing spaces or quotes are single-quoted, which both understand.
sudo -u airflow bash -c 'set -a; . /etc/sysconfig/airflow; set +a; exec "$AIRFLOW_HOME/venv/bin/airflow" db migrate'

for component in scheduler triggerer webserver; do
  cat > "/etc/systemd/system/airflow-$component.service" <<UNIT
[Unit]
Description=Airflow $component
After=network-online.target postgresql.service
Wants=network-online.target

[Service]
User=airflow
Group=airflow
EnvironmentFile=/etc/sysconfig/airflow
ExecStart=$AIRFLOW_HOME/venv/bin/airflow $component
Restart=always
RestartSec=10

[Install]
WantedBy=multi-user.target
UNIT
done

systemctl daemon-reload
systemctl enable --now airflow-scheduler airflow-triggerer airflow-webserver
