variable "aws_region" {
  description = "AWS region of the platform."
  type        = string
  default     = "ap-northeast-1"
}

variable "vpc_id" {
  description = "VPC hosting the Airflow host and the dbt tasks."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets (NAT egress) for the dbt Fargate tasks."
  type        = list(string)
}

variable "airflow_subnet_id" {
  description = "Private subnet of the Airflow host."
  type        = string
}

variable "bootstrap_image_digest" {
  description = "Digest of the first dbt image (sha256:...). Later releases register their own task definition revisions."
  type        = string
}

variable "crawler_function_name" {
  description = "Name of the e-Stat crawler Lambda."
  type        = string
  default     = "estat-crawler-dev"
}

variable "github_org" {
  description = "GitHub organisation owning the repository."
  type        = string
}

variable "github_repo" {
  description = "GitHub repository name."
  type        = string
}

variable "snowflake_organization_name" {
  description = "Snowflake organization name."
  type        = string
}

variable "snowflake_account_name" {
  description = "Snowflake account name within the organization."
  type        = string
}

variable "snowflake_account_identifier" {
  description = "Account identifier dbt connects to (<org>-<account>)."
  type        = string
}

variable "snowflake_terraform_user" {
  description = "Snowflake user Terraform connects as (key-pair)."
  type        = string
  default     = "TERRAFORM"
}

variable "snowflake_terraform_role" {
  description = "Role Terraform uses (SYSADMIN + SECURITYADMIN)."
  type        = string
  default     = "TERRAFORM"
}
