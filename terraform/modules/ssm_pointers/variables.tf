variable "environments" {
  description = "Environments that get a release pointer."
  type        = list(string)
}

variable "prefix" {
  description = "Parameter path prefix; pointers are <prefix>/<env>/release."
  type        = string
  default     = "/dataship"

  validation {
    condition     = can(regex("^/[A-Za-z0-9_./-]*[^/]$", var.prefix))
    error_message = "The prefix must start with / and must not end with /."
  }
}

variable "initial_value" {
  description = "Value before the first deploy (SSM rejects empty values)."
  type        = string
  default     = "none"
}

variable "tags" {
  description = "Tags applied to the parameters."
  type        = map(string)
  default     = {}
}
