output "airflow_instance_id" {
  description = "Airflow host instance id (dataship.yaml environments.<env>.airflowHost.ssm.instanceId)."
  value       = module.airflow_host.instance_id
}

output "ecs_cluster_name" {
  description = "ECS cluster of the dbt task (dataship.yaml environments.<env>.dbt.ecs.cluster)."
  value       = module.ecs_dbt.cluster_name
}

output "dbt_task_definition_family" {
  description = "Task definition family of the dbt task (dataship.yaml environments.<env>.dbt.ecs.taskDefinition)."
  value       = module.ecs_dbt.task_definition_family
}

output "dbt_security_group_id" {
  description = "Security group of the dbt task (dataship.yaml environments.<env>.dbt.ecs.securityGroups)."
  value       = module.ecs_dbt.security_group_id
}

output "dbt_artifacts_bucket" {
  description = "Bucket receiving the dbt artifacts of this environment."
  value       = module.buckets.bucket_names["dbt-artifacts"]
}

output "release_pointer" {
  description = "SSM parameter name of this environment's release pointer."
  value       = module.ssm_pointers.parameter_names[var.environment]
}

output "deploy_role_arn" {
  description = "role-to-assume for the GitHub Actions workflows."
  value       = module.github_oidc.deploy_role_arn
}

output "snowflake_databases" {
  description = "Snowflake databases of this environment (with <DB>_NEXT when blue_green)."
  value       = module.snowflake.environment_databases
}
