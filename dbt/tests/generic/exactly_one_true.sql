{#- Fails unless exactly one row has `column_name` true: the one default of a seed. -#}
{% test exactly_one_true(model, column_name) %}
select * from (
    select count(*) as true_rows from {{ model }} where {{ column_name }}
) as counted
where true_rows <> 1
{% endtest %}
