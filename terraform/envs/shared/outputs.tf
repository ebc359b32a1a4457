output "ecr_repository_url" {
  value = module.ecr.repository_url
}

output "ecr_repository_arn" {
  value = module.ecr.repository_arn
}

output "raw_bucket_name" {
  value = module.buckets.bucket_names["raw"]
}

output "releases_bucket_name" {
  value = module.buckets.bucket_names["releases"]
}

output "github_oidc_provider_arn" {
  value = module.github_oidc.oidc_provider_arn
}

output "snowflake_stage_role_arn" {
  value = aws_iam_role.snowflake_stage.arn
}

output "snowflake_warehouses" {
  value = module.snowflake.warehouses
}
