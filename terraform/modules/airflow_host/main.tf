# The Airflow host: one EC2 instance running the scheduler, triggerer and
# webserver (LocalExecutor, local PostgreSQL). It has no inbound rule at all:
# operators reach the UI through an SSM port-forwarding session, and
# dataship deploys DAG bundles with SSM Run Command (AWS-RunShellScript),
# switching /opt/airflow/dags/current atomically.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_ssm_parameter" "al2023_ami" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

locals {
  name       = "estat-airflow-${var.environment}"
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  crawler_function_arn = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${var.crawler_function_name}"
  ssm_prefix_arn       = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/airflow/${var.environment}"
}

resource "aws_security_group" "airflow" {
  name        = local.name
  description = "Airflow host: no inbound access (SSM only), HTTPS egress"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = local.name })
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.airflow.id
  description       = "HTTPS to AWS APIs (SSM, S3, ECS, Lambda), Snowflake and package mirrors"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_instance" "airflow" {
  ami                    = data.aws_ssm_parameter.al2023_ami.insecure_value
  instance_type          = var.instance_type
  subnet_id              = var.subnet_id
  vpc_security_group_ids = [aws_security_group.airflow.id]
  iam_instance_profile   = aws_iam_instance_profile.airflow.name
  monitoring             = true

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    http_endpoint               = "enabled"
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_gb
    encrypted             = true
    delete_on_termination = true
  }

  user_data = templatefile("${path.module}/user_data.sh.tpl", {
    airflow_version = var.airflow_version
    python_version  = var.python_version
    environment     = var.environment
    region          = local.region
  })
  user_data_replace_on_change = true

  tags = merge(var.tags, {
    Name        = local.name
    Environment = var.environment
    Role        = "airflow"
  })

  lifecycle {
    # A newer AMI must not replace the host behind Airflow's back.
    ignore_changes = [ami]
  }
}

# --- Variables the DAGs read (SSM Parameter Store secrets backend) -------------

resource "aws_ssm_parameter" "variables" {
  for_each = var.airflow_variables

  name        = "/airflow/${var.environment}/variables/${each.key}"
  description = "Airflow Variable ${each.key} (read by the e-Stat DAGs)"
  type        = "String"
  value       = each.value

  tags = var.tags
}

# --- IAM -------------------------------------------------------------------

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "airflow" {
  name               = local.name
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "ssm_core" {
  role       = aws_iam_role.airflow.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "airflow" {
  name = local.name
  role = aws_iam_role.airflow.name
}

data "aws_iam_policy_document" "airflow" {
  statement {
    sid       = "InvokeCrawler"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.crawler_function_arn]
  }

  statement {
    sid       = "ListRawBucket"
    actions   = ["s3:ListBucket"]
    resources = [var.raw_bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["estat/*"]
    }
  }

  statement {
    sid       = "ReadRawMarkers"
    actions   = ["s3:GetObject"]
    resources = ["${var.raw_bucket_arn}/estat/*"]
  }

  statement {
    sid       = "ListDagBundles"
    actions   = ["s3:ListBucket"]
    resources = [var.releases_bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["dag-bundles/${var.environment}/*"]
    }
  }

  statement {
    sid       = "ReadDagBundles"
    actions   = ["s3:GetObject"]
    resources = ["${var.releases_bucket_arn}/dag-bundles/${var.environment}/*"]
  }

  statement {
    sid       = "RunDbtTasks"
    actions   = ["ecs:RunTask"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${var.dbt_task_definition_family}:*"]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }

  statement {
    sid     = "WatchDbtTasks"
    actions = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = [
      "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${var.ecs_cluster_name}/*",
    ]
  }

  statement {
    sid       = "ReattachToDbtTasks"
    actions   = ["ecs:ListTasks"]
    resources = ["*"]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }

  statement {
    # DescribeTaskDefinition has no resource-level permissions.
    sid       = "ResolveTaskFamily"
    actions   = ["ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "PassDbtRoles"
    actions   = ["iam:PassRole"]
    resources = var.dbt_role_arns
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadDbtTaskLogs"
    actions   = ["logs:GetLogEvents"]
    resources = ["${var.dbt_log_group_arn}:log-stream:*"]
  }

  statement {
    sid       = "ReadAirflowSecrets"
    actions   = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = ["${local.ssm_prefix_arn}/*"]
  }

  statement {
    sid       = "PublishAlerts"
    actions   = ["sns:Publish"]
    resources = [var.alerts_topic_arn]
  }
}

resource "aws_iam_role_policy" "airflow" {
  name   = "estat-airflow"
  role   = aws_iam_role.airflow.id
  policy = data.aws_iam_policy_document.airflow.json
}
