# The prod environment of the e-Stat platform: the dbt Fargate task, the
# Airflow host, the dbt-artifacts bucket, the release pointer, the GitHub
# deploy role and the ESTAT_PROD / ESTAT_PROD_NEXT databases (blue/green:
# promotion builds NEXT, then swaps), all from modules/environment.
# Account-wide resources (image repository, raw and releases buckets,
# Snowflake roles and warehouses) come from envs/shared, which must be
# applied first. Only prod's Airflow runs the ingestion DAG: ESTAT_RAW is
# loaded once, and every environment reads it.

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.tags
  }
}

# Key-pair auth: the private key comes from SNOWFLAKE_PRIVATE_KEY.
provider "snowflake" {
  organization_name = var.snowflake_organization_name
  account_name      = var.snowflake_account_name
  user              = var.snowflake_terraform_user
  role              = var.snowflake_terraform_role
  authenticator     = "SNOWFLAKE_JWT"
}

locals {
  environment = "prod"

  tags = {
    Project     = "estat"
    Environment = local.environment
    ManagedBy   = "terraform"
  }
}

module "environment" {
  source = "../../modules/environment"

  # What makes this environment prod
  environment           = local.environment
  dbt_cpu               = 2048
  dbt_memory            = 4096
  dbt_target            = "prod"
  snowflake_database    = "ESTAT_PROD"
  blue_green            = true
  log_retention_days    = 365
  airflow_instance_type = "t3.xlarge"
  crawler_function_name = var.crawler_function_name

  # Settings of this root (terraform.tfvars, -var)
  aws_region                   = var.aws_region
  vpc_id                       = var.vpc_id
  private_subnet_ids           = var.private_subnet_ids
  airflow_subnet_id            = var.airflow_subnet_id
  bootstrap_image_digest       = var.bootstrap_image_digest
  github_org                   = var.github_org
  github_repo                  = var.github_repo
  snowflake_account_identifier = var.snowflake_account_identifier
}
