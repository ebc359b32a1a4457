-- The CPI is based 2020 = 100, so each category's 2020 monthly indices must
-- average 100 (within the rounding of the published one-decimal indices).
-- Returns the categories that drift, e.g. after a base-year revision.
{{ config(severity='warn') }}

select
    category_code,
    avg(cpi_index) as base_year_average
from {{ ref('fct_cpi_monthly') }}
where reference_year = 2020
group by category_code
having abs(avg(cpi_index) - 100) > 0.5
