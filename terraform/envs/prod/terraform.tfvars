# Non-secret settings of prod (the IDs match dataship.yaml's examples).
vpc_id             = "vpc-0f1e2d3c4b5a69788"
private_subnet_ids = ["subnet-0f1e2d3c4b5a69788"]
airflow_subnet_id  = "subnet-0f1e2d3c4b5a69788"

github_org  = "example-org"
github_repo = "dataship"

snowflake_organization_name  = "EXAMPLEORG"
snowflake_account_name       = "ESTAT"
snowflake_account_identifier = "EXAMPLEORG-ESTAT"
