variable "environment" {
  description = "Environment name (dev, prod)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the host."
  type        = string
}

variable "subnet_id" {
  description = "Private subnet of the host (egress through a NAT gateway)."
  type        = string
}

variable "instance_type" {
  description = "EC2 instance type."
  type        = string
  default     = "t3.large"
}

variable "root_volume_gb" {
  description = "Root volume size (GiB)."
  type        = number
  default     = 50
}

variable "airflow_version" {
  description = "Apache Airflow version installed at first boot."
  type        = string
  default     = "2.10.5"
}

variable "python_version" {
  description = "Python minor version of the Airflow virtualenv."
  type        = string
  default     = "3.11"
}

variable "crawler_function_name" {
  description = "Name of the e-Stat crawler Lambda the ingestion DAG invokes."
  type        = string
}

variable "raw_bucket_arn" {
  description = "ARN of the raw bucket the crawler writes to."
  type        = string
}

variable "releases_bucket_arn" {
  description = "ARN of the releases bucket holding DAG bundles."
  type        = string
}

variable "ecs_cluster_name" {
  description = "ECS cluster running the dbt tasks."
  type        = string
}

variable "ecs_cluster_arn" {
  description = "ARN of that cluster."
  type        = string
}

variable "dbt_task_definition_family" {
  description = "Task definition family of the dbt task."
  type        = string
}

variable "dbt_role_arns" {
  description = "Execution and task role ARNs of the dbt task (iam:PassRole)."
  type        = list(string)
}

variable "dbt_log_group_arn" {
  description = "Log group of the dbt task (the operator streams its logs)."
  type        = string
}

variable "alerts_topic_arn" {
  description = "SNS topic the failure callbacks publish to."
  type        = string
}

variable "airflow_variables" {
  description = "Airflow Variables stored as /airflow/<env>/variables/<name>."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
