# Snowflake objects of the e-Stat platform.
#
# One Snowflake account serves every environment, so the module has two
# halves:
#   - account objects (manage_account_objects = true, the shared root):
#     ESTAT_RAW and its landing schema, file format, S3 storage integration
#     and stage; the LOADER / TRANSFORMER / REPORTER roles; the LOADING /
#     TRANSFORMING / REPORTING warehouses; the service users.
#   - environment databases (every root): ESTAT_DEV for dev, ESTAT_PROD and
#     ESTAT_PROD_NEXT for prod, owned by TRANSFORMER so dbt can build them
#     and dataship can clone and SWAP them.

locals {
  roles = {
    LOADER      = "Loads crawled e-Stat files into ESTAT_RAW (Airflow)"
    TRANSFORMER = "Builds the e-Stat models with dbt; owns the environment databases"
    REPORTER    = "Reads the e-Stat marts (BI tools, analysts)"
  }

  # warehouse => role allowed to use it
  warehouses = {
    LOADING      = "LOADER"
    TRANSFORMING = "TRANSFORMER"
    REPORTING    = "REPORTER"
  }

  account_roles = var.manage_account_objects ? local.roles : {}
  account_whs   = var.manage_account_objects ? local.warehouses : {}
  users         = var.manage_account_objects ? var.service_users : {}
  raw           = var.manage_account_objects ? toset(["raw"]) : toset([])
}

# --- Roles -------------------------------------------------------------------

resource "snowflake_account_role" "this" {
  for_each = local.account_roles

  name    = each.key
  comment = each.value
}

# Functional roles roll up to SYSADMIN, so administrators keep control of
# every object they own.
resource "snowflake_grant_account_role" "to_sysadmin" {
  for_each = local.account_roles

  role_name        = snowflake_account_role.this[each.key].name
  parent_role_name = "SYSADMIN"
}

# TRANSFORMER creates the zero-copy clones of PR checks (CI_PR_<n>) and the
# ESTAT_PROD_NEXT clone of blue/green promotion.
resource "snowflake_grant_privileges_to_account_role" "transformer_create_database" {
  for_each = local.raw

  account_role_name = snowflake_account_role.this["TRANSFORMER"].name
  privileges        = ["CREATE DATABASE"]
  on_account        = true
}

# --- Warehouses --------------------------------------------------------------

resource "snowflake_warehouse" "this" {
  for_each = local.account_whs

  name                = each.key
  warehouse_size      = var.warehouse_size
  auto_suspend        = 60
  auto_resume         = "true"
  initially_suspended = true
  comment             = "e-Stat ${lower(each.key)} warehouse"
}

resource "snowflake_grant_privileges_to_account_role" "warehouse_usage" {
  for_each = local.account_whs

  account_role_name = snowflake_account_role.this[each.value].name
  privileges        = ["USAGE", "OPERATE"]
  on_account_object {
    object_type = "WAREHOUSE"
    object_name = snowflake_warehouse.this[each.key].name
  }
}

# --- Raw landing zone ----------------------------------------------------------

resource "snowflake_database" "raw" {
  for_each = local.raw

  name                        = "ESTAT_RAW"
  comment                     = "e-Stat files as crawled, loaded by COPY INTO"
  data_retention_time_in_days = 7
}

resource "snowflake_schema" "raw" {
  for_each = local.raw

  database = snowflake_database.raw["raw"].name
  name     = "ESTAT"
  comment  = "Raw e-Stat tables (RAW_*), every column text"
}

resource "snowflake_file_format" "csv_gzip" {
  for_each = local.raw

  name                         = "ESTAT_CSV_GZIP"
  database                     = snowflake_database.raw["raw"].name
  schema                       = snowflake_schema.raw["raw"].name
  format_type                  = "CSV"
  compression                  = "GZIP"
  encoding                     = "UTF8"
  skip_header                  = 1
  field_optionally_enclosed_by = "\""
  null_if                      = [""]
  empty_field_as_null          = true
}

resource "snowflake_storage_integration" "raw" {
  for_each = local.raw

  name                      = "ESTAT_RAW_S3"
  type                      = "EXTERNAL_STAGE"
  storage_provider          = "S3"
  enabled                   = true
  storage_aws_role_arn      = var.stage_aws_role_arn
  storage_allowed_locations = ["s3://${var.raw_bucket_name}/estat/"]
  comment                   = "Read-only access to the e-Stat raw bucket"
}

resource "snowflake_stage" "crawl" {
  for_each = local.raw

  name                = "CRAWL_STAGE"
  database            = snowflake_database.raw["raw"].name
  schema              = snowflake_schema.raw["raw"].name
  url                 = "s3://${var.raw_bucket_name}/"
  storage_integration = snowflake_storage_integration.raw["raw"].name
  comment             = "Crawler output: estat/<dataset>/run_date=<date>/"
}

resource "snowflake_grant_privileges_to_account_role" "raw_database_usage" {
  for_each = var.manage_account_objects ? toset(["LOADER", "TRANSFORMER"]) : toset([])

  account_role_name = snowflake_account_role.this[each.key].name
  privileges        = ["USAGE"]
  on_account_object {
    object_type = "DATABASE"
    object_name = snowflake_database.raw["raw"].name
  }
}

resource "snowflake_grant_privileges_to_account_role" "loader_raw_schema" {
  for_each = local.raw

  account_role_name = snowflake_account_role.this["LOADER"].name
  privileges        = ["USAGE", "CREATE TABLE"]
  on_schema {
    schema_name = snowflake_schema.raw["raw"].fully_qualified_name
  }
}

resource "snowflake_grant_privileges_to_account_role" "loader_stage" {
  for_each = local.raw

  account_role_name = snowflake_account_role.this["LOADER"].name
  privileges        = ["USAGE"]
  on_schema_object {
    object_type = "STAGE"
    object_name = snowflake_stage.crawl["raw"].fully_qualified_name
  }
}

resource "snowflake_grant_privileges_to_account_role" "loader_file_format" {
  for_each = local.raw

  account_role_name = snowflake_account_role.this["LOADER"].name
  privileges        = ["USAGE"]
  on_schema_object {
    object_type = "FILE FORMAT"
    object_name = snowflake_file_format.csv_gzip["raw"].fully_qualified_name
  }
}

resource "snowflake_grant_privileges_to_account_role" "transformer_raw_schema" {
  for_each = local.raw

  account_role_name = snowflake_account_role.this["TRANSFORMER"].name
  privileges        = ["USAGE"]
  on_schema {
    schema_name = snowflake_schema.raw["raw"].fully_qualified_name
  }
}

# Raw tables are created by the LOADER (CREATE TABLE IF NOT EXISTS before
# each COPY); TRANSFORMER reads the ones that exist and every future one.
resource "snowflake_grant_privileges_to_account_role" "transformer_raw_tables" {
  for_each = toset(var.manage_account_objects ? ["all", "future"] : [])

  account_role_name = snowflake_account_role.this["TRANSFORMER"].name
  privileges        = ["SELECT"]
  on_schema_object {
    dynamic "all" {
      for_each = each.key == "all" ? [1] : []
      content {
        object_type_plural = "TABLES"
        in_schema          = snowflake_schema.raw["raw"].fully_qualified_name
      }
    }
    dynamic "future" {
      for_each = each.key == "future" ? [1] : []
      content {
        object_type_plural = "TABLES"
        in_schema          = snowflake_schema.raw["raw"].fully_qualified_name
      }
    }
  }
}

# --- Service users (key-pair authentication only) ---------------------------

resource "snowflake_service_user" "this" {
  for_each = local.users

  name              = each.key
  comment           = each.value.comment
  default_role      = each.value.role
  default_warehouse = each.value.warehouse
  rsa_public_key    = each.value.rsa_public_key
}

resource "snowflake_grant_account_role" "to_users" {
  for_each = local.users

  role_name = snowflake_account_role.this[each.value.role].name
  user_name = snowflake_service_user.this[each.key].name
}

# --- Environment databases -----------------------------------------------------

resource "snowflake_database" "env" {
  for_each = toset(var.environment_databases)

  name                        = each.value
  comment                     = "e-Stat models built by dbt (${var.environment})"
  data_retention_time_in_days = var.environment == "prod" ? 7 : 1

  lifecycle {
    # dataship recreates ESTAT_PROD_NEXT as a clone of ESTAT_PROD before each
    # promotion and swaps the two; only the name is Terraform's to manage.
    ignore_changes = [comment, data_retention_time_in_days]
  }
}

resource "snowflake_grant_ownership" "env_database" {
  for_each = snowflake_database.env

  account_role_name   = var.transformer_role
  outbound_privileges = "COPY"
  on {
    object_type = "DATABASE"
    object_name = each.value.name
  }
}

resource "snowflake_grant_privileges_to_account_role" "reporter_env_database" {
  for_each = snowflake_database.env

  account_role_name = var.reporter_role
  privileges        = ["USAGE"]
  on_account_object {
    object_type = "DATABASE"
    object_name = each.value.name
  }
}

# dbt grants SELECT on the marts to REPORTER itself (+grants in
# dbt_project.yml); schema usage is granted here for schemas to come.
resource "snowflake_grant_privileges_to_account_role" "reporter_future_schemas" {
  for_each = snowflake_database.env

  account_role_name = var.reporter_role
  privileges        = ["USAGE"]
  on_schema {
    future_schemas_in_database = each.value.name
  }
}
