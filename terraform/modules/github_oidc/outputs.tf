output "oidc_provider_arn" {
  value = local.oidc_provider_arn
}

output "deploy_role_arn" {
  description = "Role for aws-actions/configure-aws-credentials (role-to-assume)."
  value       = var.deploy_role_name == null ? null : aws_iam_role.deploy[0].arn
}
