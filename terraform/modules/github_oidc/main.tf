# GitHub Actions -> AWS without long-lived keys. The OIDC provider exists
# once per account (the shared root creates it, create_oidc_provider =
# true); each environment root creates its deploy role, trusted only for
# workflows running on the main branch of one repository.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  github_oidc_host = "token.actions.githubusercontent.com"
  region           = data.aws_region.current.region
  account_id       = data.aws_caller_identity.current.account_id
  partition        = data.aws_partition.current.partition

  oidc_provider_arn = (
    var.create_oidc_provider
    ? aws_iam_openid_connect_provider.github[0].arn
    : "arn:${local.partition}:iam::${local.account_id}:oidc-provider/${local.github_oidc_host}"
  )
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.github_oidc_host}"
  client_id_list = ["sts.amazonaws.com"]
  # AWS validates GitHub's certificate through its own trust store; the
  # thumbprints are kept for older tooling that still requires them.
  thumbprint_list = [
    "6938fd4d98bab03faadb97b34396831e3780aea1",
    "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
  ]

  tags = var.tags
}

# --- Deploy role -------------------------------------------------------------

data "aws_iam_policy_document" "trust" {
  count = var.deploy_role_name == null ? 0 : 1

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
    # Exactly this repository's main branch: no wildcard, so neither another
    # repository nor a pull request or another branch can assume the role.
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:sub"
      values   = ["repo:${var.github_org}/${var.github_repo}:ref:refs/heads/main"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  count = var.deploy_role_name == null ? 0 : 1

  name                 = var.deploy_role_name
  description          = "dataship deploys from GitHub Actions (${var.github_org}/${var.github_repo}, main)"
  assume_role_policy   = data.aws_iam_policy_document.trust[0].json
  max_session_duration = 3600

  tags = var.tags
}

data "aws_iam_policy_document" "deploy" {
  count = var.deploy_role_name == null ? 0 : 1

  statement {
    sid = "EcrLogin"
    # GetAuthorizationToken has no resource-level permissions.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPushAndRetag"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:DescribeRepositories",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:ListImages",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid     = "DeployDagBundles"
    actions = ["ssm:SendCommand"]
    resources = [
      var.airflow_instance_arn,
      "arn:${local.partition}:ssm:${local.region}::document/AWS-RunShellScript",
    ]
  }

  statement {
    # Command results: these actions have no resource-level permissions.
    sid       = "ReadCommandResults"
    actions   = ["ssm:GetCommandInvocation", "ssm:ListCommandInvocations"]
    resources = ["*"]
  }

  statement {
    sid = "MoveReleasePointer"
    actions = [
      "ssm:GetParameter",
      "ssm:GetParameterHistory",
      "ssm:LabelParameterVersion",
      "ssm:PutParameter",
    ]
    resources = var.release_pointer_arns
  }

  statement {
    sid       = "ListReleases"
    actions   = ["s3:ListBucket"]
    resources = [var.releases_bucket_arn]
  }

  statement {
    sid       = "ReadWriteReleases"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${var.releases_bucket_arn}/*"]
  }

  statement {
    sid       = "ReadDbtArtifacts"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [var.artifacts_bucket_arn, "${var.artifacts_bucket_arn}/*"]
  }

  statement {
    # New task definition revision per release (no resource-level support).
    sid       = "RegisterDbtTaskDefinition"
    actions   = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "RunDbtTask"
    actions   = ["ecs:RunTask"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${var.task_definition_family}:*"]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }

  statement {
    sid       = "WatchDbtTask"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${var.ecs_cluster_name}/*"]
  }

  statement {
    sid       = "PassDbtRoles"
    actions   = ["iam:PassRole"]
    resources = var.pass_role_arns
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadDbtLogs"
    actions   = ["logs:GetLogEvents"]
    resources = ["${var.dbt_log_group_arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "deploy" {
  count = var.deploy_role_name == null ? 0 : 1

  name   = "dataship-deploy"
  role   = aws_iam_role.deploy[0].id
  policy = data.aws_iam_policy_document.deploy[0].json
}
