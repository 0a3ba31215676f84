import LAMModelFiles
import LAMTestSupport
import LAMTokenizer

/// The tokenizers of the test models, loaded from their GGUF files once per test run.
enum TokenizerLoading {
    static let models: [String: TestModel] = ["qwen05b": .qwen05b, "qwen15b": .qwen15b, "smollm2": .smollm2]

    private static let loaded: [String: Result<Tokenizer, any Error>] = models.mapValues { model in
        Result { try Tokenizer(gguf: GGUFFile(path: model.path())) }
    }

    /// `name` is the golden files' name for the model (qwen05b, qwen15b, smollm2).
    static func tokenizer(for name: String) throws -> Tokenizer {
        try loaded[name]!.get()
    }
}
