using System.Text.Json;
using Verge.Orleans.Grains.ChatTemplates.Jinja;

namespace Verge.Orleans.Tests.ChatTemplates;

public sealed class JinjaEngineTests
{
    private static string Render(string template, string json = "{}")
    {
        using var document = JsonDocument.Parse(json);
        var variables = (IReadOnlyDictionary<string, object?>)JinjaValue.FromJson(document.RootElement)!;
        return JinjaTemplate.Parse(template).Render(variables);
    }

    [Fact]
    public void TrimBlocksDropsTheNewlineAfterABlockTag() =>
        Assert.Equal("a\nb\nc", Render("{% if true %}\na\n{% endif %}\nb\nc"));

    [Fact]
    public void LstripBlocksDropsIndentationBeforeABlockTag() =>
        Assert.Equal("x", Render("    {% if true %}\n    {%- if true %}x{% endif %}\n  {% endif %}"));

    [Fact]
    public void IndentationBeforeAVariableTagStays() =>
        Assert.Equal("  1\n2", Render("  {{ 1 }}\n2"));

    [Fact]
    public void MinusMarkersStripWhitespaceOnTheirSide() =>
        Assert.Equal("a|b| c", Render("a  \n {{- '|' -}} \n b {#- note -#} \n|{{- ' ' -}}c"));

    [Fact]
    public void PlusMarkersKeepIndentationAndNewline() =>
        Assert.Equal("  \nx\ny", Render("  {%+ if true +%}\nx\n{% endif %}y"));

    [Fact]
    public void CommentsRenderNothingAndTrimLikeBlocks() =>
        Assert.Equal("ab", Render("a{# one\ntwo #}\n  {# x #}\nb"));

    [Fact]
    public void OneTrailingNewlineIsDroppedAndLineEndingsBecomeLf() =>
        Assert.Equal("a\nb\n", Render("a\r\nb\r\n\r\n"));

    [Fact]
    public void RawBlocksAreNotInterpreted() =>
        Assert.Equal("{{ x }}{% if %}", Render("{% raw %}{{ x }}{% if %}{% endraw %}"));

    [Fact]
    public void LoopVariables()
    {
        const string template = "{% for x in items %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}"
            + "{{ loop.first }}{{ loop.last }}{{ loop.length }}|{{ loop.previtem }}|{{ loop.nextitem }}|{{ loop.cycle('o', 'e') }};{% endfor %}";
        Assert.Equal(
            "1021TrueFalse2||b|o;2110FalseTrue2|a||e;",
            Render(template, """{"items": ["a", "b"]}"""));
    }

    [Fact]
    public void LoopFilterElseBreakAndContinue()
    {
        Assert.Equal("2/2:2/4", Render("{% for n in [1, 2, 3, 4] if n is even %}{{ loop.length }}/{{ n }}{% if loop.first %}:{% endif %}{% endfor %}"));
        Assert.Equal("empty", Render("{% for n in [] %}x{% else %}empty{% endfor %}"));
        Assert.Equal("13", Render("{% for n in range(10) %}{% if n == 4 %}{% break %}{% endif %}{% if n is even %}{% continue %}{% endif %}{{ n }}{% endfor %}"));
    }

    [Fact]
    public void TupleUnpackingOverItems() =>
        Assert.Equal("a=1,b=2,", Render("{% for k, v in d.items() %}{{ k }}={{ v }},{% endfor %}", """{"d": {"a": 1, "b": 2}}"""));

    [Fact]
    public void SetInsideALoopDoesNotLeakButNamespaceDoes() =>
        Assert.Equal("0 3", Render("{% set n = 0 %}{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set n = n + 1 %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ n }} {{ ns.n }}"));

    [Fact]
    public void SetWithUnpackingAndBlockSet() =>
        Assert.Equal("1-2 [hello]", Render("{% set a, b = 1, 2 %}{% set body %}hello{% endset %}{{ a }}-{{ b }} [{{ body }}]"));

    [Fact]
    public void MacrosTakeDefaultsAndKeywords() =>
        Assert.Equal("<a:1><b:x>", Render("{% macro tag(name, value=1) %}<{{ name }}:{{ value }}>{% endmacro %}{{ tag('a') }}{{ tag('b', value='x') }}"));

    [Fact]
    public void RecursiveMacrosWalkASchema()
    {
        const string template = """
            {%- macro py_type(schema) %}
            {%- set simple = {'string': 'str', 'integer': 'int', 'number': 'float', 'boolean': 'bool'} %}
            {%- if simple[schema.type] is defined %}{{ simple[schema.type] }}
            {%- elif schema.type == 'array' %}list[{{ py_type(schema['items']) }}]
            {%- elif schema.type is defined and schema.type is not string %}{{ schema.type | map('title') | join(' | ') }}
            {%- else %}Any{% endif %}
            {%- endmacro %}
            {%- for name, field in params.properties | items %}{{ name }}: {{ py_type(field) }}{{ ', ' if not loop.last }}{% endfor %}
            """;
        const string json = """{"params": {"properties": {"a": {"type": "string"}, "b": {"type": "array", "items": {"type": "integer"}}, "c": {"type": ["x", "y"]}, "d": {}}}}""";
        Assert.Equal("a: str, b: list[int], c: X | Y, d: Any", Render(template, json));
    }

    [Fact]
    public void IndentFilterFormatsNestedJson() =>
        Assert.Equal(
            "    {\n        \"k\": [\n            1\n        ]\n    }",
            Render("{{ '{'|indent(4, first=true) }}\n{{ v|tojson(indent=4)|indent(4) | replace('{\n', '', 1) }}", """{"v": {"k": [1]}}"""));

    [Fact]
    public void ToJsonMatchesPythonJsonDumps() =>
        Assert.Equal(
            """{"a": 1, "b": [1, 2.5, "x"], "c": null, "d": true}""",
            Render("{{ v | tojson }}", """{"v": {"a": 1, "b": [1, 2.5, "x"], "c": null, "d": true}}"""));

    [Fact]
    public void ToJsonWithIndentAndFloats() =>
        Assert.Equal(
            "{\n  \"a\": [\n    1.0,\n    0.5\n  ],\n  \"b\": {},\n  \"\u00e9\": \"\\\"q\\\"\\n\"\n}",
            Render("{{ v | tojson(indent=2) }}", """{"v": {"a": [1.0, 0.5], "b": {}, "é": "\"q\"\n"}}"""));

    [Fact]
    public void PythonStyleOutputOfValues() =>
        Assert.Equal(
            "None True False 1.0 1e-05 ['a', 1] {'k': \"it's\"} ('x',)",
            Render("{{ none }} {{ true }} {{ False }} {{ 1.0 }} {{ 0.00001 }} {{ ['a', 1] }} {{ {'k': \"it's\"} }} {{ ('x',) }}"));

    [Fact]
    public void Filters()
    {
        Assert.Equal("HELLO|hello|Hello world|Hello World|5|x", Render("{{ ' hello '|trim|upper }}|{{ 'HeLLo'|lower }}|{{ 'hello WORLD'|capitalize }}|{{ 'hello world'|title }}|{{ 'hello'|length }}|{{ 'x'|string }}"));
        Assert.Equal("a, b, c|2|c|a|x-y", Render("{{ l|join(', ') }}|{{ l|count - 1 }}|{{ l|last }}|{{ l|first }}|{{ d|map(attribute='n')|join('-') }}", """{"l": ["a", "b", "c"], "d": [{"n": "x"}, {"n": "y"}]}"""));
        Assert.Equal("fallback|fallback|0", Render("{{ missing|default('fallback') }}|{{ ''|d('fallback', true) }}|{{ 0|default(5) }}"));
        Assert.Equal("3|2.5|[1, 2]|[('a', 1), ('b', 2)]", Render("{{ '3'|int }}|{{ '2.5'|float }}|{{ (1, 2)|list }}|{{ {'b': 2, 'a': 1}|dictsort }}"));
        Assert.Equal("B|C", Render("{{ u|selectattr('role', 'equalto', 'user')|map(attribute='c')|join }}|{{ u|rejectattr('role', 'eq', 'user')|map(attribute='c')|first }}", """{"u": [{"role": "system", "c": "C"}, {"role": "user", "c": "B"}]}"""));
        Assert.Equal("[2, 4]|[1, 3]|['A', 'B']", Render("{{ [1, 2, 3, 4]|select('even')|list }}|{{ [1, 2, 3]|reject('even')|list }}|{{ ['a', 'b']|map('upper')|list }}"));
        Assert.Equal("a-b|&lt;b&gt; &amp; &#34;q&#34;|3|3.0|2.35", Render("{{ 'a b'|replace(' ', '-') }}|{{ '<b> & \"q\"'|e }}|{{ -3|abs }}|{{ 2.5|round }}|{{ 2.345|round(2) }}"));
        Assert.Equal("[1, 2, 3]|['B', 'a']|[1, 2]|cba|[3, 2, 1]", Render("{{ [3, 1, 2]|sort }}|{{ ['a', 'B']|sort(reverse=true) }}|{{ [1, 2, 1]|unique|list }}|{{ 'abc'|reverse }}|{{ [1, 2, 3]|reverse|list }}"));
        Assert.Equal("a\n  b\n\n  c|  x|2|1|3|6", Render("{{ 'a\nb\n\nc'|indent(2) }}|{{ 'x'|indent(2, first=true) }}|{{ 'two words'|wordcount }}|{{ [3, 1, 2]|min }}|{{ [3, 1, 2]|max }}|{{ [1, 2, 3]|sum }}"));
        Assert.Equal("[[1, 2], [3]]|a,b", Render("{{ [1, 2, 3]|batch(2)|list }}|{% filter lower %}A,B{% endfilter %}"));
    }

    [Fact]
    public void TestsAfterIs()
    {
        Assert.Equal(
            "TTTTTTTTTTTT",
            Render("{% for t in [x is defined, y is undefined, n is none, s is string, 1 is number, 1 is integer, 1.5 is float, true is boolean, d is mapping, l is iterable, l is sequence, range is callable] %}{{ 'T' if t else 'F' }}{% endfor %}", """{"x": 1, "n": null, "s": "s", "d": {}, "l": []}"""));
        Assert.Equal(
            "TTTTTTTTTT",
            Render("{% for t in [2 is even, 3 is odd, 9 is divisibleby(3), true is true, false is false, 'a' is in ['a'], 1 is eq 1, 1 is lt(2), 2 is ge(2), x is not none] %}{{ 'T' if t else 'F' }}{% endfor %}", """{"x": 0}"""));
    }

    [Fact]
    public void SlicesAndNegativeIndexes() =>
        Assert.Equal(
            "[2, 3]|[3, 2, 1]|[1, 2]|3|olleh|el|[1, 3]",
            Render("{{ l[1:] }}|{{ l[::-1] }}|{{ l[:-1] }}|{{ l[-1] }}|{{ 'hello'[::-1] }}|{{ 'hello'[1:3] }}|{{ l[::2] }}", """{"l": [1, 2, 3]}"""));

    [Fact]
    public void RaiseExceptionCarriesTheTemplatesMessage()
    {
        var ex = Assert.Throws<JinjaException>(() => Render("{% if true %}{{ raise_exception('Roles must alternate!') }}{% endif %}"));
        Assert.Equal("Roles must alternate!", ex.Message);
        Assert.True(ex.RaisedByTemplate);
    }

    [Fact]
    public void UndefinedIsFalsyEmptyAndForgiving() =>
        Assert.Equal(
            "[]|F|T|[]|ok",
            Render("[{{ missing }}]|{{ 'T' if missing else 'F' }}|{{ 'T' if missing.a.b is undefined else 'F' }}|[{% for x in missing %}x{% endfor %}]|{{ 'ok' if 'a' not in missing }}"));

    [Fact]
    public void StringMethods()
    {
        Assert.Equal("a b|xxa|ayy|['a', 'b', 'c']|['a', 'b,c']|True|True|HI|hi|Hi There|Hi", Render("{{ '  a b '.strip() }}|{{ 'xxayy'.rstrip('y') }}|{{ 'xxayy'.lstrip('x') }}|{{ 'a b  c'.split() }}|{{ 'a,b,c'.split(',', 1) }}|{{ 'abc'.startswith(('x', 'a')) }}|{{ 'abc'.endswith('bc') }}|{{ 'hi'.upper() }}|{{ 'HI'.lower() }}|{{ 'hi there'.title() }}|{{ 'hI'.capitalize() }}"));
        Assert.Equal("a_c|1|2|a-b|x=1, y=2", Render("{{ 'abc'.replace('b', '_') }}|{{ 'abc'.find('b') }}|{{ 'aXbX'.count('X') }}|{{ '-'.join(['a', 'b']) }}|{{ 'x={}, y={}'.format(1, 2) }}"));
    }

    [Fact]
    public void ListAndDictMethods() =>
        Assert.Equal(
            "[1, 2, 3, 4]|4|1|[0, 1, 2, 3]|2|1|{'a': 1, 'b': 2}|['a', 'b']|[1, 2]|x|1|{'b': 2}",
            Render("{% set l = [1, 2] %}{% set _ = l.append(3) %}{% set _ = l.extend([4]) %}{{ l }}|{{ l.pop() }}|{{ l.index(2) }}{% set _ = l.insert(0, 0) %}|{{ l }}|"
                + "{% set d = {'a': 1} %}{% set _ = d.update({'b': 2}) %}{{ d.get('b') }}|{{ d.get('a', 5) }}|{{ d }}|{{ d.keys() | list }}|{{ d.values() | list }}|{{ d.get('z', 'x') }}|{{ d.pop('a') }}|{{ d }}"));

    [Fact]
    public void OperatorPrecedenceFollowsJinja() =>
        Assert.Equal(
            "7|14|1|-8|2|1.5|1|-1|8|ab3|True|True|False|abab|[1, 2]",
            Render("{{ 1 + 2 * 3 }}|{{ (1 + 2 * 3) * 2 }}|{{ 7 % 3 }}|{{ -2 ** 3 }}|{{ 7 // 3 }}|{{ 3 / 2 }}|{{ 10 - 3 * 3 }}|{{ -7 // 5 + 1 }}|{{ 2 ** 3 }}|{{ 'a' ~ 'b' ~ 1 * 3 }}|{{ 1 < 2 < 3 }}|{{ not 1 == 2 and 3 in [3] }}|{{ 1 > 2 or 'a' in 'bcd' }}|{{ 'ab' * 2 }}|{{ [1] + [2] }}"));

    [Fact]
    public void PercentFormattingOfStrings() =>
        Assert.Equal("a=1 b=x 100%", Render("{{ 'a=%d b=%s' % (1, 'x') }} {{ '%s%%' % 100 }}"));

    [Fact]
    public void SelfContainingListIsAnErrorNotACrash()
    {
        var ex = Assert.Throws<JinjaException>(() => Render("{% set l = [] %}{% set _ = l.append(l) %}{{ l }}"));
        Assert.Contains("nested too deeply", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConditionalExpressions() =>
        Assert.Equal("yes||no", Render("{{ 'yes' if x }}|{{ 'yes' if y }}|{{ 'yes' if y else 'no' }}", """{"x": true, "y": false}"""));

    [Fact]
    public void StrftimeNowFormatsTheCurrentDate()
    {
        var output = Render("{{ strftime_now('%d %b %Y') }}");
        Assert.Equal(DateTime.Now.ToString("dd MMM yyyy", System.Globalization.CultureInfo.InvariantCulture), output);
    }

    [Fact]
    public void SyntaxErrorReportsItsLine()
    {
        var ex = Assert.Throws<JinjaException>(() => JinjaTemplate.Parse("line one\n{% if x %}\n{{ x + }}\n{% endif %}"));
        Assert.Equal(3, ex.Line);
        Assert.Equal(8, ex.Column);
    }

    [Fact]
    public void UnclosedBlockIsASyntaxError()
    {
        var ex = Assert.Throws<JinjaException>(() => JinjaTemplate.Parse("{% for m in messages %}\n{{ m }}"));
        Assert.Contains("endfor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFilterNamesTheFilter()
    {
        var ex = Assert.Throws<JinjaException>(() => Render("\n{{ 1 | frobnicate }}"));
        Assert.Contains("frobnicate", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void UnknownTestAndMethodAreErrors()
    {
        Assert.Contains("shiny", Assert.Throws<JinjaException>(() => Render("{{ 1 is shiny }}")).Message, StringComparison.Ordinal);
        Assert.Contains("frob", Assert.Throws<JinjaException>(() => Render("{{ 'x'.frob() }}")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunawayLoopsAndRecursionAreStopped()
    {
        Assert.Throws<JinjaException>(() => Render("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(2) %}{% endfor %}{% endfor %}{% endfor %}"));
        Assert.Throws<JinjaException>(() => Render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"));
    }

    [Fact]
    public void DeeplyNestedBlocksAreASyntaxErrorNotACrash()
    {
        var source = string.Concat(Enumerable.Repeat("{% if true %}", 5000)) + string.Concat(Enumerable.Repeat("{% endif %}", 5000));
        Assert.Contains("nested too deeply", Assert.Throws<JinjaException>(() => JinjaTemplate.Parse(source)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferencesReportsVariablesTheTemplateReads()
    {
        var template = JinjaTemplate.Parse("{% if enable_thinking is defined and not enable_thinking %}x{% endif %}{% for t in tools %}{% endfor %}");
        Assert.True(template.References("enable_thinking"));
        Assert.True(template.References("tools"));
        Assert.False(template.References("documents"));
    }

    [Fact]
    public void HostValuesAreAccepted()
    {
        var template = JinjaTemplate.Parse("{{ n + 1 }} {{ f }} {{ items | length }} {{ d.k }}");
        var variables = new Dictionary<string, object?>
        {
            ["n"] = 41,
            ["f"] = 0.5f,
            ["items"] = new List<object?> { "a", "b" },
            ["d"] = new Dictionary<string, object?> { ["k"] = "v" },
        };
        Assert.Equal("42 0.5 2 v", template.Render(variables));
    }
}
