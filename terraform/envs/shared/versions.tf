terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.8 added IMMUTABLE_WITH_EXCLUSION and image_tag_mutability_exclusion_filter.
      version = "~> 6.8"
    }
    snowflake = {
      source  = "snowflakedb/snowflake"
      version = "~> 1.0"
    }
  }

  backend "s3" {
    bucket       = "estat-terraform-state"
    key          = "estat/shared/terraform.tfstate"
    region       = "ap-northeast-1"
    encrypt      = true
    use_lockfile = true
  }
}
