variable "aws_region" {
  description = "AWS region of the platform."
  type        = string
  default     = "ap-northeast-1"
}

variable "ecr_repository_name" {
  description = "dbt image repository (dataship.yaml image.repository)."
  type        = string
  default     = "estat-dbt"
}

variable "raw_bucket_name" {
  description = "Bucket the crawler Lambda lands e-Stat files in."
  type        = string
  default     = "estat-raw"
}

variable "releases_bucket_name" {
  description = "Bucket of release records and DAG bundles (dataship.yaml aws.releaseBucket)."
  type        = string
  default     = "estat-releases"
}

variable "snowflake_organization_name" {
  description = "Snowflake organization name."
  type        = string
}

variable "snowflake_account_name" {
  description = "Snowflake account name within the organization."
  type        = string
}

variable "snowflake_terraform_user" {
  description = "Snowflake user Terraform connects as (key-pair)."
  type        = string
  default     = "TERRAFORM"
}

variable "snowflake_terraform_role" {
  description = "Role Terraform uses: SYSADMIN + SECURITYADMIN, and CREATE INTEGRATION on the account for this root."
  type        = string
  default     = "TERRAFORM"
}

variable "dataship_ci_rsa_public_key" {
  description = "RSA public key (PEM body) of DATASHIP_CI."
  type        = string
}

variable "airflow_loader_rsa_public_key" {
  description = "RSA public key (PEM body) of AIRFLOW_LOADER."
  type        = string
}
