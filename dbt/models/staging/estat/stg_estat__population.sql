-- Population estimates (thousand persons, 1 October of each year) by
-- prefecture and sex. e-Stat publishes the national total as area 00000;
-- it is dropped here and recomputed downstream from the prefectures.
with

source as (

    {% if target.name == 'local' %}
        select * from {{ ref('estat_raw_population') }}
    {% else %}
        select * from {{ source('estat', 'raw_population') }}
    {% endif %}

),

renamed as (

    select
        stats_data_id,
        area_code as jis_area_code,
        sex_code,
        unit as unit_label,
        _loaded_at as loaded_at,
        cast(left(time_code, 4) as integer) as reference_year,
        -- e-Stat marks missing cells with "-" or "…": they become null.
        try_cast(obs_value as bigint) as population_thousands,
        left(area_code, 2) as prefecture_code,
        case sex_code
            when '000' then 'total'
            when '001' then 'male'
            when '002' then 'female'
        end as sex
    from source
    where
        area_code != '00000'
        and time_code like '%000000'
    qualify row_number() over (
        partition by area_code, sex_code, time_code
        order by _loaded_at desc
    ) = 1

),

keyed as (

    select
        stats_data_id,
        jis_area_code,
        sex_code,
        unit_label,
        loaded_at,
        prefecture_code,
        reference_year,
        population_thousands,
        sex,
        (
            prefecture_code || '-' || sex || '-'
            || cast(reference_year as varchar)
        ) as population_id
    from renamed

)

select
    population_id,
    prefecture_code,
    jis_area_code,
    reference_year,
    sex,
    sex_code,
    population_thousands,
    unit_label,
    stats_data_id,
    loaded_at
from keyed
