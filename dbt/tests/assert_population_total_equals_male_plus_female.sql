-- The total population of a prefecture-year must equal male + female.
-- e-Stat rounds each series to thousands independently, so a difference up
-- to the rounding tolerance is accepted. Returns the offending rows.
select
    prefecture_year_id,
    population_total,
    population_male,
    population_female
from {{ ref('fct_population') }}
where
    abs(population_total - (population_male + population_female))
    > {{ var('estat_population_rounding_tolerance', 1) }}
