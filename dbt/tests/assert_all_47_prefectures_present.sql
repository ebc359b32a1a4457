-- Japan has 47 prefectures (JIS X 0401 codes 01-47): fewer means a crawl
-- lost rows, more means a national or regional aggregate leaked through.
select count(*) as prefecture_count
from {{ ref('dim_prefectures') }}
having count(*) != 47
