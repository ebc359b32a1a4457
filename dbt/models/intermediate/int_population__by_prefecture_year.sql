-- Pivots the long population series (one row per sex) to one row per
-- prefecture and year, and adds the sex ratio and the change on the
-- previous year.
with

population as (

    select
        prefecture_code,
        reference_year,
        sex,
        population_thousands
    from {{ ref('stg_estat__population') }}

),

pivoted as (

    select
        prefecture_code,
        reference_year,
        sum(
            case when sex = 'total' then population_thousands end
        ) as population_total,
        sum(
            case when sex = 'male' then population_thousands end
        ) as population_male,
        sum(
            case when sex = 'female' then population_thousands end
        ) as population_female
    from population
    group by prefecture_code, reference_year

),

with_change as (

    select
        prefecture_code,
        reference_year,
        population_total,
        population_male,
        population_female,
        (
            prefecture_code || '-' || cast(reference_year as varchar)
        ) as prefecture_year_id,
        -- males per 100 females
        round(
            100.0 * population_male / nullif(population_female, 0), 1
        ) as sex_ratio,
        population_total - lag(population_total) over (
            partition by prefecture_code
            order by reference_year
        ) as population_change
    from pivoted

)

select
    prefecture_year_id,
    prefecture_code,
    reference_year,
    population_total,
    population_male,
    population_female,
    sex_ratio,
    population_change
from with_change
