{#- day_spine, iso_weekday, utc_to_local and struct_of are in macros/cross_engine_marts.sql. -#}

{#- What DuckDB and Spark spell differently in the customer-care models (int_business_intervals,
    int_care_*, fct_care_*, agg_care_daily), behind adapter.dispatch, as in macros/cross_engine.sql.
    Spark reads every `timestamp` as TIMESTAMP_NTZ in a UTC session (dbt/profiles.yml): its
    from_utc_timestamp / to_utc_timestamp return a TIMESTAMP with local time zone, cast back here
    (in a UTC session the cast keeps the wall-clock value). -#}

{#- Whole seconds from `start` to `end` (timestamps), as DuckDB's date_diff('second', ...): the
    second boundaries crossed, floor(end) - floor(start) in epoch seconds (sub-second parts never
    round up). NULL if either is NULL. (dbt.datediff on Spark raises on a NULL.) -#}
{% macro seconds_between(start, end) -%}
    {{- return(adapter.dispatch('seconds_between', 'groundswell')(start, end)) -}}
{%- endmacro %}

{% macro duckdb__seconds_between(start, end) -%}
    date_diff('second', {{ start }}, {{ end }})
{%- endmacro %}

{% macro spark__seconds_between(start, end) -%}
    (unix_seconds({{ end }}) - unix_seconds({{ start }}))
{%- endmacro %}

{#- Whole seconds since 1970-01-01 of the instant `ts` (a UTC timestamp after 1970), bigint. -#}
{% macro epoch_seconds(ts) -%}
    {{- return(adapter.dispatch('epoch_seconds', 'groundswell')(ts)) -}}
{%- endmacro %}

{% macro duckdb__epoch_seconds(ts) -%}
    (epoch_us({{ ts }}) // 1000000)
{%- endmacro %}

{% macro spark__epoch_seconds(ts) -%}
    unix_seconds({{ ts }})
{%- endmacro %}

{#- Integer division of two integers, truncated toward zero (DuckDB `//`, Spark `div`). -#}
{% macro int_div(dividend, divisor) -%}
    {{- return(adapter.dispatch('int_div', 'groundswell')(dividend, divisor)) -}}
{%- endmacro %}

{% macro duckdb__int_div(dividend, divisor) -%}
    (({{ dividend }}) // ({{ divisor }}))
{%- endmacro %}

{% macro spark__int_div(dividend, divisor) -%}
    (({{ dividend }}) div ({{ divisor }}))
{%- endmacro %}

{#- The UTC instant (a timestamp without time zone) of the wall-clock time `ts` (a timestamp
    without time zone) in time zone `time_zone` (an IANA name). DuckDB's (ICU's) choices at a
    daylight-saving change, which Spark follows: a wall-clock time skipped by the change is read
    with the offset before it (02:30 on a spring-forward night in New York: 07:30 UTC, i.e. 03:30
    EDT), a repeated one as its LATER instant (01:30 on a fall-back night: 06:30 UTC, EST).
    Spark's to_utc_timestamp (java.time) picks the EARLIER instant of a repeated time: when the
    offset a day later also maps back to the same wall-clock time, that later instant is taken.
    (No zone changes its offset twice within a day.) -#}
{% macro local_to_utc(ts, time_zone) -%}
    {{- return(adapter.dispatch('local_to_utc', 'groundswell')(ts, time_zone)) -}}
{%- endmacro %}

{% macro duckdb__local_to_utc(ts, time_zone) -%}
    timezone('UTC', timezone({{ time_zone }}, {{ ts }}))
{%- endmacro %}

{% macro spark__local_to_utc(ts, time_zone) -%}
    {%- set earlier = "cast(to_utc_timestamp(" ~ ts ~ ", " ~ time_zone ~ ") as timestamp)" -%}
    {%- set day_later = "(" ~ earlier ~ " + interval 1 day)" -%}
    {%- set later = "(" ~ ts ~ " - (cast(from_utc_timestamp(" ~ day_later ~ ", " ~ time_zone ~ ") as timestamp) - " ~ day_later ~ "))" -%}
    case
        when cast(from_utc_timestamp({{ later }}, {{ time_zone }}) as timestamp) = {{ ts }}
            then greatest({{ earlier }}, {{ later }})
        else {{ earlier }}
    end
{%- endmacro %}

{#- A CTE's materialization hint, `materialized` or `not materialized` (`name as {{ cte_hint(...) }} (`):
    DuckDB's planner hint; Spark has none (it plans a CTE used twice once, or reuses its exchange). -#}
{% macro cte_hint(hint) -%}
    {{- return(adapter.dispatch('cte_hint', 'groundswell')(hint)) -}}
{%- endmacro %}

{% macro duckdb__cte_hint(hint) -%}
    {{ hint }}
{%- endmacro %}

{% macro spark__cte_hint(hint) -%}
{%- endmacro %}

{#- In a select list: one row per element of `array` (the other columns repeated), no row for an
    empty or NULL array. One such expression per select. -#}
{% macro unnest_array(array) -%}
    {{- return(adapter.dispatch('unnest_array', 'groundswell')(array)) -}}
{%- endmacro %}

{% macro duckdb__unnest_array(array) -%}
    unnest({{ array }})
{%- endmacro %}

{% macro spark__unnest_array(array) -%}
    explode({{ array }})
{%- endmacro %}

{#- In a select list: one row per integer from `start` to `stop` - 1 (bigints), no row when
    `stop` <= `start` (Spark's sequence would count down). One such expression per select. -#}
{% macro unnest_range(start, stop) -%}
    {{- return(adapter.dispatch('unnest_range', 'groundswell')(start, stop)) -}}
{%- endmacro %}

{% macro duckdb__unnest_range(start, stop) -%}
    unnest(range({{ start }}, {{ stop }}))
{%- endmacro %}

{% macro spark__unnest_range(start, stop) -%}
    explode(case when ({{ start }}) < ({{ stop }}) then sequence({{ start }}, ({{ stop }}) - 1) end)
{%- endmacro %}

{#- ASOF joins. DuckDB has them; Spark has none, so each has its Spark equivalent here, with the
    same result. -#}

{#- The select of each calendar's business clock (int_business_intervals' `intervals`: calendar_id,
    its business seconds, macro business_seconds_at) at `instant`, a column of the one-row relation
    `instants`: `calendar_id, <alias>`. The clock reads the last interval opening at or before the
    instant; a calendar without one gets NULL. DuckDB: an ASOF join. Spark: a range join of the
    instant to every interval of its calendar opened by then (the calendar's days from
    dim_date_start on: thousands of rows for one instant), the latest kept. -#}
{% macro business_clock_at(intervals, instants, instant, alias) -%}
    {{- return(adapter.dispatch('business_clock_at', 'groundswell')(intervals, instants, instant, alias)) -}}
{%- endmacro %}

{% macro duckdb__business_clock_at(intervals, instants, instant, alias) -%}
    select
        c.calendar_id,
        {{ business_seconds_at(instant, 'i') }} as {{ alias }}
    from (select distinct calendar_id from {{ intervals }}) as c
    cross join {{ instants }}
    asof left join {{ intervals }} as i
        on i.calendar_id = c.calendar_id and i.opens_at_utc <= {{ instant }}
{%- endmacro %}

{% macro spark__business_clock_at(intervals, instants, instant, alias) -%}
    select
        c.calendar_id,
        {{ business_seconds_at(instant, 'i') }} as {{ alias }}
    from (select distinct calendar_id from {{ intervals }}) as c
    cross join {{ instants }}
    left join {{ intervals }} as i
        on i.calendar_id = c.calendar_id and i.opens_at_utc <= {{ instant }}
    qualify row_number() over (partition by c.calendar_id order by i.opens_at_utc desc nulls last) = 1
{%- endmacro %}

{#- Messenger replies (int_care_replies): each customer message of `customers` paired with the
    first message of `pages` (the Pages' messages) in its conversation sent at or after it:
    `source, message_id, reply_id, reply_at, reply_author_id, reply_brand`; none when there is no
    such message. Both relations have source, message_id, conversation_id, created_at, author_id
    and author_brand. Pages' messages sent at the same instant: the least message_id (the data has
    none). DuckDB: an ASOF join. Spark: one window over the conversation's messages in time order
    (a customer's before a Page's at the same instant), the first Page message from each customer
    message on: a sort, no join. -#}
{% macro next_page_reply(customers, pages) -%}
    {{- return(adapter.dispatch('next_page_reply', 'groundswell')(customers, pages)) -}}
{%- endmacro %}

{% macro duckdb__next_page_reply(customers, pages) -%}
    select
        customer.source,
        customer.message_id,
        page.message_id as reply_id,
        page.created_at as reply_at,
        page.author_id as reply_author_id,
        page.author_brand as reply_brand
    from {{ customers }} as customer
    asof inner join {{ pages }} as page
        on page.conversation_id = customer.conversation_id and page.created_at >= customer.created_at
{%- endmacro %}

{% macro spark__next_page_reply(customers, pages) -%}
    select
        source,
        message_id,
        next_page.id as reply_id,
        next_page.at as reply_at,
        next_page.by as reply_author_id,
        next_page.brand as reply_brand
    from (
        select
            source,
            message_id,
            is_page,
            first(
                case when is_page then {{ struct_of({'id': 'message_id', 'at': 'created_at', 'by': 'author_id', 'brand': 'author_brand'}) }} end,
                true
            ) over (
                partition by conversation_id
                order by created_at, is_page, message_id
                rows between current row and unbounded following
            ) as next_page
        from (
            select source, message_id, conversation_id, created_at, author_id, author_brand, false as is_page
            from {{ customers }}
            union all
            select source, message_id, conversation_id, created_at, author_id, author_brand, true as is_page
            from {{ pages }}
        ) as timeline
        where conversation_id is not null and created_at is not null
    ) as paired
    where not is_page and next_page is not null
{%- endmacro %}

{#- After a recursive CTE's name and columns (`with recursive t (a, b) {{ recursion_limit(n) }} as (`):
    at most `n` recursive steps. Spark stops at 100 by default (RECURSION_LEVEL_LIMIT_EXCEEDED; a
    twcs reply chain of the 5000-tweet sample is 119 deep); DuckDB has no limit. Spark also stops
    a recursive CTE at spark.sql.cteRecursionRowLimit rows (1,000,000 by default). -#}
{% macro recursion_limit(steps) -%}
    {{- return(adapter.dispatch('recursion_limit', 'groundswell')(steps)) -}}
{%- endmacro %}

{% macro duckdb__recursion_limit(steps) -%}
{%- endmacro %}

{% macro spark__recursion_limit(steps) -%}
    max recursion level {{ steps }}
{%- endmacro %}
