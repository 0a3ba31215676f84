import Foundation
import LAMJSON
import LAMTestSupport
import Testing

/// Lines of a golden JSONL file, each parsed with LAMJSON itself (the files are plain JSON written by Python).
private func goldenLines(_ path: String) throws -> [JSONValue] {
    let text = String(decoding: try Golden.data(path), as: UTF8.self)
    return try text.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
}

@Test func dumpsMatchesPythonForEveryGoldenCase() throws {
    let cases = try goldenLines("json/dumps.jsonl")
    #expect(cases.count > 4000)
    var mismatches: [String] = []
    for golden in cases {
        let source = try #require(golden["source"]?.stringValue)
        let options = try #require(golden["options"])
        let expected = try #require(golden["expected"]?.stringValue)
        let separators = options["separators"].map { ($0[0]!.stringValue!, $0[1]!.stringValue!) }
        let written = try JSONValue(parsing: source).pythonJSON(
            indent: options["indent"]?.integerValue,
            ensureASCII: options["ensure_ascii"]?.boolValue ?? false,
            sortKeys: options["sort_keys"]?.boolValue ?? false,
            separators: separators.map { (item: $0.0, key: $0.1) }
        )
        if written != expected { mismatches.append("\(source) \(options.compactJSON): \(written) != \(expected)") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(3))")
}

@Test func rejectsWhatStrictJSONRejects() throws {
    for golden in try goldenLines("json/invalid.jsonl") {
        let text = try #require(golden["text"]?.stringValue)
        #expect(throws: JSONParseError.self, "accepted \(text.prefix(40))") { try JSONValue(parsing: text) }
    }
}

@Test func errorsNameTheByteOffset() {
    #expect(throws: JSONParseError(reason: .unexpectedByte(UInt8(ascii: "]")), offset: 7)) {
        try JSONValue(parsing: #"{"a":[]]"#)
    }
    #expect(throws: JSONParseError(reason: .unexpectedEnd, offset: 5)) { try JSONValue(parsing: #"[1, 2"#) }
    #expect(throws: JSONParseError(reason: .invalidUTF8, offset: 2)) { try JSONValue(parsing: [0x22, 0x61, 0xFF, 0x22]) }
}

@Test func keepsKeyOrderAndIntegerness() throws {
    let value = try JSONValue(parsing: #"{"b": 1, "a": 2.0, "b": 3}"#)
    #expect(value.objectValue?.keys.elements == ["b", "a"])
    #expect(value["b"] == .integer(3))
    #expect(value["a"] == .double(2.0))
    #expect(value.compactJSON == #"{"b":3,"a":2.0}"#)
}

@Test func mutatedInputsNeverCrash() {
    var generator = SystemRandomNumberGenerator()
    let seeds = [#"{"a": [1, 2.5e3, "x\u00e9\n", {"b": null}], "c": true}"#, #"[[[{"k": "\ud83d\ude00"}]]]"#]
    for _ in 0..<20_000 {
        var bytes = Array(seeds.randomElement(using: &generator)!.utf8)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
            case 1: bytes.remove(at: index)
            default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
            }
            if bytes.isEmpty { bytes = [0x5B] }
        }
        if let value = try? JSONValue(parsing: bytes) {
            // Whatever parses must survive a round trip through our own writer.
            #expect((try? JSONValue(parsing: value.compactJSON)) == value)
        }
    }
}

/// Strings without escapes are written whole, the others scalar by scalar: both paths must agree, so the text of
/// a joined string is the joined texts of its pieces (JSON escapes each code point on its own).
@Test func plainAndEscapedStringPathsAgree() {
    let pieces = ["plain ascii", "café ünïcödé 👋🏽", "quote \" here", "back\\slash", "ctrl \u{1}\t\n", "del \u{7F}", ""]
    for ensureASCII in [false, true] {
        for a in pieces {
            for b in pieces {
                let joined = JSONValue.string(a + b).pythonJSON(ensureASCII: ensureASCII)
                let left = JSONValue.string(a).pythonJSON(ensureASCII: ensureASCII)
                let right = JSONValue.string(b).pythonJSON(ensureASCII: ensureASCII)
                #expect(joined == String(left.dropLast()) + String(right.dropFirst()), "\(a) + \(b)")
            }
        }
    }
}
