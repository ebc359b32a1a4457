-- One row per prefecture (JIS X 0401 code), from the e-Stat area
-- classification. The crawler reloads the full list on every run, so only
-- the latest load of each area is kept.
with

source as (

    {% if target.name == 'local' %}
        select * from {{ ref('estat_raw_prefectures') }}
    {% else %}
        select * from {{ source('estat', 'raw_prefectures') }}
    {% endif %}

),

renamed as (

    select
        area_code as jis_area_code,
        area_name_en as prefecture_name_en,
        area_name_ja as prefecture_name_ja,
        region_code,
        region_name_en,
        region_name_ja,
        _loaded_at as loaded_at,
        left(area_code, 2) as prefecture_code
    from source
    where area_code != '00000'
    qualify row_number() over (
        partition by area_code
        order by _loaded_at desc
    ) = 1

)

select
    prefecture_code,
    jis_area_code,
    prefecture_name_en,
    prefecture_name_ja,
    region_code,
    region_name_en,
    region_name_ja,
    loaded_at
from renamed
