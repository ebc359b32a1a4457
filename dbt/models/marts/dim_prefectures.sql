-- Prefecture dimension: names, region and the latest population estimate.
with

prefectures as (

    select
        prefecture_code,
        jis_area_code,
        prefecture_name_en,
        prefecture_name_ja,
        region_code,
        region_name_en,
        region_name_ja
    from {{ ref('stg_estat__prefectures') }}

),

latest_population as (

    select
        prefecture_code,
        reference_year,
        population_total
    from {{ ref('int_population__by_prefecture_year') }}
    qualify row_number() over (
        partition by prefecture_code
        order by reference_year desc
    ) = 1

),

joined as (

    select
        prefectures.prefecture_code,
        prefectures.jis_area_code,
        prefectures.prefecture_name_en,
        prefectures.prefecture_name_ja,
        prefectures.region_code,
        prefectures.region_name_en,
        prefectures.region_name_ja,
        latest_population.reference_year as latest_population_year,
        latest_population.population_total as latest_population_total,
        case
            when latest_population.population_total >= 5000 then 'large'
            when latest_population.population_total >= 1500 then 'medium'
            when latest_population.population_total is not null then 'small'
        end as population_size_band
    from prefectures
    left join latest_population
        on prefectures.prefecture_code = latest_population.prefecture_code

)

select
    prefecture_code,
    jis_area_code,
    prefecture_name_en,
    prefecture_name_ja,
    region_code,
    region_name_en,
    region_name_ja,
    latest_population_year,
    latest_population_total,
    population_size_band
from joined
