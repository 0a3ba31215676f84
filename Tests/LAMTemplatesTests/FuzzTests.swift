import Foundation
import LAMJSON
import LAMTemplates
import LAMTestSupport
import Testing

/// Hostile and broken templates: random and mutated sources must parse-or-fail and render-or-fail with a
/// TemplateError, never crash or hang. `SWIFTLAM_FUZZ_ITERATIONS=N` runs a longer campaign.
struct FuzzTests {
    static let fragments = [
        "{%", "%}", "{{", "}}", "{#", "#}", "-", "+", "(", ")", "[", "]", "{", "}", "'", "\"", "|", ".", ",", ":", "=",
        "~", "*", "**", "/", "//", "%", "\\", "\n", " ", "\t", "if ", "elif ", "else", "endif", "for ", " in ", "endfor",
        "macro ", "endmacro", "call ", "endcall", "set ", "endset", "filter ", "endfilter", "raw", "endraw", "break",
        "continue", "namespace(", "loop.", "messages", "tools", "x", "0", "-1", "1e309", "9223372036854775807", "none",
        "is ", "not ", "defined", "tojson", "trim", "join", "map", "selectattr", "items", "caller()", "range(99999)",
        "é", "👋", "\u{0}", "\u{301}", "raise_exception('x')", "[::-1]", "[1:]", "recursive", "with ", "endwith",
    ]

    static func seeds() -> [String] {
        var sources: [String] = []
        for folder in ["templates/reference", "templates/gguf"] {
            let url = Golden.url(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".jinja") {
                if let data = try? Data(contentsOf: url.appendingPathComponent(name)) {
                    sources.append(String(decoding: data, as: UTF8.self))
                }
            }
        }
        if let data = try? Golden.data("templates/semantics.json"), let json = try? JSONValue(parsing: Array(data)) {
            sources += (json.arrayValue ?? []).compactMap { $0["template"]?.stringValue }
        }
        return sources
    }

    static func mutate(_ source: String, _ random: inout SeededRandom) -> String {
        var scalars = Array(source.unicodeScalars)
        for _ in 0..<(1 + random.below(4)) {
            let position = random.below(scalars.count + 1)
            switch random.below(5) {
            case 0 where !scalars.isEmpty:
                let end = min(scalars.count, position + 1 + random.below(40))
                if position < end { scalars.removeSubrange(position..<end) }
            case 1:
                scalars.insert(contentsOf: fragments[random.below(fragments.count)].unicodeScalars, at: position)
            case 2 where !scalars.isEmpty:
                let start = random.below(scalars.count)
                let end = min(scalars.count, start + 1 + random.below(200))
                scalars.insert(contentsOf: scalars[start..<end], at: position)
            case 3:
                scalars = Array(scalars.prefix(position))
            default:
                if position < scalars.count { scalars[position] = Unicode.Scalar(UInt8(32 + random.below(95))) }
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    static func randomTemplate(_ random: inout SeededRandom) -> String {
        (0..<(1 + random.below(40))).map { _ in fragments[random.below(fragments.count)] }.joined()
    }

    static let context: OrderedDictionary<String, JSONValue> = [
        "messages": [["role": "system", "content": "s"], ["role": "user", "content": "hi"],
                     ["role": "assistant", "content": "", "tool_calls": [["function": ["name": "f", "arguments": ["a": 1]]]]],
                     ["role": "tool", "content": ["x": [1, 2.5, nil]]]],
        "tools": [["type": "function", "function": ["name": "f", "parameters": ["type": "object"]]]],
        "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>",
    ]

    static let environment = TemplateEnvironment(
        limits: RenderLimits(maximumOutputBytes: 1 << 20, maximumLoopIterations: 200_000, maximumCallDepth: 64))

    /// Parses and renders one input; returns whether it rendered. Any failure must be a TemplateError.
    static func exercise(_ source: String) -> Bool {
        do {
            let template = try Template(source)
            _ = try template.render(context, environment: environment)
            return true
        } catch {
            return false
        }
    }

    @Test func mutatedAndRandomTemplatesNeverCrashOrHang() {
        let iterations = Int(ProcessInfo.processInfo.environment["SWIFTLAM_FUZZ_ITERATIONS"] ?? "") ?? 3000
        let seeds = Self.seeds()
        #expect(seeds.count > 100)
        var random = SeededRandom(seed: 20_261_127)
        var rendered = 0
        var slowest = 0.0
        for iteration in 0..<iterations {
            let source = iteration % 4 == 3 ? Self.randomTemplate(&random)
                : Self.mutate(seeds[random.below(seeds.count)], &random)
            let start = Date()
            if Self.exercise(source) { rendered += 1 }
            let elapsed = Date().timeIntervalSince(start)
            slowest = max(slowest, elapsed)
            // A hang guard, not a timing assertion: no input may take seconds.
            #expect(elapsed < 10, "input \(iteration) took \(elapsed) s: \(source.debugDescription.prefix(300))")
        }
        // Mutations must still leave many inputs renderable, or the campaign tests only the parser.
        #expect(rendered > iterations / 10)
        print("fuzz: \(iterations) inputs, \(rendered) rendered, slowest \(slowest) s")
    }

    @Test func deepNestingIsALimitErrorNotAStackOverflow() {
        let deepSources = [
            "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}",
            "{{ " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + " }}",
            String(repeating: "{% if true %}", count: 5000) + String(repeating: "{% endif %}", count: 5000),
            "{{ " + String(repeating: "-", count: 5000) + "1 }}",
            "{{ " + String(repeating: "not ", count: 5000) + "1 }}",
            "{{ x" + String(repeating: ".a", count: 5000) + " }}",
            "{{ x" + String(repeating: "|trim", count: 5000) + " }}",
        ]
        for source in deepSources {
            #expect(throws: TemplateError.self) { try Template(source) }
        }
    }

    @Test func runawayTemplatesHitLimits() throws {
        let cases: [(String, TemplateError.Kind)] = [
            ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", .limit),
            ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", .limit),
            ("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", .limit),
            ("{{ 'x' * 100000000000 }}", .limit),
            ("{{ range(10000000) }}", .limit),
            ("{{ 9223372036854775807 + 1 }}", .limit),
        ]
        for (source, kind) in cases {
            let template = try Template(source)
            #expect(throws: TemplateError.self) { try template.render(Self.context, environment: Self.environment) }
            do {
                _ = try template.render(Self.context, environment: Self.environment)
            } catch {
                #expect(error.kind == kind, "\(source): \(error)")
            }
        }
    }

    @Test(arguments: ["{% set ns.x = [ns.x] %}", "{% set ns.x = {'a': ns.x} %}", "{% set ns.x = namespace(a=ns.x) %}",
                      "{% set ns.x = (ns.x, 1) %}", "{% set ns.x = [ns.x]|list %}"])
    func deeplyNestedValuesBuiltInLoopsAreALimitError(step: String) throws {
        let template = try Template("{% set ns = namespace(x=[]) %}{% for i in range(100000) %}\(step){% endfor %}{{ ns.x }}")
        #expect(throws: TemplateError.self) { try template.render(Self.context, environment: Self.environment) }
    }

    @Test func aNamespaceHoldingItselfPrintsLikePython() throws {
        let selfReference = try Template("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}")
        #expect(try selfReference.render(Self.context) == "<Namespace {'me': <Namespace {...}>}>")
    }
}
