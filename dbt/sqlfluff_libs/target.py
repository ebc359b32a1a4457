"""Stand-in for dbt's ``target`` context, for sqlfluff's jinja templater only.

sqlfluff lints the models with the plain jinja templater (no dbt install, no
warehouse connection). Models branch on ``target.name`` to read seeds on the
local DuckDB target and sources elsewhere; linting renders the Snowflake
branch, which is the one that ships.
"""

name = "dev"
type = "snowflake"
schema = "ESTAT"
database = "ESTAT_DEV"
