{#- The brand an account speaks for (seeds/brand_accounts.csv); an account not (yet)
    registered there still shows, under `fallback` (its own name or id).
    brand_of_join(platform, account_id) is the registration, a left join (alias `registered`);
    brand_of(fallback) the brand column from it. A join rather than a correlated scalar subquery:
    Spark 4's optimizer fails on such subqueries under int_posts_unioned's union and window
    (NoSuchElementException in Union.rewriteConstraints). The seed is unique on (platform,
    account_id): the join adds no row. -#}
{% macro brand_of_join(platform, account_id, alias='registered') -%}
    left join {{ ref('brand_accounts') }} as {{ alias }}
        on {{ alias }}.platform = '{{ platform }}' and {{ alias }}.account_id = {{ account_id }}
{%- endmacro %}

{% macro brand_of(fallback, alias='registered') -%}
    coalesce({{ alias }}.brand, {{ fallback }})
{%- endmacro %}
