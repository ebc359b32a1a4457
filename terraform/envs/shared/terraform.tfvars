# Non-secret settings of the shared stack. Public keys are not secrets; the
# Snowflake private key Terraform uses comes from SNOWFLAKE_PRIVATE_KEY.
snowflake_organization_name = "EXAMPLEORG"
snowflake_account_name      = "ESTAT"
