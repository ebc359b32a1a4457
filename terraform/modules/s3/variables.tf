variable "buckets" {
  description = <<-EOT
    Buckets to create, keyed by purpose (raw, releases, dbt-artifacts).
    expire_after_days = null keeps current versions forever.
  EOT
  type = map(object({
    name                    = string
    expire_after_days       = optional(number)
    noncurrent_version_days = optional(number, 30)
  }))
}

variable "kms_key_arn" {
  description = "KMS key for SSE-KMS; null uses SSE-S3 (AES256)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every bucket."
  type        = map(string)
  default     = {}
}
