# ECS Fargate cluster and task definition that run the dbt release image.
#
# Terraform registers the bootstrap revision, pinned to var.image_digest.
# dataship registers one new revision of the same family per release
# (same roles, same settings, the release's digest), so deploy and rollback
# never need Terraform; skip_destroy keeps old revisions for rollback.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  family         = "estat-dbt-${var.environment}"
  container_name = "dbt"
  log_group_name = "/ecs/estat-dbt-${var.environment}"
  region         = data.aws_region.current.region
  account_id     = data.aws_caller_identity.current.account_id
}

resource "aws_ecs_cluster" "this" {
  name = "estat-${var.environment}"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_cloudwatch_log_group" "dbt" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days

  tags = var.tags
}

resource "aws_ecs_task_definition" "dbt" {
  family                   = local.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  skip_destroy             = true

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # dbt writes only under /tmp/dbt (DBT_TARGET_PATH, DBT_LOG_PATH), so the
  # root filesystem stays read-only and /tmp is a task-scoped volume.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = local.container_name
      image                  = "${var.repository_url}@${var.image_digest}"
      essential              = true
      user                   = "10001"
      readonlyRootFilesystem = true
      command                = ["--help"]
      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
      ]
      environment = [
        { name = "DBT_TARGET", value = var.dbt_target },
        { name = "DBT_SNOWFLAKE_DATABASE", value = var.snowflake_database },
        { name = "SNOWFLAKE_ACCOUNT", value = var.snowflake_account },
        { name = "SNOWFLAKE_USER", value = var.snowflake_user },
        { name = "SNOWFLAKE_ROLE", value = var.snowflake_role },
        { name = "SNOWFLAKE_WAREHOUSE", value = var.snowflake_warehouse },
        { name = "DBT_ARTIFACTS_S3_URI", value = "s3://${var.artifacts_bucket_name}/estat/adhoc" },
      ]
      secrets = [
        { name = "SNOWFLAKE_PRIVATE_KEY", valueFrom = var.snowflake_private_key_secret_arn },
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.dbt.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "dbt"
        }
      }
    },
  ])

  tags = var.tags
}

# --- IAM -------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# Execution role: what ECS itself needs to start the container.
resource "aws_iam_role" "execution" {
  name               = "estat-dbt-${var.environment}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid = "EcrAuth"
    # GetAuthorizationToken has no resource-level permissions.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PullDbtImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.repository_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.dbt.arn}:log-stream:*"]
  }

  statement {
    sid       = "ReadSnowflakeKey"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.snowflake_private_key_secret_arn]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "estat-dbt-execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# Task role: what dbt (the entrypoint) does at run time.
resource "aws_iam_role" "task" {
  name               = "estat-dbt-${var.environment}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task" {
  statement {
    sid       = "UploadDbtArtifacts"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["arn:aws:s3:::${var.artifacts_bucket_name}/estat/*"]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "estat-dbt-task"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

# Tasks need egress only: Snowflake and AWS APIs over HTTPS.
resource "aws_security_group" "task" {
  name        = "estat-dbt-${var.environment}"
  description = "dbt Fargate tasks: HTTPS egress only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "estat-dbt-${var.environment}" })
}

resource "aws_vpc_security_group_egress_rule" "task_https" {
  security_group_id = aws_security_group.task.id
  description       = "HTTPS to Snowflake, ECR, S3, CloudWatch Logs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}
