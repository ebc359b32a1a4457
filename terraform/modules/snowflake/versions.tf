terraform {
  required_version = ">= 1.6.0"

  required_providers {
    # Not in the hashicorp namespace: every module using it must say so.
    snowflake = {
      source  = "snowflakedb/snowflake"
      version = ">= 1.0.0"
    }
  }
}
