# Re-exported from modules/environment (names unchanged).

output "airflow_instance_id" {
  description = "dataship.yaml environments.dev.airflowHost.ssm.instanceId"
  value       = module.environment.airflow_instance_id
}

output "ecs_cluster_name" {
  description = "dataship.yaml environments.dev.dbt.ecs.cluster"
  value       = module.environment.ecs_cluster_name
}

output "dbt_task_definition_family" {
  description = "dataship.yaml environments.dev.dbt.ecs.taskDefinition"
  value       = module.environment.dbt_task_definition_family
}

output "dbt_security_group_id" {
  description = "dataship.yaml environments.dev.dbt.ecs.securityGroups"
  value       = module.environment.dbt_security_group_id
}

output "dbt_artifacts_bucket" {
  value = module.environment.dbt_artifacts_bucket
}

output "release_pointer" {
  value = module.environment.release_pointer
}

output "deploy_role_arn" {
  description = "role-to-assume for the GitHub Actions workflows"
  value       = module.environment.deploy_role_arn
}

output "snowflake_databases" {
  value = module.environment.snowflake_databases
}
