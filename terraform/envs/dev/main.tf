# The dev environment of the e-Stat platform: the dbt Fargate task, the
# Airflow host, the dbt-artifacts bucket, the release pointer, the GitHub
# deploy role and the ESTAT_DEV database, all from modules/environment.
# Account-wide resources (image repository, raw and releases buckets,
# Snowflake roles and warehouses) come from envs/shared, which must be
# applied first.

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
  environment = "dev"

  tags = {
    Project     = "estat"
    Environment = local.environment
    ManagedBy   = "terraform"
  }
}

module "environment" {
  source = "../../modules/environment"

  # What makes this environment dev
  environment           = local.environment
  dbt_cpu               = 1024
  dbt_memory            = 2048
  dbt_target            = "dev"
  snowflake_database    = "ESTAT_DEV"
  blue_green            = false
  log_retention_days    = 30
  airflow_instance_type = "t3.large"
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
