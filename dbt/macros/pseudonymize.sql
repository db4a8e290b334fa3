{#
  A customer's identity (author id, handle, CRM contact id, e-mail hash) as a keyed pseudonym:
  'p_' || the first 20 hex digits of sha256(key || ':' || value). The same value gives the same
  pseudonym in every mart, so joins and counts still work; without the key nobody can recompute
  it from a guessed handle. NULL stays NULL.

  The key never appears in SQL (compiled models, the manifest, a view definition): the
  function groundswell_pseudonym_key() is registered on dbt's connection by the plugin
  groundswell.dbt_plugin (dbt/profiles.yml), from GROUNDSWELL_PSEUDONYM_KEY, which `groundswell`
  sets from the environment or the key file under $GROUNDSWELL_HOME (docs/operations.md).
#}
{% macro pseudonymize(column) -%}
{%- if model is defined and model.resource_type == 'unit_test' -%}
    {#- a unit test's given rows stand for values already pseudonymized: the identity keeps its
        hand-computed expectations readable; tests/dbt/test_pseudonyms.py checks the real thing -#}
    ({{ column }})
{%- else -%}
    case when ({{ column }}) is not null
        then 'p_' || left(sha256(groundswell_pseudonym_key() || ':' || ({{ column }})::varchar), 20)
    end
{%- endif -%}
{%- endmacro %}
