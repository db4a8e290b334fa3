-- The calendar: one row per day between the vars dim_date_start and dim_date_end.
with

spine as (

    {{ day_spine(
        "cast('" ~ var('dim_date_start') ~ "' as date)",
        "cast('" ~ var('dim_date_end') ~ "' as date)"
    ) }}

),

final as (

    select
        cast(date_day as date) as date_day,
        extract(year from date_day) as year,
        extract(quarter from date_day) as quarter,
        extract(month from date_day) as month,
        {{ format_timestamp('date_day', '%B') }} as month_name,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        extract(year from date_day) || '-Q' || extract(quarter from date_day) as year_quarter,
        {{ iso_weekday('date_day') }} as day_of_week,
        {{ format_timestamp('date_day', '%A') }} as day_name,
        {{ iso_weekday('date_day') }} in (6, 7) as is_weekend

    from spine

)

select * from final
