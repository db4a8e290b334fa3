{#- Exact money on both engines (docs/metrics.md#exact-money): amounts are DECIMAL(18, 2), shares
    and ratios decimals of a fixed scale, every rounding explicit and half away from zero (DuckDB's
    round and Spark's HALF_UP agree on it). What the engines do differently with decimals:
    - DuckDB divides decimals as doubles; Spark divides them as decimals, at a scale its own rules
      pick (spark.sql.decimalOperations.allowPrecisionLoss: at most 38 digits, at least 6 places).
    - A product of two decimals of at most 18 digits each is computed in 64 bits on DuckDB when
      its scale is below 18 (an overflow error past 18 digits): make one operand wider. On Spark a
      product of more than 38 digits is rounded to fewer places: at most 37 digits between them.
    - pow() differs in the last bit in about one call in ten (glibc on DuckDB, StrictMath on
      Spark): half_life_decay below computes 2^-x in decimals instead. -#}

{#- `numerator` / `denominator`, correctly rounded half away from zero to `scale` places (6 to
    17), as a DECIMAL(38, scale); NULL when the denominator is 0 or NULL. The operands are
    decimals or integers of at most `operand_scale` places (more are rounded off first) and at
    most 38 - scale - operand_scale digits before the point.
    DuckDB: in 128-bit integers (the operands in units of 10^-operand_scale). Spark: typed so that
    its division rounds once, at `scale`: both operands DECIMAL(38 - scale, operand_scale) give a
    DECIMAL(38, scale) quotient, HALF_UP (checked against exact quotients, half-way cases
    included). -#}
{% macro decimal_divide(numerator, denominator, scale, operand_scale=2) -%}
    {%- if scale < 6 or scale > 17 or operand_scale < 0 or operand_scale > 17 -%}
        {{ exceptions.raise_compiler_error("decimal_divide: scale 6 to 17, operand_scale 0 to 17") }}
    {%- endif -%}
    {{- return(adapter.dispatch('decimal_divide', 'groundswell')(numerator, denominator, scale, operand_scale)) -}}
{%- endmacro %}

{% macro duckdb__decimal_divide(numerator, denominator, scale, operand_scale) -%}
    {%- set n = decimal_units(numerator, operand_scale) -%}
    {%- set d = decimal_units(denominator, operand_scale) -%}
    case when {{ d }} = 0 then null else cast(cast(
        sign({{ n }}) * sign({{ d }}) * ((2 * abs({{ n }}) * {{ 10 ** scale }} + abs({{ d }})) // (2 * abs({{ d }})))
    as decimal(38, 0)) * 0.{{ '0' * (scale - 1) }}1 as decimal(38, {{ scale }})) end
{%- endmacro %}

{#- DuckDB: a decimal as a HUGEINT count of 10^-scale (the whole part and the fraction apart: a
    product of 38 digits would overflow). -#}
{% macro decimal_units(value, scale) -%}
    {%- set v = 'cast(' ~ value ~ ' as decimal(38, ' ~ scale ~ '))' -%}
    {%- if scale == 0 -%}
        cast({{ v }} as hugeint)
    {%- else -%}
        (cast(trunc({{ v }}) as hugeint) * {{ 10 ** scale }} + cast(({{ v }} - trunc({{ v }})) * {{ 10 ** scale }} as hugeint))
    {%- endif -%}
{%- endmacro %}

{% macro spark__decimal_divide(numerator, denominator, scale, operand_scale) -%}
    cast(cast({{ numerator }} as decimal({{ 38 - scale }}, {{ operand_scale }}))
        / nullif(cast({{ denominator }} as decimal({{ 38 - scale }}, {{ operand_scale }})), 0)
        as decimal(38, {{ scale }}))
{%- endmacro %}

{#- 2^-(half_lives + fraction), DECIMAL(18, 17): `half_lives` a whole number >= 0, `fraction` a
    DECIMAL(18, 17) in [0, 1). 2^-half_lives exactly (rounded to 17 places; 0 from 58 on), times
    2^-fraction from its series, sum over k of (-ln 2 * fraction)^k / k!, k = 0..17 (the next term
    is below 10^-18), by Horner's rule, every step rounded to 17 places: within 10^-16 of the
    true value, and the same digits on both engines (every product is exact on both). -#}
{% macro half_life_decay(half_lives, fraction) -%}
    {%- set ln2 = 6931471805599453094172321214581765680755 -%}  {#- ln 2 to 40 places -#}
    {%- set ns = namespace(poly=none, factorial=1) -%}
    {%- set coefficients = [] -%}
    {%- for k in range(18) -%}
        {%- if k > 0 %}{% set ns.factorial = ns.factorial * k %}{% endif -%}
        {%- set den = 10 ** (40 * k - 17) * ns.factorial if k > 0 else 1 -%}
        {%- set num = ln2 ** k if k > 0 else 10 ** 17 -%}
        {%- do coefficients.append(decimal_literal((2 * num + den) // (2 * den), k % 2 == 1)) -%}
    {%- endfor -%}
    {%- for c in coefficients | reverse -%}
        {%- if ns.poly is none -%}
            {%- set ns.poly = 'cast(' ~ c ~ ' as decimal(18, 17))' -%}
        {%- else -%}
            {%- set ns.poly = 'cast(round(' ~ ns.poly ~ ' * cast(' ~ fraction ~ ' as decimal(18, 17)) + ' ~ c ~ ', 17) as decimal(18, 17))' -%}
        {%- endif -%}
    {%- endfor -%}
    cast(round({{ ns.poly }} * cast(case {{ half_lives }}
        {%- for i in range(58) %} when {{ i }} then {{ decimal_literal((2 * 10 ** 17 + 2 ** i) // (2 * 2 ** i), false) }}{% endfor %}
        else 0 end as decimal(18, 17)), 17) as decimal(18, 17))
{%- endmacro %}

{#- A count of 10^-17 as a decimal literal with 17 places, negative if asked. -#}
{% macro decimal_literal(units, negative) -%}
    {{- '-' if negative and units else '' }}{{ units // 10 ** 17 }}.{{ '%017d' | format(units % 10 ** 17) -}}
{%- endmacro %}
