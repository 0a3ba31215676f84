import LAMTemplates
import Testing

/// The lexer and parser on their own: tokens and syntax trees for small inputs.
struct LexerTests {
    @Test func splitsTextTagsAndExpressions() throws {
        #expect(try TemplateSyntax.tokens("a{{ x.y + 1 }}b{% if n >= 2.5 %}c{% endif %}") == [
            "text('a')", "{{", "name(x)", "op(.)", "name(y)", "op(+)", "int(1)", "}}", "text('b')",
            "{%", "name(if)", "name(n)", "op(>=)", "float(2.5)", "%}", "text('c')", "{%", "name(endif)", "%}", "end",
        ])
    }

    @Test func trimBlocksDropsOneNewlineAfterBlockTagsOnly() throws {
        #expect(try TemplateSyntax.tokens("{% x %}\n\nA{{ y }}\nB") == [
            "{%", "name(x)", "%}", "text('\\nA')", "{{", "name(y)", "}}", "text('\\nB')", "end",
        ])
    }

    @Test func lstripBlocksRemovesIndentBeforeBlockTagsButNotVariables() throws {
        #expect(try TemplateSyntax.tokens("a\n   {% x %}\n   {{ y }}") == [
            "text('a\\n')", "{%", "name(x)", "%}", "text('   ')", "{{", "name(y)", "}}", "end",
        ])
    }

    @Test func minusAndPlusMarkersControlWhitespace() throws {
        #expect(try TemplateSyntax.tokens("a \n {%- x -%} \n b\n  {%+ y +%}\nc") == [
            "text('a')", "{%", "name(x)", "%}", "text('b\\n  ')", "{%", "name(y)", "%}", "text('\\nc')", "end",
        ])
    }

    @Test func commentsAndRawBlocks() throws {
        #expect(try TemplateSyntax.tokens("a{# {{ no }} #}b{% raw %}{{ kept }}{% endraw %}") == [
            "text('a')", "text('b')", "text('{{ kept }}')", "end",
        ])
    }

    @Test func stringLiteralsUnescapeLikePython() throws {
        #expect(try TemplateSyntax.tokens(#"{{ 'a\nb' "q\"" 'x\qy' '\u00e9' }}"#) == [
            "{{", "str('a\\nb')", #"str('q"')"#, #"str('x\\qy')"#, "str('é')", "}}", "end",
        ])
    }

    @Test func newlinesAreNormalizedAndOneTrailingNewlineDropped() throws {
        #expect(try TemplateSyntax.tokens("a\r\nb\rc\n\n") == ["text('a\\nb\\nc\\n')", "end"])
    }

    @Test func reportsLineAndColumn() {
        #expect(throws: TemplateError(.syntax, "unexpected char '$'", at: SourceLocation(line: 2, column: 4))) {
            try TemplateSyntax.tokens("x\n{{ $ }}")
        }
        #expect(throws: TemplateError(.syntax, "unexpected ')', expected ']'", at: SourceLocation(line: 1, column: 6))) {
            try TemplateSyntax.tokens("{{ [1) }}")
        }
    }
}

struct ParserTests {
    @Test func operatorPrecedenceFollowsJinja2() throws {
        #expect(try TemplateSyntax.tree("{{ 1 + 2 * 3 ** 2 }}") == ["(output (+ 1 (* 2 (** 3 2))))"])
        #expect(try TemplateSyntax.tree("{{ a ~ b + c }}") == ["(output (+ (~ a b) c))"])
        #expect(try TemplateSyntax.tree("{{ not a or b and c }}") == ["(output (or (not a) (and b c)))"])
        #expect(try TemplateSyntax.tree("{{ -x|abs }}") == ["(output (|abs (neg x)))"])
        #expect(try TemplateSyntax.tree("{{ a if b else c if d }}") == ["(output (ifexpr b a (ifexpr d c _)))"])
        #expect(try TemplateSyntax.tree("{{ 1 < x <= 3 }}") == ["(output (compare 1 < x <= 3))"])
        #expect(try TemplateSyntax.tree("{{ x not in y }}") == ["(output (compare x not in y))"])
    }

    @Test func postfixFiltersAndTests() throws {
        #expect(try TemplateSyntax.tree("{{ m.content[1:-1]|trim|join(', ', attribute='n') }}")
            == ["(output (|join (|trim (slice (. m content) 1 (neg 1) _)) ', ' attribute='n'))"])
        #expect(try TemplateSyntax.tree("{{ x is not divisibleby 3 }}") == ["(output (is-not divisibleby x 3))"])
        #expect(try TemplateSyntax.tree("{{ f(1, *a, k=2, **kw) }}") == ["(output (call f 1 k=2 *a **kw))"])
        #expect(try TemplateSyntax.tree("{{ l[::-1] }}{{ d.0 }}") == ["(output (slice l _ _ (neg 1)))", "(output ([] d 0))"])
    }

    @Test func statements() throws {
        #expect(try TemplateSyntax.tree("{% for k, v in d.items() if v %}{{ k }}{% else %}-{% endfor %}")
            == ["(for (k v) (call (. d items)) if v [(output k)] else [(text '-')])"])
        #expect(try TemplateSyntax.tree("{% set ns.x = 1, 2 %}{% set y %}b{% endset %}")
            == ["(set ns.x (tuple 1 2))", "(setblock y [(text 'b')])"])
        #expect(try TemplateSyntax.tree("{% macro m(a, b=2) %}{{ caller() }}{% endmacro %}")
            == ["(macro m(a b=2) [(output (call caller))])"])
        #expect(try TemplateSyntax.tree("{% call(x) m(1) %}{{ x }}{% endcall %}")
            == ["(call (call m 1) caller(x) [(output x)])"])
        #expect(try TemplateSyntax.tree("{% filter upper|trim %}t{% endfilter %}") == ["(filterblock |upper |trim [(text 't')])"])
        #expect(try TemplateSyntax.tree("{% if a %}1{% elif b %}2{% else %}3{% endif %}")
            == ["(if a [(text '1')] b [(text '2')] else [(text '3')])"])
    }

    @Test func syntaxErrorsNameThePosition() {
        #expect(throws: TemplateError(.syntax, "unexpected end of template, expected 'elif' or 'else' or 'endif'",
                                      at: SourceLocation(line: 2, column: 3))) {
            try TemplateSyntax.tree("{% if x %}\nab")
        }
        #expect(throws: TemplateError(.syntax, "'break' outside loop", at: SourceLocation(line: 1, column: 4))) {
            try TemplateSyntax.tree("{% break %}")
        }
        #expect(throws: TemplateError(.syntax, "encountered unknown tag 'do'", at: SourceLocation(line: 2, column: 4))) {
            try TemplateSyntax.tree("{% if x %}\n{% do y %}{% endif %}")
        }
    }
}
