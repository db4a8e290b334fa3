{#- The brand an account speaks for (seeds/brand_accounts.csv); an account not (yet)
    registered there still shows, under `fallback` (its own name or id). -#}
{% macro brand_of(platform, account_id, fallback) -%}
    coalesce(
        (select registered.brand from {{ ref('brand_accounts') }} as registered
         where registered.platform = '{{ platform }}' and registered.account_id = {{ account_id }}),
        {{ fallback }}
    )
{%- endmacro %}
