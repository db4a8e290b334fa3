-- Fivetran's twitter_organic__organic_tweet_report: daily metrics per tweet and placement (ALL_ON_TWITTER, PUBLISHER_NETWORK).
{{ config(unique_key=['tweet_id', 'report_date', 'placement']) }}
{%- set landing = landing_state(source('fivetran', 'fivetran__twitter_organic__organic_tweet_report')) %}
with

source as (

    {{ landings(source('fivetran', 'fivetran__twitter_organic__organic_tweet_report'), landing, 'organic_tweet_id, date, placement', 'tweet_id, report_date, placement') }}

),

renamed as (

    select
        organic_tweet_id as tweet_id,
        date as report_date,
        placement,
        impressions,
        engagements,
        likes,
        replies,
        retweets,
        clicks,
        url_clicks,
        _fivetran_synced,
        {{ lineage_columns() }}

    from source

),

final as (

    {{ latest_landing('renamed', 'tweet_id, report_date, placement', landing, order_first='_fivetran_synced desc') }}

)

select * from final
