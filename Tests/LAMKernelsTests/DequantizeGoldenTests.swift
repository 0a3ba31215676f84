import Foundation
import LAMKernels
import LAMModelFiles
import LAMTestSupport
import Testing

/// Dequantization is bit-exact against `gguf.quants.dequantize` (golden files from scripts/golden/dequant.py):
/// on random blocks of every supported format, and on samples and whole tensors of every tensor type in the
/// test models.
@Suite struct DequantizeGoldenTests {
    struct RandomCase: Decodable { let type: String; let type_id: UInt32; let blocks: Int; let bytes: String; let expected: String }
    struct Sample: Decodable { let start: Int; let count: Int; let expected: String }
    struct ModelCase: Decodable {
        let type: String
        let type_id: UInt32
        let tensor: String
        let samples: [Sample]
        let whole_tensor: String
        let whole_elements: Int
        let whole_sha256: String
    }

    static let supported: [GGMLType] = [
        .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K,
    ]

    @Test func randomBlocksOfEveryFormat() throws {
        let cases = try JSONDecoder().decode([RandomCase].self, from: Golden.data("dequant/random.json"))
        #expect(Set(cases.map(\.type_id)) == Set(Self.supported.map(\.rawValue)))
        for c in cases {
            let type = try #require(GGMLType(rawValue: c.type_id))
            let bytes = try #require(Data(base64Encoded: c.bytes))
            let expected = try floats(c.expected)
            let got = try bytes.withUnsafeBytes { try dequantize(type, $0) }
            #expect(got.count == c.blocks * type.blockElements)
            expectBitIdentical(got, expected, "\(c.type) random blocks")
        }
    }

    @Test(arguments: [(TestModel.qwen05b, "qwen05b"), (.smollm2, "smollm2"), (.gemma3, "gemma3")])
    func everyTensorTypeOfModel(model: TestModel, golden: String) throws {
        let cases = try JSONDecoder().decode([ModelCase].self, from: Golden.data("dequant/\(golden).json"))
        let file = try GGUFFile(path: model.path())
        #expect(Set(cases.map(\.type_id)) == Set(file.tensors.map(\.type.rawValue)), "every tensor type is covered")
        for c in cases {
            let tensor = try #require(file.tensor(named: c.tensor))
            let bytes = file.bytes(of: tensor)
            for sample in c.samples {
                let blockStart = sample.start / tensor.type.blockElements * tensor.type.blockBytes
                let blockBytes = sample.count / tensor.type.blockElements * tensor.type.blockBytes
                var got = [Float](repeating: .nan, count: sample.count)
                try got.withUnsafeMutableBufferPointer {
                    try dequantize(tensor.type, UnsafeRawBufferPointer(rebasing: bytes[blockStart..<(blockStart + blockBytes)]),
                                   elementCount: sample.count, into: $0.baseAddress!)
                }
                expectBitIdentical(got, try floats(sample.expected), "\(c.tensor) [\(sample.start)...]")
            }
            let whole = try #require(file.tensor(named: c.whole_tensor))
            let values = try file.dequantized(whole)
            #expect(values.count == c.whole_elements)
            let digest = values.withUnsafeBytes { SHA256.hex(Array($0)) }
            #expect(digest == c.whole_sha256, "whole tensor \(c.whole_tensor) (\(c.type))")
        }
    }

    @Test func everyListedFormatHasADequantizer() {
        for type in GGMLType.allCases {
            #expect((quantFormat(for: type) != nil) == Self.supported.contains(type), "\(type.name)")
        }
    }

    @Test func refusesBadRequests() throws {
        let bytes = [UInt8](repeating: 0, count: 144)
        try bytes.withUnsafeBytes { raw in
            var out = [Float](repeating: 0, count: 512)
            try out.withUnsafeMutableBufferPointer { out in
                #expect(throws: DequantizeError.unsupportedType(.iq2_xxs)) {
                    try dequantize(.iq2_xxs, raw, elementCount: 256, into: out.baseAddress!)
                }
                #expect(throws: DequantizeError.notWholeBlocks(.q4_K, elementCount: 100)) {
                    try dequantize(.q4_K, raw, elementCount: 100, into: out.baseAddress!)
                }
                #expect(throws: DequantizeError.bufferTooSmall(.q4_K, needed: 288, available: 144)) {
                    try dequantize(.q4_K, raw, elementCount: 512, into: out.baseAddress!)
                }
                #expect(throws: DequantizeError.bufferTooSmall(.q8_0, needed: Int.max, available: 144)) {
                    try dequantize(.q8_0, raw, elementCount: Int.max / 32 * 32, into: out.baseAddress!)
                }
                try dequantize(.q4_K, raw, elementCount: 256, into: out.baseAddress!)
                #expect(out[0..<256].allSatisfy { $0 == 0 })
            }
        }
    }

    private func floats(_ base64: String) throws -> [Float] {
        let data = try #require(Data(base64Encoded: base64))
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    private func expectBitIdentical(_ got: [Float], _ expected: [Float], _ what: String,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == expected.count, "\(what): count", sourceLocation: sourceLocation)
        let mismatches = zip(got, expected).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }
        if let first = mismatches.first {
            Issue.record("\(what): \(mismatches.count) values differ; first at \(first.offset): got \(first.element.0), expected \(first.element.1)",
                         sourceLocation: sourceLocation)
        }
    }
}
