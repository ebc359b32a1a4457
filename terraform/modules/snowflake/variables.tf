variable "environment" {
  description = "Environment of the databases this call manages (shared, dev, prod)."
  type        = string
}

variable "manage_account_objects" {
  description = "Create the account-level objects (roles, warehouses, ESTAT_RAW, users). True in the shared root only."
  type        = bool
  default     = false
}

variable "environment_databases" {
  description = "Databases dbt builds into for this environment, e.g. [\"ESTAT_DEV\"] or [\"ESTAT_PROD\", \"ESTAT_PROD_NEXT\"]."
  type        = list(string)
  default     = []
}

variable "transformer_role" {
  description = "Role owning the environment databases (created by the shared root)."
  type        = string
  default     = "TRANSFORMER"
}

variable "reporter_role" {
  description = "Read-only role of the marts (created by the shared root)."
  type        = string
  default     = "REPORTER"
}

variable "warehouse_size" {
  description = "Size of the e-Stat warehouses."
  type        = string
  default     = "XSMALL"
}

variable "raw_bucket_name" {
  description = "S3 bucket the crawler lands files in (account objects only)."
  type        = string
  default     = null
}

variable "stage_aws_role_arn" {
  description = "IAM role Snowflake assumes to read the raw bucket (account objects only)."
  type        = string
  default     = null
}

variable "service_users" {
  description = "Service users (key-pair only), by name: role, default warehouse, RSA public key."
  type = map(object({
    role           = string
    warehouse      = string
    rsa_public_key = string
    comment        = string
  }))
  default = {}
}
