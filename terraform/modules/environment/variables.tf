# --- What differs between environments (no defaults) --------------------------

variable "environment" {
  description = "Environment name (dev, prod): names the resources (estat-<env>-...), the release pointer and the default tags."
  type        = string
}

variable "dbt_cpu" {
  description = "CPU units of the dbt Fargate task (dev 1024, prod 2048)."
  type        = number
}

variable "dbt_memory" {
  description = "Memory (MiB) of the dbt Fargate task (dev 2048, prod 4096)."
  type        = number
}

variable "dbt_target" {
  description = "dbt target (profiles.yml) of the dbt task and of the estat_dbt_ecs Airflow Variable."
  type        = string
}

variable "snowflake_database" {
  description = "Snowflake database dbt builds into (ESTAT_DEV, ESTAT_PROD): the dbt task's default database and the environment database this module creates."
  type        = string
}

variable "blue_green" {
  description = "Also create <snowflake_database>_NEXT, the database promotion clones, builds and tests in before swapping it with the live one (prod)."
  type        = bool
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention (days) of the dbt task logs (dev 30, prod 365)."
  type        = number
}

variable "airflow_instance_type" {
  description = "EC2 instance type of the Airflow host (dev t3.large, prod t3.xlarge)."
  type        = string
}

variable "crawler_function_name" {
  description = "Name of the e-Stat crawler Lambda the ingestion DAG invokes (estat-crawler-<env>)."
  type        = string
}

# --- Settings of the root (network, bootstrap image, GitHub, Snowflake) -------

variable "aws_region" {
  description = "AWS region of the platform (the region in the estat_dbt_ecs Airflow Variable)."
  type        = string
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

variable "github_org" {
  description = "GitHub organisation owning the repository (the deploy role trusts repo:<org>/<repo>:ref:refs/heads/main)."
  type        = string
}

variable "github_repo" {
  description = "GitHub repository name."
  type        = string
}

variable "snowflake_account_identifier" {
  description = "Account identifier dbt connects to (<org>-<account>)."
  type        = string
}

# --- Account-wide names created by envs/shared (same for every environment) ---

variable "ecr_repository_name" {
  description = "dbt image repository created by envs/shared."
  type        = string
  default     = "estat-dbt"
}

variable "raw_bucket_name" {
  description = "Raw bucket created by envs/shared."
  type        = string
  default     = "estat-raw"
}

variable "releases_bucket_name" {
  description = "Releases bucket created by envs/shared."
  type        = string
  default     = "estat-releases"
}

variable "release_pointer_prefix" {
  description = "SSM path prefix of the release pointers (<prefix>/<env>/release)."
  type        = string
  default     = "/dataship"
}
