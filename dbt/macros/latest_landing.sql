{#- The rows of `relation` that are the latest landing of each `key`.

    A record lands again whenever its file is fetched again (fresher metrics, a deal
    that moved): the latest landing wins, ties broken by file and position, so the
    choice is deterministic. `order_first` ranks before the landing time (a closed
    deal outranks an open one landed later). -#}
{% macro latest_landing(relation, key, order_first=none) -%}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by {{ key }}
        order by {% if order_first %}{{ order_first }}, {% endif -%}
            _loaded_at desc, _source_file desc, _record_no desc
    ) = 1
{%- endmacro %}
