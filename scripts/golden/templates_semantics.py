"""Golden cases for jinja2 semantics beyond the real chat templates: small templates with a JSON context,
rendered by Python jinja2 in transformers' chat-template environment (see templates.py).

Writes Tests/Golden/templates/semantics.json: a list of {name, template, context, output | error}.
Run: ~/.cache/swiftlam/venv/bin/python scripts/golden/templates_semantics.py
Needs jinja2 3.1.6 and transformers in the venv (scripts/setup-reference-venv --with-torch).
"""
import datetime
import json
import pathlib

from transformers.utils import chat_template_utils

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Golden" / "templates" / "semantics.json"
FIXED_NOW = datetime.datetime(2026, 7, 26, 14, 5, 9)

CTX = {"s": "Hello World", "n": 7, "f": 2.5, "l": [3, 1, 2], "d": {"b": 1, "a": 2, "items": "key"},
       "users": [{"name": "ann", "age": 30, "role": "admin"}, {"name": "Bob", "age": 25, "role": "user"},
                 {"name": "cy", "age": 35, "role": "user", "tags": ["x"]}],
       "e": "", "z": 0, "none": None, "t": True, "u8": "Grüße 👋 e\u0301", "nested": {"a": {"b": [10, 20, {"c": "deep"}]}}}

CASES = [
    # output of values: Python str() / repr()
    ("print_list", "{{ [1, 'a', none, true, 2.0, 1e20, 1e-5] }}"),
    ("print_dict", "{{ {'a': 1, 'b': [none, false], 'c': {'d': 'x'}} }}"),
    ("print_tuple", "{{ (1,) }} {{ (1, 2) }} {{ () }}"),
    ("print_none_bool", "{{ none }} {{ true }} {{ false }} {{ None }} {{ True }}"),
    ("print_floats", "{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1/3 }} {{ 10/2 }} {{ 1e16 }} {{ 123456789.0 * 1000000000 }} {{ -0.0 }}"),
    ("print_string_repr", "{{ ['it\\'s', \"q\\\"d\", 'both \\' \"', 'tab\\there', 'nl\\n', 'back\\\\slash', 'é👋', '\\x07'] }}"),
    ("print_undefined", "[{{ missing }}][{{ d.missing }}][{{ l[10] }}]"),
    ("print_context", "{{ s }} {{ n }} {{ f }} {{ l }} {{ d }} {{ u8 }}"),
    ("print_markup_in_list", "{{ ['<a>'|safe] }}"),
    # arithmetic
    ("int_arith", "{{ 7 + 3 }} {{ 7 - 10 }} {{ 7 * 3 }} {{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 2 ** -1 }}"),
    ("float_arith", "{{ 7.5 + 1 }} {{ 7.5 // 2 }} {{ -7.5 // 2 }} {{ 7.5 % 2 }} {{ -7.5 % 2 }} {{ 2.0 ** 0.5 }} {{ 3 * 0.1 }}"),
    ("bool_arith", "{{ true + true }} {{ true * 3 }} {{ 1 == 1.0 }} {{ true == 1 }}"),
    ("unary", "{{ -n }} {{ +n }} {{ -f }} {{ -(1) }} {{ - 2 ** 2 }} {{ -l|length }}"),
    ("precedence", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 2 ** 3 ** 2 }} {{ 10 - 2 - 3 }} {{ 100 / 10 / 2 }}"),
    ("concat_binds_tighter_than_plus", "{{ 1 + 2 ~ 3 }}"),
    ("string_concat", "{{ 'a' + 'b' }} {{ 'a' ~ 1 ~ none ~ true }} {{ 'ab' * 3 }} {{ 3 * 'x' }} {{ [1] + [2] }} {{ [0] * 3 }}"),
    ("division_by_zero", "{{ 1 / 0 }}"),
    ("int_floor_division_by_zero", "{{ 1 // 0 }}"),
    ("str_plus_int", "{{ 'a' + 1 }}"),
    ("undefined_plus", "{{ missing + 1 }}"),
    ("percent_format", "{{ '%s is %d years' % ('ann', 30) }} {{ '%r' % 'x' }} {{ '100%%' % () }}"),
    # comparisons and logic
    ("compare", "{{ 1 < 2 }} {{ 2 <= 2 }} {{ 'a' < 'b' }} {{ 'B' < 'a' }} {{ [1, 2] < [1, 3] }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 5 }} {{ 1 != 1.0 }}"),
    ("compare_mixed_raises", "{{ 1 < 'a' }}"),
    ("equality", "{{ {'a': 1} == {'a': 1} }} {{ [1, 2] == [1, 2] }} {{ (1, 2) == [1, 2] }} {{ none == none }} {{ 'a' == 'a'|safe }} {{ missing == missing }}"),
    ("logic_values", "{{ 0 or 'x' }} {{ 1 and 'y' }} {{ '' or none }} {{ [] and 1 }} {{ not 0 }} {{ not 'a' }} {{ none or [] }}"),
    ("in_operator", "{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'a' in {'a': 1} }} {{ 'x' not in l }} {{ 'z' in missing }} {{ 1.0 in [1] }} {{ '' in 'abc' }}"),
    ("in_wrong_type", "{{ 1 in 'abc' }}"),
    ("truthiness", "{% for v in [0, 1, '', 'a', [], [0], {}, {'a': 1}, none, 0.0, 0.1, true, false] %}{{ 'T' if v else 'F' }}{% endfor %}{{ 'T' if missing else 'F' }}"),
    ("conditional_expr", "{{ 'y' if t else 'n' }} {{ 'y' if z else 'n' }} [{{ 'y' if z }}] {{ 'a' if false else 'b' if true else 'c' }}"),
    # attribute / item lookup
    ("lookup", "{{ d.a }} {{ d['b'] }} {{ l[0] }} {{ l[-1] }} {{ l.0 }} {{ users[1].name }} {{ nested.a.b[2].c }} {{ s[0] }} {{ s[-1] }}"),
    ("dict_method_vs_key", "{{ d['items'] }} {{ d.items()|list }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.get('a') }} {{ d.get('zz', 'dflt') }} {{ d.get('zz') }}"),
    ("missing_attribute_chain", "{{ d.missing.other }}"),
    ("missing_item_is_undefined", "{{ d.missing is defined }} {{ l[99] is defined }} {{ none.x is defined }} {{ s.nope is defined }}"),
    ("call_undefined", "{{ missing() }}"),
    ("call_non_callable", "{{ n() }}"),
    # slicing
    ("slicing", "{{ l[1:] }} {{ l[:-1] }} {{ l[::-1] }} {{ l[::2] }} {{ l[-2:] }} {{ l[5:] }} {{ s[:5] }} {{ s[::-1] }} {{ s[-5:-1] }} {{ u8[::-1] }} {{ l[1:2:-1] }} {{ s[100:] }}"),
    ("slice_step_zero", "{{ l[::0] }}"),
    ("slice_on_dict", "[{{ d[1:2] }}]"),
    ("slice_on_int", "[{{ n[1:2] }}]"),
    ("slice_on_none", "[{{ none[1:] }}]"),
    ("index_on_int", "[{{ n[0] }}]"),
    ("unicode_length_index", "{{ u8|length }} {{ u8[7] }} {{ u8[-1] == '\u0301' }} {{ u8|upper }}"),
    # tests
    ("tests_types", "{% for v in [1, 1.5, 'a', none, true, [1], {'a': 1}, (1,)] %}{{ v is number }}{{ v is integer }}{{ v is float }}{{ v is string }}{{ v is none }}{{ v is boolean }}{{ v is mapping }}{{ v is iterable }}{{ v is sequence }}{{ v is true }}{{ v is false }};{% endfor %}"),
    ("tests_undefined", "{{ missing is defined }} {{ missing is undefined }} {{ missing is iterable }} {{ missing is none }} {{ missing is string }} {{ n is not defined }}"),
    ("tests_numbers", "{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ 2 is eq 2 }} {{ 2 is equalto 3 }} {{ 2 is ne 3 }} {{ 1 is lt 2 }} {{ 3 is ge 3 }} {{ 'a' is in 'abc' }} {{ 2 is in [1, 2] }}"),
    ("tests_misc", "{{ 'abc' is lower }} {{ 'ABC' is upper }} {{ none is sameas none }} {{ raise_exception is callable }} {{ 'x'|safe is escaped }} {{ 'upper' is filter }} {{ 'odd' is test }}"),
    ("unknown_test", "{{ 1 is frobnicated }}"),
    # filters
    ("filter_string_case", "{{ s|upper }} {{ s|lower }} {{ 'hello wORLD-foo (bar)'|title }} {{ 'hELLO world'|capitalize }} {{ ' x '|trim }}| {{ 'xxaxx'|trim('x') }} {{ 'a-b-c'|replace('-', '+') }} {{ 'aaaa'|replace('a', 'b', 2) }}"),
    ("filter_length_count", "{{ l|length }} {{ s|length }} {{ d|length }} {{ missing|length }} {{ l|count }} {{ ''|length }}"),
    ("filter_length_of_int", "{{ n|length }}"),
    ("filter_join", "{{ l|join }} {{ l|join(', ') }} {{ users|join('/', attribute='name') }} {{ [1, none, 'x', missing]|join('-') }} {{ 'abc'|join('.') }}"),
    ("filter_first_last", "{{ l|first }} {{ l|last }} {{ s|first }} {{ s|last }} [{{ []|first }}] {{ d|first }} {{ d|last }}"),
    ("filter_default", "{{ missing|default('dv') }} {{ e|default('dv') }} {{ e|default('dv', true) }} {{ none|default('dv') }} {{ none|default('dv', boolean=true) }} {{ missing|d('x') }} [{{ missing|default }}]"),
    ("filter_list_string", "{{ 'abc'|list }} {{ d|list }} {{ missing|list }} {{ 12|string ~ 3 }} {{ [1, 'a']|string }} {{ none|string }}"),
    ("filter_int_float", "{{ '42'|int }} {{ '4.7'|int }} {{ 'x'|int }} {{ 'x'|int(5) }} {{ 3.9|int }} {{ -3.9|int }} {{ '0x1A'|int(0, 16) }} {{ ' 12 '|int }} {{ '1_000'|int }} {{ true|int }} {{ none|int }} {{ '2.5'|float }} {{ 'x'|float }} {{ 3|float }} {{ '1e3'|float }} {{ 'inf'|float }} {{ ' -7 '|float }}"),
    ("filter_round_abs", "{{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 1.23456|round(3) }} {{ 7|round }} {{ 2.1|round(0, 'ceil') }} {{ 2.9|round(0, 'floor') }} {{ 1.25|round(1, 'ceil') }} {{ -3|abs }} {{ -2.5|abs }} {{ 0.5|round }} {{ -0.5|round }}"),
    ("filter_map_select", "{{ users|map(attribute='name')|list }} {{ l|map('string')|list }} {{ ['a', 'B']|map('upper')|join }} {{ l|select('odd')|list }} {{ l|reject('odd')|list }} {{ [0, 1, '', 'x', none]|select|list }} {{ users|map(attribute='tags', default='none')|list }}"),
    ("filter_map_missing_path", "{{ users|map(attribute='missing.x')|list }}"),
    ("filter_selectattr", "{{ users|selectattr('role', 'equalto', 'user')|map(attribute='name')|join(',') }} {{ users|rejectattr('role', 'eq', 'user')|map(attribute='name')|join(',') }} {{ users|selectattr('tags')|map(attribute='name')|list }} {{ users|selectattr('tags', 'defined')|list|length }} {{ users|selectattr('age', 'gt', 28)|map(attribute='name')|list }}"),
    ("generator_truthiness", "{{ 'T' if [1, 2]|select('gt', 5) else 'F' }} {{ 'T' if []|select else 'F' }}"),
    ("generator_length_raises", "{{ l|select('odd')|length }}"),
    ("filter_sort_unique", "{{ l|sort }} {{ l|sort(reverse=true) }} {{ ['b', 'A', 'c', 'a']|sort }} {{ ['b', 'A', 'c', 'a']|sort(case_sensitive=true) }} {{ users|sort(attribute='age')|map(attribute='name')|list }} {{ users|sort(attribute='role,name')|map(attribute='name')|list }} {{ ['a', 'A', 'b', 'a']|unique|list }} {{ ['a', 'A', 'b']|unique(case_sensitive=true)|list }} {{ [1, 1.0, true, 2]|unique|list }} {{ users|unique(attribute='role')|map(attribute='name')|list }}"),
    ("filter_sort_mixed_raises", "{{ [1, 'a']|sort }}"),
    ("filter_dictsort_mixed_values", "{{ d|dictsort(by='value') }}"),
    ("filter_dictsort_items", "{{ d|dictsort }} {{ {'x': 2, 'y': 1}|dictsort(by='value') }} {{ d|dictsort(reverse=true) }} {{ {'B': 1, 'a': 2}|dictsort }} {{ {'B': 1, 'a': 2}|dictsort(true) }} {{ d|items|list }} {{ missing|items|list }}"),
    ("filter_items_non_mapping", "{{ l|items|list }}"),
    ("filter_min_max_sum", "{{ l|min }} {{ l|max }} {{ ['b', 'A', 'c']|min }} {{ ['b', 'A', 'c']|max }} {{ users|max(attribute='age')|attr('name') }} {{ l|sum }} {{ users|sum(attribute='age') }} {{ [0.1, 0.2]|sum }} {{ l|sum(start=10) }} [{{ []|max }}]"),
    ("filter_reverse", "{{ l|reverse|list }} {{ s|reverse }} {{ d|reverse|list }}"),
    ("filter_indent", "{{ 'a\nb\n\nc'|indent }}|{{ 'a\nb\n\nc'|indent(2, true) }}|{{ 'a\nb\n\nc'|indent(2, blank=true) }}|{{ 'a\nb'|indent('> ') }}|{{ ''|indent(first=true) }}|{{ 'x\n'|indent }}|"),
    ("filter_center_wordcount", "[{{ 'ab'|center(7) }}] [{{ 'abc'|center(8) }}] {{ 'one two, three_four!'|wordcount }}"),
    ("filter_escape_safe", "{{ '<a href=\"x\">&\\'</a>'|e }} {{ '<b>'|safe }} {{ '<b>'|safe + '<i>' }} {{ '<i>' + '<b>'|safe }} {{ '<b>'|safe ~ '<i>' }} {{ ('<b>'|safe + 1|string) }} {{ '<x>'|escape|escape }}"),
    ("filter_format", "{{ '%s-%s'|format('a', 1) }} {{ '%d%%'|format(50) }}"),
    ("filter_attr", "{{ d|attr('a') }}|{{ d|attr('items') is callable }}|{{ users[0]|attr('name') }}|"),
    ("unknown_filter", "{{ 1|frobnicate }}"),
    ("unknown_filter_unused_branch", "{% if false %}{{ 1|frobnicate }}{% endif %}ok"),
    # tojson
    ("tojson_basic", "{{ d|tojson }} {{ l|tojson }} {{ s|tojson }} {{ none|tojson }} {{ f|tojson }} {{ t|tojson }} {{ u8|tojson }}"),
    ("tojson_indent", "{{ users|tojson(indent=2) }}\n{{ {}|tojson(indent=2) }} {{ []|tojson(indent=2) }} {{ {'a': []}|tojson(indent=0) }}"),
    ("tojson_options", "{{ d|tojson(sort_keys=true) }} {{ d|tojson(separators=(',', ':')) }} {{ u8|tojson(ensure_ascii=true) }} {{ {'k': 1.0, 'm': 1e-7, 'x': 1e16}|tojson }} {{ (1, 2)|tojson }}"),
    ("tojson_keys", "{{ {1: 'a', 2.5: 'b', true: 'c', none: 'd'}|tojson }}"),
    ("tojson_special_strings", "{{ ['</script>', '\"q\"', 'tab\\t', '\\u2028', '\\x00', 'é']|tojson }}"),
    ("tojson_undefined_raises", "{{ missing|tojson }}"),
    ("tojson_positional_indent_is_ensure_ascii", "{{ {'é': 1}|tojson(4) }}"),
    # string methods
    ("str_methods", "{{ s.upper() }} {{ s.lower() }} {{ s.startswith('He') }} {{ s.endswith(('x', 'ld')) }} {{ s.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a b c'.split(' ', 1) }} {{ 'a,b,c'.rsplit(',', 1) }} {{ '  x  '.strip() }}| {{ '--x--'.lstrip('-') }} {{ '--x--'.rstrip('-') }} {{ s.replace('l', 'L') }} {{ s.replace('l', 'L', 1) }} {{ 'hello world'.title() }} {{ 'hello'.capitalize() }} {{ s.find('o') }} {{ s.rfind('o') }} {{ s.count('l') }} {{ ', '.join(['a', 'b']) }} {{ '12'.isdigit() }} {{ 'ab'.isalpha() }} {{ '  '.isspace() }} {{ 'a\nb\r\nc'.splitlines() }}"),
    ("str_split_whitespace_edge", "{{ '  a  b  '.split() }} {{ ''.split() }} {{ ''.split(',') }} {{ '  a b c '.split(none, 1) }}"),
    ("str_method_missing", "[{{ s.nosuchmethod }}]"),
    ("str_method_on_undefined", "{{ missing.strip() }}"),
    ("list_mutation_forbidden", "{{ l.append(4) }}"),
    ("dict_mutation_forbidden", "{{ d.update({'x': 1}) }}"),
    ("list_methods", "{{ l.index(2) }} {{ [1, 1, 2].count(1) }}"),
    # control flow
    ("if_elif_else", "{% for x in [1, 2, 3, 4] %}{% if x == 1 %}one{% elif x == 2 %}two{% elif x == 3 %}three{% else %}other{% endif %} {% endfor %}"),
    ("for_loop_vars", "{% for x in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.previtem|default('-') }}{{ loop.nextitem|default('-') }}{{ loop.cycle('x', 'y') }}{{ loop.depth }};{% endfor %}"),
    ("for_else", "{% for x in [] %}x{% else %}empty{% endfor %} {% for x in missing %}x{% else %}undef{% endfor %}"),
    ("for_inline_if", "{% for x in range(10) if x is odd %}{{ x }}:{{ loop.index }}/{{ loop.length }} {% endfor %}"),
    ("for_unpack", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {% for a, (b, c) in [(1, (2, 3))] %}{{ a }}{{ b }}{{ c }}{% endfor %} {% for k, v in d|dictsort %}{{ k }}{% endfor %}"),
    ("for_unpack_wrong_count", "{% for a, b in [(1, 2, 3)] %}{% endfor %}"),
    ("for_over_dict_and_string", "{% for k in d %}{{ k }},{% endfor %} {% for ch in 'héllo' %}{{ ch }}.{% endfor %}"),
    ("for_over_none_raises", "{% for x in none %}{% endfor %}"),
    ("for_break_continue", "{% for x in range(10) %}{% if x is even %}{% continue %}{% endif %}{% if x > 6 %}{% break %}{% endif %}{{ x }}{% endfor %}"),
    ("break_outside_loop", "{% break %}"),
    ("nested_loops", "{% for a in [1, 2] %}{% set outer = loop %}{% for b in 'xy' %}{{ outer.index }}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{% endfor %}"),
    ("loop_scoping", "{% set x = 1 %}{% for i in [1, 2] %}[{{ x }}]{% set x = i * 10 %}[{{ x }}]{% endfor %}[{{ x }}] {% for i in [1, 2] %}({{ y }}){% set y = i %}{% endfor %}"),
    ("if_scoping", "{% if true %}{% set w = 5 %}{% endif %}{{ w }}"),
    ("namespace", "{% set ns = namespace(count=0, items=[]) %}{% for x in l %}{% set ns.count = ns.count + x %}{% set ns.items = ns.items + [x] %}{% endfor %}{{ ns.count }} {{ ns.items }} {{ namespace(a=1).a }} {{ namespace({'b': 2}).b }}"),
    ("namespace_underscore_forbidden", "{% set ns = namespace() %}{% set ns._x = 1 %}"),
    ("set_non_namespace_attr", "{% set d2 = {} %}{% set d2.x = 1 %}"),
    ("set_tuple", "{% set a, b = 1, 2 %}{{ a }}{{ b }} {% set c = 1, %}{{ c }}"),
    ("set_block", "{% set block %}  Hello {{ s }}!\n{% endset %}[{{ block }}] {% set t2 | upper | trim %}  shout {% endset %}[{{ t2 }}]"),
    ("filter_block", "{% filter upper %}hello {{ s }}{% endfilter %} {% filter replace('a', 'o') | trim %}  banana  {% endfilter %}"),
    ("with_block", "{% with a = 1, b = n %}{{ a + b }}{% endwith %}[{{ a }}]"),
    ("raw_block", "{% raw %}{{ not_evaluated }} {% if %}{% endraw %}|{%- raw -%}  x  {%- endraw -%}|"),
    ("comments", "a{# comment #}b{#- strip -#}  c {# multi\nline #}d"),
    ("print_tag", "{% print 'printed' %}"),
    ("do_tag_unknown", "{% do l.append(1) %}"),
    ("generation_tag", "a{% generation %}gen {{ n }}{% endgeneration %}b"),
    # macros
    ("macro_defaults", "{% macro greet(name, greeting='Hello', punct='!') %}{{ greeting }}, {{ name }}{{ punct }}{% endmacro %}{{ greet('ann') }} {{ greet('bob', 'Hi') }} {{ greet('cy', punct='?') }} [{{ greet() }}]"),
    ("macro_varargs_kwargs", "{% macro m(a) %}{{ a }}|{{ varargs }}|{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, x=4) }}"),
    ("macro_too_many_args", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}"),
    ("macro_unknown_kwarg", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(b=1) }}"),
    ("macro_caller", "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('p') %}inside {{ s }}{% endcall %}"),
    ("macro_caller_args", "{% macro each(items) %}{% for i in items %}{{ caller(i, loop.index) }}{% endfor %}{% endmacro %}{% call(item, idx) each(['a', 'b']) %}[{{ idx }}:{{ item }}]{% endcall %}"),
    ("macro_recursive", "{% macro fact(k) %}{% if k <= 1 %}1{% else %}{{ k * fact(k - 1)|int }}{% endif %}{% endmacro %}{{ fact(5) }}"),
    ("macro_returns_string", "{% macro m() %}  x  {% endmacro %}[{{ m()|trim }}] {{ m()|length }} {{ m() ~ '!' }} {{ (m() + 'y')|length }} {{ m() is string }}"),
    ("macro_sees_globals_at_call", "{% set x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}"),
    ("macro_scope_isolated", "{% macro m() %}{% set inner = 1 %}{% endmacro %}{{ m() }}[{{ inner }}]"),
    ("macro_in_loop_break", "{% for x in [1] %}{% macro m() %}{% break %}{% endmacro %}{% endfor %}"),
    ("loop_changed", "{% for u in users|sort(attribute='role') %}{% if loop.changed(u.role) %}[{{ u.role }}]{% endif %}{{ u.name }} {% endfor %}"),
    ("joiner_cycler", "{% set pipe = joiner(' | ') %}{% for x in l %}{{ pipe() }}{{ x }}{% endfor %} {% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.current }}{{ c.next() }}{% set _ = c.reset() %}{{ c.next() }}"),
    ("filter_batch_slice", "{{ range(7)|batch(3)|list }} {{ range(7)|batch(3, 'x')|list }} {{ range(7)|slice(3)|list }} {{ range(8)|slice(3, 0)|list }}"),
    ("filter_truncate", "{{ 'foo bar baz qux'|truncate(9) }}|{{ 'foo bar baz qux'|truncate(9, true) }}|{{ 'foo bar baz qux'|truncate(11) }}|{{ 'foo bar baz qux'|truncate(11, false, '...', 0) }}|{{ 'short'|truncate(3, leeway=0, end='') }}"),
    # globals
    ("raise_exception", "before{{ raise_exception('boom: ' ~ n) }}"),
    ("strftime_now", "{{ strftime_now('%Y-%m-%d %H:%M:%S') }} {{ strftime_now('%d %B %Y') }} {{ strftime_now('%b %a %A %j %I%p %y') }}"),
    ("range_dict", "{{ range(3)|list }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }} {{ dict(a=1, b='x') }} {{ dict([('k', 'v')]) }}"),
    ("range_too_big", "{{ range(1000000)|length }}"),
    # whitespace control (trim_blocks, lstrip_blocks, -, +)
    ("ws_trim_blocks", "{% if true %}\nline\n{% endif %}\nafter\n"),
    ("ws_lstrip_blocks", "start\n    {% if true %}\n    indented\n    {% endif %}\nend"),
    ("ws_minus", "a   {%- if true -%}   b   {%- endif -%}   c\n  {{- ' d ' -}}  \n e"),
    ("ws_plus", "a\n    {%+ if true +%}\nb\n{% endif +%}\nc"),
    ("ws_variable_not_trimmed", "{{ 'x' }}\n{{ 'y' }}\n"),
    ("ws_comment_lstrip_trim", "a\n  {# c #}\nb\n  {#- d -#}  \nc"),
    ("ws_crlf_source", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc\r\n"),
    ("ws_trailing_newlines", "text\n\n"),
    ("ws_tabs_lstrip", "x\n\t \t{% if true %}y{% endif %}\n  {{ 'z' }}"),
    ("ws_lstrip_not_line_start", "x {% if true %}y{% endif %}"),
    # syntax errors
    ("syntax_unclosed_if", "{% if true %}x"),
    ("syntax_unclosed_tag", "{{ 1 + }}"),
    ("syntax_bad_endtag", "{% for x in l %}{% endif %}"),
    ("syntax_unknown_tag", "{% frobnicate %}"),
    ("syntax_unbalanced", "{{ (1 }}"),
    ("syntax_extends", "{% extends 'base' %}"),
    # literals
    ("literals", "{{ 0x1f }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 1.5e3 }} {{ 'adj' 'acent' }} {{ \"dq\" }} {{ '\\u00e9\\n'|length }} {{ 'a\\qb' }} {{ [1, 2,] }} {{ {'a': 1,} }}"),
    ("string_line_continuation", "{{ 'a\\\nb' }}"),
    ("attribute_digit", "{{ nested.a.b.1 }}"),
]


def main():
    template_env = chat_template_utils._cached_compile_jinja_template("").environment
    template_env.globals["strftime_now"] = lambda fmt: FIXED_NOW.strftime(fmt)
    results = []
    names = set()
    for name, source in CASES:
        assert name not in names, name
        names.add(name)
        case = {"name": name, "template": source, "context": CTX}
        try:
            case["output"] = template_env.from_string(source).render(**CTX)
        except Exception as error:
            case["error"] = type(error).__name__
            case["message"] = str(error)
        results.append(case)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(results)} cases ({sum('error' in r for r in results)} raise)")


if __name__ == "__main__":
    main()
