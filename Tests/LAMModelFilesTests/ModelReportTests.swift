import Foundation
import LAMModelFiles
import LAMTestSupport
import Testing

/// `lam inspect` prints `ModelReport`; its metadata and tensor listing agree with the `gguf` Python reader
/// (the same golden files as GGUFGoldenTests), and its summary with the model's known shape.
@Suite struct ModelReportTests {
    @Test(arguments: TestModel.including(
        [(TestModel.qwen05b, "qwen05b"), (.qwen15b, "qwen15b"), (.smollm2, "smollm2")], optional: [(.gemma3, "gemma3")]))
    func reportMatchesPythonReader(model: TestModel, golden: String) throws {
        let expected = try GoldenGGUF.load(golden)
        let report = try ModelReport(path: model.path(), context: 4096)
        let metadata = try #require(report.metadata)

        #expect(metadata.map(\.key) == expected.metadata.map(\.key))
        for (entry, want) in zip(metadata, expected.metadata) {
            #expect(entry.type.uppercased() == want.type, "\(want.key)")
            guard case .array(let shown) = entry.value else {
                #expect(GoldenGGUF.canonicalItem(entry.value) == want.value, "\(want.key)")
                continue
            }
            let wantItems = want.values ?? []
            #expect(entry.length == want.length && entry.elementType?.uppercased() == want.element_type, "\(want.key)")
            if entry.summarized == true {
                let head = try want.values.map { Array($0.prefix(ModelReport.summaryPrefix)) } ?? readHead(golden, want.key)
                #expect(GoldenGGUF.canonicalItems(shown) == head, "\(want.key) head")
            } else {
                #expect(GoldenGGUF.canonicalItems(shown) == wantItems, "\(want.key)")
            }
        }
        #expect(report.tensors.map(\.name) == expected.tensors.map(\.name))
        #expect(report.tensors.map(\.shape) == expected.tensors.map(\.shape))
        #expect(report.tensors.map(\.type) == expected.tensors.map(\.type))
        #expect(report.tensors.map(\.bytes) == expected.tensors.map(\.byte_count))
        #expect(report.summary.parameterCount == expected.tensors.reduce(0) { $0 + $1.shape.reduce(1, *) })
        #expect(report.summary.fileSize == expected.file_size)

        // The JSON text carries the same entries.
        let json = try #require(JSONSerialization.jsonObject(with: Data(report.jsonText().utf8)) as? [String: Any])
        #expect((json["metadata"] as? [Any])?.count == expected.metadata.count)
        #expect((json["tensors"] as? [Any])?.count == expected.tensors.count)
        #expect((json["summary"] as? [String: Any])?["architecture"] as? String == report.summary.architecture)
    }

    /// The first elements of a long array, from the golden file's "head".
    private func readHead(_ golden: String, _ key: String) throws -> [String]? {
        let data = try Golden.data("gguf/\(golden).json")
        let root = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require(root["metadata"] as? [[String: Any]])
        return entries.first { $0["key"] as? String == key }?["head"] as? [String]
    }

    @Test func qwenSummary() throws {
        let report = try ModelReport(path: TestModel.qwen05b.path(), context: 4096)
        let s = report.summary
        let file = try GGUFFile(path: TestModel.qwen05b.path())
        #expect(s.architecture == "qwen2" && s.layerCount == 24 && s.headCount == 14 && s.kvHeadCount == 2)
        #expect(s.hiddenSize == 896 && s.ffnSize == 4864 && s.contextLength == 32768 && s.keyLength == 64)
        #expect(s.vocabularySize == 151_936 && s.hasChatTemplate && !s.tiedEmbeddings)
        #expect(s.rope.freqBase == 1_000_000)
        #expect(s.specialTokens.first { $0.role == "eos" }?.text == "<|im_end|>")
        #expect(s.tensorTypes.map(\.type).sorted() == ["F32", "Q4_K", "Q5_0", "Q6_K", "Q8_0"])
        #expect(s.tensorTypes.reduce(0) { $0 + $1.tensors } == file.tensors.count)
        // f16 KV cache: 2 (K and V) × 24 layers × 4096 positions × 2 KV heads × 64 dims × 2 bytes.
        #expect(report.kvCacheBytes == 2 * 24 * 4096 * 2 * 64 * 2)
        #expect(report.memoryBytes == report.kvCacheBytes! + file.tensors.reduce(0) { $0 + $1.byteCount })
    }

    @Test func huggingFaceFolderReport() throws {
        let report = try ModelReport(path: Golden.url("hf/llama-bf16-sharded").path, context: 1024)
        #expect(report.metadata == nil && report.tensors.count == 5)
        #expect(report.summary.format == "huggingface" && report.summary.tiedEmbeddings)
        #expect(report.summary.rope.scalingType == "llama3" && report.summary.rope.scalingFactor == 8)
        #expect(report.kvCacheBytes == 2 * 1 * 1024 * 2 * 4 * 2)
        let viaConfig = try ModelReport(path: Golden.url("hf/llama-bf16-sharded/config.json").path, context: 1024)
        #expect(viaConfig.summary == report.summary)
    }
}
