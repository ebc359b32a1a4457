# The dev environment of the e-Stat platform: the dbt Fargate task, the
# Airflow host, the dbt-artifacts bucket, the release pointer, the GitHub
# deploy role and the ESTAT_DEV database. Account-wide resources (image
# repository, raw and releases buckets, Snowflake roles and warehouses) come
# from envs/shared, which must be applied first.

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

# --- From the shared stack ---------------------------------------------------

data "aws_ecr_repository" "dbt" {
  name = var.ecr_repository_name
}

data "aws_s3_bucket" "raw" {
  bucket = var.raw_bucket_name
}

data "aws_s3_bucket" "releases" {
  bucket = var.releases_bucket_name
}

# --- Environment resources ---------------------------------------------------

module "buckets" {
  source = "../../modules/s3"

  buckets = {
    dbt-artifacts = {
      name              = "estat-${local.environment}-dbt-artifacts"
      expire_after_days = 90
    }
  }
}

# The key itself is put with `aws secretsmanager put-secret-value`, never
# through Terraform, so it never lands in the state.
resource "aws_secretsmanager_secret" "snowflake_private_key" {
  name        = "estat/${local.environment}/snowflake-private-key"
  description = "PEM private key of the Snowflake user the dbt task connects as"
}

resource "aws_sns_topic" "alerts" {
  name = "estat-${local.environment}-alerts"
}

module "ecs_dbt" {
  source = "../../modules/ecs_dbt"

  environment                      = local.environment
  vpc_id                           = var.vpc_id
  repository_url                   = data.aws_ecr_repository.dbt.repository_url
  repository_arn                   = data.aws_ecr_repository.dbt.arn
  image_digest                     = var.bootstrap_image_digest
  cpu                              = 1024
  memory                           = 2048
  dbt_target                       = "dev"
  snowflake_account                = var.snowflake_account_identifier
  snowflake_user                   = "DATASHIP_CI"
  snowflake_database               = "ESTAT_DEV"
  snowflake_private_key_secret_arn = aws_secretsmanager_secret.snowflake_private_key.arn
  artifacts_bucket_name            = module.buckets.bucket_names["dbt-artifacts"]
  log_retention_days               = 30
}

module "airflow_host" {
  source = "../../modules/airflow_host"

  environment                = local.environment
  vpc_id                     = var.vpc_id
  subnet_id                  = var.airflow_subnet_id
  instance_type              = "t3.large"
  crawler_function_name      = var.crawler_function_name
  raw_bucket_arn             = data.aws_s3_bucket.raw.arn
  releases_bucket_arn        = data.aws_s3_bucket.releases.arn
  ecs_cluster_name           = module.ecs_dbt.cluster_name
  ecs_cluster_arn            = module.ecs_dbt.cluster_arn
  dbt_task_definition_family = module.ecs_dbt.task_definition_family
  dbt_role_arns              = [module.ecs_dbt.execution_role_arn, module.ecs_dbt.task_role_arn]
  dbt_log_group_arn          = module.ecs_dbt.log_group_arn
  alerts_topic_arn           = aws_sns_topic.alerts.arn

  # Read by the DAGs through the SSM Parameter Store secrets backend.
  airflow_variables = {
    estat_dbt_ecs = jsonencode({
      cluster          = module.ecs_dbt.cluster_name
      task_definition  = module.ecs_dbt.task_definition_family
      subnets          = var.private_subnet_ids
      security_groups  = [module.ecs_dbt.security_group_id]
      log_group        = module.ecs_dbt.log_group_name
      region           = var.aws_region
      target           = "dev"
      artifacts_bucket = module.buckets.bucket_names["dbt-artifacts"]
    })
    estat_raw_bucket            = data.aws_s3_bucket.raw.bucket
    estat_crawler_function_name = var.crawler_function_name
    estat_alerts_topic_arn      = aws_sns_topic.alerts.arn
  }
}

module "ssm_pointers" {
  source = "../../modules/ssm_pointers"

  environments = [local.environment]
  prefix       = var.release_pointer_prefix
}

module "github_oidc" {
  source = "../../modules/github_oidc"

  deploy_role_name       = "estat-${local.environment}-deploy"
  github_org             = var.github_org
  github_repo            = var.github_repo
  ecr_repository_arn     = data.aws_ecr_repository.dbt.arn
  airflow_instance_arn   = module.airflow_host.instance_arn
  release_pointer_arns   = values(module.ssm_pointers.parameter_arns)
  releases_bucket_arn    = data.aws_s3_bucket.releases.arn
  artifacts_bucket_arn   = module.buckets.bucket_arns["dbt-artifacts"]
  ecs_cluster_name       = module.ecs_dbt.cluster_name
  ecs_cluster_arn        = module.ecs_dbt.cluster_arn
  task_definition_family = module.ecs_dbt.task_definition_family
  pass_role_arns         = [module.ecs_dbt.execution_role_arn, module.ecs_dbt.task_role_arn]
  dbt_log_group_arn      = module.ecs_dbt.log_group_arn
}

module "snowflake" {
  source = "../../modules/snowflake"

  environment           = local.environment
  environment_databases = ["ESTAT_DEV"]
}
