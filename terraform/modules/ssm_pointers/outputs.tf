output "parameter_names" {
  description = "Pointer parameter name by environment."
  value       = { for env, p in aws_ssm_parameter.release : env => p.name }
}

output "parameter_arns" {
  description = "Pointer parameter ARN by environment."
  value       = { for env, p in aws_ssm_parameter.release : env => p.arn }
}
