{{ config(unique_key='tweet_id') }}
{%- set landing = landing_state(source('x', 'x__tweets')) %}
with

source as (

    {{ landings(source('x', 'x__tweets'), landing, 'id', 'tweet_id') }}

),

renamed as (

    select
        id as tweet_id,
        author_id,
        author_username,
        author_followers_count,
        created_at,
        conversation_id,
        in_reply_to_user_id,
        -- referenced_tweets is [{"type": "replied_to" | "quoted" | "retweeted", "id": ...}]
        {{ array_at(array_filter(json_array('referenced_tweets', {'type': 'string', 'id': 'string'}),
                                 'r', "r.type = 'replied_to'"), 1) }}.id as replied_to_tweet_id,
        coalesce(
            array_contains(
                {{ array_transform(json_array('referenced_tweets', {'type': 'string', 'id': 'string'}),
                                   'r', 'r.type') }},
                'retweeted'
            ),
            false
        ) as is_retweet,
        text,
        lang,
        case
            when {{ arrays_overlap(json_array('media_types', 'string'), array_of(["'video'", "'animated_gif'"])) }}
                then 'video'
            when array_contains({{ json_array('media_types', 'string') }}, 'photo') then 'image'
            when url_count > 0 then 'link'
            else 'text'
        end as content_type,
        like_count,
        reply_count,
        retweet_count,
        quote_count,
        bookmark_count,
        impression_count,
        {{ lineage_columns() }}

    from source

),

-- A tweet lands again whenever its page is fetched again: keep the latest landing.
final as (

    {{ latest_landing('renamed', 'tweet_id', landing) }}

)

select * from final
