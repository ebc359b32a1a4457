variable "environment" {
  description = "Environment name (dev, prod)."
  type        = string
}

variable "repository_url" {
  description = "ECR repository URL of the dbt image."
  type        = string
}

variable "repository_arn" {
  description = "ECR repository ARN (the execution role may pull from it only)."
  type        = string
}

variable "image_digest" {
  description = "Digest of the bootstrap image (sha256:...). Images are pinned by digest, never by tag."
  type        = string

  validation {
    condition     = can(regex("^sha256:[0-9a-f]{64}$", var.image_digest))
    error_message = "image_digest must be a sha256 digest (sha256: followed by 64 hex digits)."
  }
}

variable "cpu" {
  description = "Task CPU units."
  type        = number
  default     = 1024
}

variable "memory" {
  description = "Task memory (MiB)."
  type        = number
  default     = 2048
}

variable "vpc_id" {
  description = "VPC of the tasks' security group."
  type        = string
}

variable "dbt_target" {
  description = "dbt target of this environment (profiles.yml)."
  type        = string
}

variable "snowflake_account" {
  description = "Snowflake account identifier (<org>-<account>)."
  type        = string
}

variable "snowflake_user" {
  description = "Snowflake service user dbt connects as."
  type        = string
}

variable "snowflake_role" {
  description = "Snowflake role dbt uses."
  type        = string
  default     = "TRANSFORMER"
}

variable "snowflake_warehouse" {
  description = "Snowflake warehouse dbt uses."
  type        = string
  default     = "TRANSFORMING"
}

variable "snowflake_database" {
  description = "Default Snowflake database of the target (overridable per run)."
  type        = string
}

variable "snowflake_private_key_secret_arn" {
  description = "Secrets Manager ARN of the Snowflake private key (PEM)."
  type        = string
}

variable "artifacts_bucket_name" {
  description = "Bucket receiving dbt artifacts (target/*.json)."
  type        = string
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention of dbt task logs."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
