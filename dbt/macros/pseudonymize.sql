{#
  A customer's identity (author id, handle, CRM contact id, e-mail hash) as a keyed pseudonym:
  'p_' || the first 20 hex digits of sha256(key || ':' || value). The same value gives the same
  pseudonym in every mart, so joins and counts still work; without the key nobody can recompute
  it from a guessed handle. NULL stays NULL.

  The key never appears in SQL (compiled models, the manifest, a view definition): on DuckDB the
  function groundswell_pseudonym_key() is registered on dbt's connection by the plugin
  groundswell.transform.dbt_plugin (dbt/profiles.yml), from GROUNDSWELL_PSEUDONYM_KEY, which `groundswell`
  sets from the environment or the key file under $GROUNDSWELL_HOME (docs/operations.md); on
  Spark it is a session setting (spark__keyed_sha256 below).
#}
{% macro pseudonymize(column) -%}
{%- if model is defined and model.resource_type == 'unit_test' -%}
    {#- a unit test's given rows stand for values already pseudonymized: the identity keeps its
        hand-computed expectations readable; tests/dbt/test_pseudonyms.py checks the real thing -#}
    ({{ column }})
{%- else -%}
    case when ({{ column }}) is not null
        then 'p_' || left({{ adapter.dispatch('keyed_sha256', 'groundswell')(column) }}, 20)
    end
{%- endif -%}
{%- endmacro %}

{% macro duckdb__keyed_sha256(column) -%}
    sha256(groundswell_pseudonym_key() || ':' || ({{ column }})::string)
{%- endmacro %}

{#- On Spark the key is the session setting spark.groundswell.pseudonym_key (dbt/profiles.yml, from
    GROUNDSWELL_PSEUDONYM_KEY, which groundswell.transform.dbt sets for the run from the home's key),
    substituted by Spark's parser: the SQL dbt compiles and logs holds only its name. -#}
{% macro spark__keyed_sha256(column) -%}
    sha2(concat('${spark.groundswell.pseudonym_key}', ':', cast({{ column }} as string)), 256)
{%- endmacro %}
