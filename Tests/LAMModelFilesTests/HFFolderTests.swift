import Foundation
import LAMKernels
import LAMModelFiles
import LAMTestSupport
import Testing

/// Hugging Face folders written by scripts/golden/hf_folders.py with the `safetensors` package, checked against
/// what `safetensors.safe_open` and transformers' AutoConfig read from them.
@Suite struct HFFolderTests {
    struct Expected: Decodable {
        struct Config: Decodable {
            let architecture: String, model_type: String
            let hidden_size: Int, intermediate_size: Int, num_hidden_layers: Int
            let num_attention_heads: Int, num_key_value_heads: Int, head_dim: Int
            let vocab_size: Int, max_position_embeddings: Int
            let rms_norm_eps: Double, rope_theta: Double, rope_type: String
            let rope_factor: Double?, rope_low_freq_factor: Double?, rope_high_freq_factor: Double?
            let rope_original_max_position_embeddings: Int?
            let tie_word_embeddings: Bool, bos_token_id: Int?, eos_token_ids: [Int]
        }
        struct Generation: Decodable {
            let bos_token_id: Int?, eos_token_ids: [Int], pad_token_id: Int?, do_sample: Bool
            let temperature: Double, top_p: Double, top_k: Int, repetition_penalty: Double
        }
        struct Tensor: Decodable { let file: String, dtype: String, shape: [Int], values: String }
        let config: Config
        let generation: Generation?
        let tensors: [String: Tensor]
    }

    static let folders = ["qwen2-f32", "qwen2-f16-v5", "llama-bf16-sharded"]

    @Test(arguments: folders)
    func readsFolderLikeTheReferenceLibraries(name: String) throws {
        let all = try JSONDecoder().decode([String: Expected].self, from: Golden.data("hf/expected.json"))
        let expected = try #require(all[name])
        let folder = try HFModelFolder(path: Golden.url("hf/\(name)").path)

        let c = folder.config, e = expected.config
        #expect(c.architecture == e.architecture && c.modelType == e.model_type)
        #expect(c.hiddenSize == e.hidden_size && c.intermediateSize == e.intermediate_size)
        #expect(c.layerCount == e.num_hidden_layers && c.headCount == e.num_attention_heads)
        #expect(c.kvHeadCount == e.num_key_value_heads && c.headDim == e.head_dim)
        #expect(c.vocabSize == e.vocab_size && c.contextLength == e.max_position_embeddings)
        #expect(c.rmsNormEps == e.rms_norm_eps && c.ropeTheta == e.rope_theta)
        #expect((c.ropeScaling?.type ?? "default") == e.rope_type)
        #expect(c.ropeScaling?.factor == e.rope_factor)
        #expect(c.ropeScaling?.lowFrequencyFactor == e.rope_low_freq_factor)
        #expect(c.ropeScaling?.highFrequencyFactor == e.rope_high_freq_factor)
        #expect(c.ropeScaling?.originalContextLength == e.rope_original_max_position_embeddings)
        #expect(c.tieWordEmbeddings == e.tie_word_embeddings)
        #expect(c.bosTokenID == e.bos_token_id && c.eosTokenIDs == e.eos_token_ids)

        if let g = expected.generation {
            let gen = try #require(folder.generationConfig)
            #expect(gen.bosTokenID == g.bos_token_id && gen.eosTokenIDs == g.eos_token_ids && gen.padTokenID == g.pad_token_id)
            #expect(gen.doSample == g.do_sample && gen.temperature == g.temperature && gen.topP == g.top_p)
            #expect(gen.topK == g.top_k && gen.repetitionPenalty == g.repetition_penalty)
        } else {
            #expect(folder.generationConfig == nil)
        }

        #expect(Set(folder.tensors.map(\.info.name)) == Set(expected.tensors.keys))
        for (tensorName, want) in expected.tensors {
            let tensor = try #require(folder.tensor(named: tensorName))
            #expect(URL(fileURLWithPath: tensor.file.path).lastPathComponent == want.file)
            #expect(tensor.info.dtype.rawValue == want.dtype && tensor.info.shape == want.shape, "\(tensorName)")
            let type = try #require(tensor.info.dtype.ggmlType)
            let values = try dequantize(type, tensor.bytes)
            let wanted = try #require(Data(base64Encoded: want.values)).withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
            #expect(values.map(\.bitPattern) == wanted, "\(tensorName) values")
        }
    }

    @Test func findsTokenizerAndTemplateFiles() throws {
        let sharded = try HFModelFolder(path: Golden.url("hf/llama-bf16-sharded").path)
        #expect(sharded.tokenizerJSON?.hasSuffix("tokenizer.json") == true)
        #expect(sharded.chatTemplateFile?.hasSuffix("chat_template.jinja") == true)
        #expect(sharded.hasChatTemplate && sharded.weightFiles.count == 2)
        let inConfig = try HFModelFolder(path: Golden.url("hf/qwen2-f32").path)
        #expect(inConfig.chatTemplateFile == nil && inConfig.hasChatTemplate)
        #expect(inConfig.tokenizerConfig != nil && inConfig.tokenizerJSON == nil)
        #expect(inConfig.weightFiles[0].metadata == ["format": "pt"])
        let none = try HFModelFolder(path: Golden.url("hf/qwen2-f16-v5").path)
        #expect(!none.hasChatTemplate)
    }

    // MARK: - config.json variants and errors

    private func config(_ json: String) throws(ModelFileError) -> HFModelConfig {
        try HFModelConfig(json: Array(json.utf8))
    }

    private let minimal = #""architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100, "max_position_embeddings": 512"#

    @Test func configDefaults() throws {
        let c = try config("{\(minimal)}")
        #expect(c.kvHeadCount == 4 && c.headDim == 16 && c.ropeTheta == 10_000 && c.ropeScaling == nil)
        #expect(!c.tieWordEmbeddings && !c.attentionBias && c.eosTokenIDs == [] && c.modelType == "llama")
    }

    @Test func configLegacyRopeScalingTypeKey() throws {
        let c = try config(#"{\#(minimal), "rope_scaling": {"type": "linear", "factor": 2}}"#)
        #expect(c.ropeScaling == RopeScaling(type: "linear", factor: 2))
    }

    @Test func configErrors() {
        #expect(throws: ModelFileError.unsupportedArchitecture("MistralForCausalLM")) {
            try config(#"{"architectures": ["MistralForCausalLM"]}"#)
        }
        #expect(throws: ModelFileError.missingConfigValue(key: "architectures", file: "config.json")) { try config("{}") }
        #expect(throws: ModelFileError.missingConfigValue(key: "hidden_size", file: "config.json")) {
            try config(#"{"architectures": ["Qwen2ForCausalLM"]}"#)
        }
        #expect(throws: ModelFileError.invalidJSON(what: "config.json", reason: "'num_hidden_layers' must be an integer, found a string", offset: nil)) {
            try config(#"{\#(minimal.replacingOccurrences(of: "\"num_hidden_layers\": 2", with: "\"num_hidden_layers\": \"2\""))}"#)
        }
        #expect(throws: ModelFileError.invalidJSON(what: "config.json", reason: "'num_key_value_heads' must be a positive integer, found an integer", offset: nil)) {
            try config(#"{\#(minimal), "num_key_value_heads": 0}"#)
        }
        #expect(throws: ModelFileError.self) { try config(#"{\#(minimal), "num_key_value_heads": 3}"#) }
        #expect(throws: ModelFileError.self) { try config("{\"architectures\": [") }
        #expect(throws: ModelFileError.self) { try config("[]") }
    }

    // MARK: - Folder errors

    private func makeFolder(_ files: [String: [UInt8]]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlam-hf-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        return dir
    }

    @Test func folderErrors() throws {
        let config = Array("{\(minimal)}".utf8)
        let weights = SafetensorsBuilder(tensors: [("a", "F32", [2], 0, 8)], dataSize: 8).build()

        #expect(throws: ModelFileError.cannotOpen(path: "/nonexistent", reason: "not a directory")) {
            try HFModelFolder(path: "/nonexistent")
        }
        var dir = try makeFolder(["model.safetensors": weights])
        #expect(throws: ModelFileError.missingFile(dir.appendingPathComponent("config.json").path)) {
            try HFModelFolder(path: dir.path)
        }
        dir = try makeFolder(["config.json": config])
        #expect(throws: ModelFileError.missingFile(dir.appendingPathComponent("model.safetensors").path)) {
            try HFModelFolder(path: dir.path)
        }
        let index = Array(#"{"weight_map": {"a": "model-1.safetensors", "b": "model-2.safetensors"}}"#.utf8)
        dir = try makeFolder(["config.json": config, "model.safetensors.index.json": index, "model-1.safetensors": weights])
        #expect(throws: ModelFileError.missingFile(dir.appendingPathComponent("model-2.safetensors").path)) {
            try HFModelFolder(path: dir.path)
        }
        dir = try makeFolder(["config.json": config, "model.safetensors.index.json": index,
                              "model-1.safetensors": weights, "model-2.safetensors": weights])
        #expect(throws: ModelFileError.invalidJSON(what: "model.safetensors.index.json", reason: "tensor 'a' is in model-2.safetensors but the index says model-1.safetensors", offset: nil)) {
            try HFModelFolder(path: dir.path)
        }
        let escape = Array(#"{"weight_map": {"a": "../model-1.safetensors"}}"#.utf8)
        dir = try makeFolder(["config.json": config, "model.safetensors.index.json": escape])
        #expect(throws: ModelFileError.self) { try HFModelFolder(path: dir.path) }
        let ints = SafetensorsBuilder(tensors: [("a", "I32", [2], 0, 8)], dataSize: 8).build()
        dir = try makeFolder(["config.json": config, "model.safetensors": ints])
        #expect(throws: ModelFileError.unknownDType("I32", tensor: "a", offset: ints.count - 8)) { try HFModelFolder(path: dir.path) }
    }
}
