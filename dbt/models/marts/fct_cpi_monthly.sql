-- Monthly consumer price index by category (2020 = 100) with the
-- year-on-year change and a three-month moving average.
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
        cpi_index,
        cpi_index_prior_year,
        yoy_change_pct
    from {{ ref('int_cpi__yoy') }}

),

smoothed as (

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
        yoy_change_pct,
        round(
            avg(cpi_index) over (
                partition by category_code
                order by month_start_date
                rows between 2 preceding and current row
            ),
            2
        ) as cpi_index_3m_avg
    from cpi

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
    yoy_change_pct,
    cpi_index_3m_avg
from smoothed
