{#- A Facebook post's content type from its status_type (docs/metrics.md, content_type). -#}
{% macro facebook_content_type(status_type) -%}
    case {{ status_type }}
        when 'added_photos' then 'image'
        when 'added_video' then 'video'
        when 'shared_story' then 'link'
        else 'text'
    end
{%- endmacro %}
