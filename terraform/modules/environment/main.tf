# One environment of the e-Stat platform (dev, prod): the dbt Fargate task,
# the Airflow host, the dbt-artifacts bucket, the release pointer, the GitHub
# deploy role and the environment's Snowflake database(s). The roots
# envs/dev and envs/prod call it once each with their values; account-wide
# resources (image repository, raw and releases buckets, OIDC provider,
# Snowflake roles and warehouses) come from envs/shared, which must be
# applied first.

locals {
  # Blue/green: promotion clones <DB> into <DB>_NEXT, builds and tests
  # there, then swaps the two (ci/steps/warehouse.ts).
  environment_databases = var.blue_green ? [var.snowflake_database, "${var.snowflake_database}_NEXT"] : [var.snowflake_database]
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
  source = "../s3"

  buckets = {
    dbt-artifacts = {
      name              = "estat-${var.environment}-dbt-artifacts"
      expire_after_days = 90
    }
  }
}

# The key itself is put with `aws secretsmanager put-secret-value`, never
# through Terraform, so it never lands in the state.
resource "aws_secretsmanager_secret" "snowflake_private_key" {
  name        = "estat/${var.environment}/snowflake-private-key"
  description = "PEM private key of the Snowflake user the dbt task connects as"
}

resource "aws_sns_topic" "alerts" {
  name = "estat-${var.environment}-alerts"
}

module "ecs_dbt" {
  source = "../ecs_dbt"

  environment                      = var.environment
  vpc_id                           = var.vpc_id
  repository_url                   = data.aws_ecr_repository.dbt.repository_url
  repository_arn                   = data.aws_ecr_repository.dbt.arn
  image_digest                     = var.bootstrap_image_digest
  cpu                              = var.dbt_cpu
  memory                           = var.dbt_memory
  dbt_target                       = var.dbt_target
  snowflake_account                = var.snowflake_account_identifier
  snowflake_user                   = "DATASHIP_CI"
  snowflake_database               = var.snowflake_database
  snowflake_private_key_secret_arn = aws_secretsmanager_secret.snowflake_private_key.arn
  artifacts_bucket_name            = module.buckets.bucket_names["dbt-artifacts"]
  log_retention_days               = var.log_retention_days
}

module "airflow_host" {
  source = "../airflow_host"

  environment                = var.environment
  vpc_id                     = var.vpc_id
  subnet_id                  = var.airflow_subnet_id
  instance_type              = var.airflow_instance_type
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
      target           = var.dbt_target
      artifacts_bucket = module.buckets.bucket_names["dbt-artifacts"]
    })
    estat_raw_bucket            = data.aws_s3_bucket.raw.bucket
    estat_crawler_function_name = var.crawler_function_name
    estat_alerts_topic_arn      = aws_sns_topic.alerts.arn
  }
}

module "ssm_pointers" {
  source = "../ssm_pointers"

  environments = [var.environment]
  prefix       = var.release_pointer_prefix
}

module "github_oidc" {
  source = "../github_oidc"

  deploy_role_name       = "estat-${var.environment}-deploy"
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
  source = "../snowflake"

  environment           = var.environment
  environment_databases = local.environment_databases
}
