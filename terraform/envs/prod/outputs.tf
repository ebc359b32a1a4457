output "airflow_instance_id" {
  description = "dataship.yaml environments.prod.airflowHost.ssm.instanceId"
  value       = module.airflow_host.instance_id
}

output "ecs_cluster_name" {
  description = "dataship.yaml environments.prod.dbt.ecs.cluster"
  value       = module.ecs_dbt.cluster_name
}

output "dbt_task_definition_family" {
  description = "dataship.yaml environments.prod.dbt.ecs.taskDefinition"
  value       = module.ecs_dbt.task_definition_family
}

output "dbt_security_group_id" {
  description = "dataship.yaml environments.prod.dbt.ecs.securityGroups"
  value       = module.ecs_dbt.security_group_id
}

output "dbt_artifacts_bucket" {
  value = module.buckets.bucket_names["dbt-artifacts"]
}

output "release_pointer" {
  value = module.ssm_pointers.parameter_names[local.environment]
}

output "deploy_role_arn" {
  description = "role-to-assume for the GitHub Actions workflows"
  value       = module.github_oidc.deploy_role_arn
}

output "snowflake_databases" {
  value = module.snowflake.environment_databases
}
