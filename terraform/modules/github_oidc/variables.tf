variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (once per account: the shared root)."
  type        = bool
  default     = false
}

variable "deploy_role_name" {
  description = "Name of the deploy role to create; null creates no role (shared root)."
  type        = string
  default     = null
}

variable "github_org" {
  description = "GitHub organisation (or user) owning the repository."
  type        = string
  default     = null
}

variable "github_repo" {
  description = "Repository name, without the organisation."
  type        = string
  default     = null
}

variable "ecr_repository_arn" {
  description = "dbt image repository the role pushes to and re-tags in."
  type        = string
  default     = null
}

variable "airflow_instance_arn" {
  description = "Airflow host the role sends DAG deploy commands to."
  type        = string
  default     = null
}

variable "release_pointer_arns" {
  description = "SSM parameters (release pointers) the role may move."
  type        = list(string)
  default     = []
}

variable "releases_bucket_arn" {
  description = "Bucket of release records and DAG bundles."
  type        = string
  default     = null
}

variable "artifacts_bucket_arn" {
  description = "Bucket of dbt artifacts the role reads back after a run."
  type        = string
  default     = null
}

variable "ecs_cluster_name" {
  description = "ECS cluster of the dbt task."
  type        = string
  default     = null
}

variable "ecs_cluster_arn" {
  description = "ARN of that cluster."
  type        = string
  default     = null
}

variable "task_definition_family" {
  description = "Task definition family of the dbt task."
  type        = string
  default     = null
}

variable "pass_role_arns" {
  description = "The dbt task's execution and task roles (iam:PassRole)."
  type        = list(string)
  default     = []
}

variable "dbt_log_group_arn" {
  description = "Log group of the dbt task."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
