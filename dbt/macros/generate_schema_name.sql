{#-
    Environments are separated by database (ESTAT_DEV, ESTAT_PROD, CI_PR_<n>),
    so a custom schema is used as-is (STAGING, MARTS, ...) instead of dbt's
    default "<target_schema>_<custom_schema>".
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
