output "environment_databases" {
  value = [for db in snowflake_database.env : db.name]
}

output "raw_database" {
  value = var.manage_account_objects ? snowflake_database.raw["raw"].name : "ESTAT_RAW"
}

output "stage_aws_iam_user_arn" {
  description = "IAM user Snowflake uses for the stage (trust policy of the stage role)."
  value       = var.manage_account_objects ? snowflake_storage_integration.raw["raw"].storage_aws_iam_user_arn : null
}

output "stage_aws_external_id" {
  description = "External id Snowflake presents when assuming the stage role."
  value       = var.manage_account_objects ? snowflake_storage_integration.raw["raw"].storage_aws_external_id : null
}

output "warehouses" {
  value = [for wh in snowflake_warehouse.this : wh.name]
}
