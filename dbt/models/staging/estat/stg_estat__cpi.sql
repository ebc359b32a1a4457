-- Consumer price index (2020 = 100), national, monthly, by category.
-- e-Stat time codes are "YYYY00MMMM" for months and "YYYY000000" for annual
-- averages; only the monthly rows are kept.
with

source as (

    {% if target.name == 'local' %}
        select * from {{ ref('estat_raw_cpi') }}
    {% else %}
        select * from {{ source('estat', 'raw_cpi') }}
    {% endif %}

),

renamed as (

    select
        stats_data_id,
        category_code,
        category_name_en,
        category_name_ja,
        time_code,
        unit as unit_label,
        _loaded_at as loaded_at,
        try_cast(obs_value as decimal(7, 1)) as cpi_index,
        left(time_code, 4) as year_text,
        substr(time_code, 7, 2) as month_text
    from source
    where
        area_code = '00000'
        and substr(time_code, 5, 2) = '00'
        and substr(time_code, 7, 2) != '00'
    qualify row_number() over (
        partition by category_code, time_code
        order by _loaded_at desc
    ) = 1

),

typed as (

    select
        stats_data_id,
        category_code,
        category_name_en,
        category_name_ja,
        unit_label,
        loaded_at,
        cpi_index,
        cast(year_text as integer) as reference_year,
        cast(month_text as integer) as reference_month,
        cast(
            year_text || '-' || month_text || '-01' as date
        ) as month_start_date,
        category_code || '-' || year_text || '-' || month_text as cpi_id
    from renamed

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
    unit_label,
    stats_data_id,
    loaded_at
from typed
