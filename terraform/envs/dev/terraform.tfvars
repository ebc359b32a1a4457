# Non-secret settings of dev (the IDs match dataship.yaml's examples).
vpc_id             = "vpc-0a1b2c3d4e5f60718"
private_subnet_ids = ["subnet-0a1b2c3d4e5f60718"]
airflow_subnet_id  = "subnet-0a1b2c3d4e5f60718"

github_org  = "example-org"
github_repo = "dataship"

snowflake_organization_name  = "EXAMPLEORG"
snowflake_account_name       = "ESTAT"
snowflake_account_identifier = "EXAMPLEORG-ESTAT"
