output "cluster_name" {
  value = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  value = aws_ecs_cluster.this.arn
}

output "task_definition_family" {
  value = aws_ecs_task_definition.dbt.family
}

output "task_definition_arn" {
  value = aws_ecs_task_definition.dbt.arn
}

output "container_name" {
  value = local.container_name
}

output "log_group_name" {
  value = aws_cloudwatch_log_group.dbt.name
}

output "log_group_arn" {
  value = aws_cloudwatch_log_group.dbt.arn
}

output "execution_role_arn" {
  value = aws_iam_role.execution.arn
}

output "task_role_arn" {
  value = aws_iam_role.task.arn
}

output "security_group_id" {
  value = aws_security_group.task.id
}
