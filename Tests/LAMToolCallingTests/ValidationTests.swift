import Foundation
import LAMJSON
import LAMTestSupport
import LAMToolCalling
import Testing

/// The validator against the reference `jsonschema` package (scripts/golden/toolcalling_validation.py).
@Suite struct ValidationTests {
    struct GoldenCase {
        let schema: JSONValue
        let instance: JSONValue
        let valid: Bool
        let errorPaths: [String]
    }

    static func goldenCases() throws -> [GoldenCase] {
        let text = String(decoding: try Golden.data("toolcalling/validation.json"), as: UTF8.self)
        guard case .array(let records) = try JSONValue(parsing: text) else { throw GoldenFormatError() }
        return try records.map { record in
            guard case .object(let fields) = record, let schema = fields["schema"], let instance = fields["instance"],
                  case .bool(let valid)? = fields["valid"], case .array(let paths)? = fields["errorPaths"]
            else { throw GoldenFormatError() }
            return GoldenCase(schema: schema, instance: instance, valid: valid, errorPaths: paths.compactMap {
                if case .string(let path) = $0 { return path } else { return nil }
            })
        }
    }

    struct GoldenFormatError: Error {}

    @Test func agreesWithJSONSchemaPackageOnEveryGoldenPair() throws {
        let cases = try Self.goldenCases()
        #expect(cases.count > 1000)
        var disagreements: [String] = []
        for (index, goldenCase) in cases.enumerated() {
            let schema = try JSONSchema(goldenCase.schema)
            let violations = schema.violations(of: goldenCase.instance)
            if violations.isEmpty != goldenCase.valid {
                disagreements.append("#\(index) \(goldenCase.schema.compactJSON) ~ \(goldenCase.instance.compactJSON): reference valid=\(goldenCase.valid), ours \(violations)")
            } else if let first = violations.first,
                      !goldenCase.errorPaths.contains(where: { first.path == $0 || first.path.hasPrefix($0 + "/") }) {
                // jsonschema reports additionalProperties and `false`-schema errors at the enclosing object; we name
                // the offending property itself, so our path may be one level deeper, never elsewhere.
                disagreements.append("#\(index): our error path '\(first.path)' is not at or under the reference's \(goldenCase.errorPaths)")
            }
        }
        #expect(disagreements.isEmpty, Comment(rawValue: "\(disagreements.count) disagreements:\n" + disagreements.prefix(20).joined(separator: "\n")))
    }

    @Test func reportsJSONPointerAndExpectation() throws {
        let schema = try JSONSchema(parsing: #"{"type":"object","properties":{"a/b":{"type":"array","items":{"type":"integer"}}},"additionalProperties":false}"#)
        let violations = schema.violations(of: try JSONValue(parsing: #"{"a/b":[1,"x"],"c":1}"#))
        #expect(violations.map(\.path) == ["/a~1b/1", "/c"])
        #expect(violations[0].expected == "integer")
        #expect(violations[0].description == "at '/a~1b/1': expected integer")
        #expect(violations[1].expected.contains("no property 'c'"))
    }

    @Test func badSchemasAreTypedErrors() throws {
        #expect(throws: SchemaError.unresolvableReference(pointer: "", "#/$defs/missing")) {
            try JSONSchema(parsing: ##"{"$ref":"#/$defs/missing"}"##)
        }
        #expect(throws: SchemaError.unknownType(pointer: "/properties/x", "dict")) {
            try JSONSchema(parsing: #"{"properties":{"x":{"type":"dict"}}}"#)
        }
        #expect(throws: SchemaError.badKeyword(pointer: "", keyword: "minItems", expected: "a non-negative integer")) {
            try JSONSchema(parsing: #"{"minItems":-1}"#)
        }
        #expect(throws: SchemaError.notASchema(pointer: "/items")) { try JSONSchema(parsing: #"{"items":3}"#) }
    }

    @Test func selfReferenceWithoutProgressDoesNotHang() throws {
        let schema = try JSONSchema(parsing: ##"{"$ref":"#"}"##)
        #expect(!schema.violations(of: .integer(1)).isEmpty)
    }
}
