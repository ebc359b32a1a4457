variable "name" {
  description = "Repository name (dataship.yaml image.repository)."
  type        = string
}

variable "mutable_tag_filters" {
  description = "Tags that may be moved (environment pointers); every other tag is immutable. At most 5."
  type        = list(string)
  default     = ["dev", "prod", "pr-*"]

  validation {
    condition     = length(var.mutable_tag_filters) >= 1 && length(var.mutable_tag_filters) <= 5
    error_message = "ECR accepts between 1 and 5 tag mutability exclusion filters."
  }
}

variable "protected_tags" {
  description = "Environment tags whose images the lifecycle policy must never expire."
  type        = list(string)
  default     = ["dev", "prod"]
}

variable "keep_release_images" {
  description = "How many release-* images to keep (rollback depth)."
  type        = number
  default     = 50
}

variable "keep_runtime_images" {
  description = "How many runtime-* images (Python + dbt + adapters) to keep."
  type        = number
  default     = 10
}

variable "pr_image_days" {
  description = "Days after which pr-* images expire."
  type        = number
  default     = 14
}

variable "untagged_image_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 14
}

variable "tags" {
  description = "Tags applied to the repository."
  type        = map(string)
  default     = {}
}
