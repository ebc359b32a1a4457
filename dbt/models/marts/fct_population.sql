-- Population estimates by prefecture and year (thousand persons), with the
-- change on the previous year and the share of the national total.
with

population as (

    select
        prefecture_year_id,
        prefecture_code,
        reference_year,
        population_total,
        population_male,
        population_female,
        sex_ratio,
        population_change
    from {{ ref('int_population__by_prefecture_year') }}

),

national_totals as (

    select
        reference_year,
        sum(population_total) as national_population_total
    from population
    group by reference_year

),

joined as (

    select
        population.prefecture_year_id,
        population.prefecture_code,
        population.reference_year,
        population.population_total,
        population.population_male,
        population.population_female,
        population.sex_ratio,
        population.population_change,
        round(
            100.0 * population.population_change
            / nullif(
                population.population_total - population.population_change, 0
            ),
            2
        ) as population_change_pct,
        round(
            100.0 * population.population_total
            / national_totals.national_population_total,
            3
        ) as national_share_pct
    from population
    inner join national_totals
        on population.reference_year = national_totals.reference_year

)

select
    prefecture_year_id,
    prefecture_code,
    reference_year,
    population_total,
    population_male,
    population_female,
    sex_ratio,
    population_change,
    population_change_pct,
    national_share_pct
from joined
