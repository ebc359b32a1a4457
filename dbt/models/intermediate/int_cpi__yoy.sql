-- Adds the year-on-year change to each monthly CPI observation by joining
-- the same category and month of the previous year. The change is computed
-- from the published (rounded) indices, so it can differ by 0.1 point from
-- the rate the Statistics Bureau publishes from unrounded indices.
with

cpi as (

    select
        cpi_id,
        category_code,
        category_name_en,
        category_name_ja,
        month_start_date,
        reference_year,
        reference_month,
        cpi_index
    from {{ ref('stg_estat__cpi') }}

),

joined as (

    select
        cpi.cpi_id,
        cpi.category_code,
        cpi.category_name_en,
        cpi.category_name_ja,
        cpi.month_start_date,
        cpi.reference_year,
        cpi.reference_month,
        cpi.cpi_index,
        prior_year.cpi_index as cpi_index_prior_year,
        round(
            100.0 * (cpi.cpi_index / prior_year.cpi_index - 1), 1
        ) as yoy_change_pct
    from cpi
    left join cpi as prior_year
        on
            cpi.category_code = prior_year.category_code
            and cpi.reference_year = prior_year.reference_year + 1
            and cpi.reference_month = prior_year.reference_month

)

select
    cpi_id,
    category_code,
    category_name_en,
    category_name_ja,
    month_start_date,
    reference_year,
    reference_month,
    cpi_index,
    cpi_index_prior_year,
    yoy_change_pct
from joined
