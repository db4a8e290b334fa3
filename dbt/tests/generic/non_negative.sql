{#- Fails on every row where `column_name` is below zero (NULL passes): durations, counts. -#}
{% test non_negative(model, column_name) %}
    select * from {{ model }} where {{ column_name }} < 0
{% endtest %}
