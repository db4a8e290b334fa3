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
        list_filter(
            from_json(referenced_tweets, '[{"type": "VARCHAR", "id": "VARCHAR"}]'),
            lambda r: r.type = 'replied_to'
        )[1].id as replied_to_tweet_id,
        coalesce(
            list_contains(
                list_transform(
                    from_json(referenced_tweets, '[{"type": "VARCHAR", "id": "VARCHAR"}]'),
                    lambda r: r.type
                ),
                'retweeted'
            ),
            false
        ) as is_retweet,
        text,
        lang,
        case
            when list_has_any(from_json(media_types, '["VARCHAR"]'), ['video', 'animated_gif'])
                then 'video'
            when list_contains(from_json(media_types, '["VARCHAR"]'), 'photo') then 'image'
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
