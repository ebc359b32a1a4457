# State moves of the fold into modules/environment: these resources used to
# be declared in this root; the moves keep them (no destroy and re-create of
# the Airflow host, the secret, the release pointer, the databases...).
# They can be removed once every state of this root has been applied with
# them.

moved {
  from = module.buckets
  to   = module.environment.module.buckets
}

moved {
  from = aws_secretsmanager_secret.snowflake_private_key
  to   = module.environment.aws_secretsmanager_secret.snowflake_private_key
}

moved {
  from = aws_sns_topic.alerts
  to   = module.environment.aws_sns_topic.alerts
}

moved {
  from = module.ecs_dbt
  to   = module.environment.module.ecs_dbt
}

moved {
  from = module.airflow_host
  to   = module.environment.module.airflow_host
}

moved {
  from = module.ssm_pointers
  to   = module.environment.module.ssm_pointers
}

moved {
  from = module.github_oidc
  to   = module.environment.module.github_oidc
}

moved {
  from = module.snowflake
  to   = module.environment.module.snowflake
}
