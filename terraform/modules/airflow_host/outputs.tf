output "instance_id" {
  description = "Instance id (dataship.yaml environments.<env>.airflowHost.ssm.instanceId)."
  value       = aws_instance.airflow.id
}

output "instance_arn" {
  value = aws_instance.airflow.arn
}

output "role_arn" {
  value = aws_iam_role.airflow.arn
}

output "security_group_id" {
  value = aws_security_group.airflow.id
}

output "dags_folder" {
  value = "/opt/airflow/dags/current"
}
