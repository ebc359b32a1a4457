# Account-wide resources of the e-Stat platform, shared by dev and prod:
# the dbt image repository (environments are tags in it), the raw and
# releases buckets, the GitHub OIDC provider, and the Snowflake account
# objects. Apply this root before envs/dev and envs/prod.

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

  preview_features_enabled = [
    "snowflake_file_format_resource",
    "snowflake_stage_resource",
    "snowflake_storage_integration_resource",
  ]
}

data "aws_caller_identity" "current" {}

locals {
  tags = {
    Project   = "estat"
    ManagedBy = "terraform"
    Stack     = "shared"
  }

  # Known before the role exists, which breaks the cycle between the
  # storage integration (needs the role ARN) and the role's trust policy
  # (needs the integration's IAM user and external id).
  snowflake_stage_role_name = "estat-snowflake-stage"
  snowflake_stage_role_arn  = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/${local.snowflake_stage_role_name}"
}

module "ecr" {
  source = "../../modules/ecr"

  name                = var.ecr_repository_name
  mutable_tag_filters = ["dev", "prod", "pr-*"]
  protected_tags      = ["dev", "prod"]
}

module "buckets" {
  source = "../../modules/s3"

  buckets = {
    raw = {
      name = var.raw_bucket_name
    }
    releases = {
      name                    = var.releases_bucket_name
      noncurrent_version_days = 90
    }
  }
}

module "github_oidc" {
  source = "../../modules/github_oidc"

  create_oidc_provider = true
}

module "snowflake" {
  source = "../../modules/snowflake"

  environment            = "shared"
  manage_account_objects = true
  raw_bucket_name        = module.buckets.bucket_names["raw"]
  stage_aws_role_arn     = local.snowflake_stage_role_arn

  service_users = {
    DATASHIP_CI = {
      role           = "TRANSFORMER"
      warehouse      = "TRANSFORMING"
      rsa_public_key = var.dataship_ci_rsa_public_key
      comment        = "dataship CI and the dbt ECS tasks"
    }
    AIRFLOW_LOADER = {
      role           = "LOADER"
      warehouse      = "LOADING"
      rsa_public_key = var.airflow_loader_rsa_public_key
      comment        = "Airflow COPY INTO of the crawled files"
    }
  }
}

# --- Role Snowflake assumes to read the raw bucket ----------------------------

data "aws_iam_policy_document" "snowflake_stage_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [module.snowflake.stage_aws_iam_user_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [module.snowflake.stage_aws_external_id]
    }
  }
}

resource "aws_iam_role" "snowflake_stage" {
  name               = local.snowflake_stage_role_name
  description        = "Snowflake storage integration ESTAT_RAW_S3: read the crawled files"
  assume_role_policy = data.aws_iam_policy_document.snowflake_stage_trust.json
}

data "aws_iam_policy_document" "snowflake_stage" {
  statement {
    sid       = "ReadCrawledFiles"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${module.buckets.bucket_arns["raw"]}/estat/*"]
  }

  statement {
    sid       = "ListCrawledFiles"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [module.buckets.bucket_arns["raw"]]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["estat/*"]
    }
  }
}

resource "aws_iam_role_policy" "snowflake_stage" {
  name   = "read-raw-bucket"
  role   = aws_iam_role.snowflake_stage.id
  policy = data.aws_iam_policy_document.snowflake_stage.json
}
