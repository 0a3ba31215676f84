import Foundation
import LAMEngine
import LAMModels
import LAMTestSupport
import LAMTokenizer
import Testing

/// `LoadedModel` on Hugging Face folders (the tiny models of scripts/golden/tiny_hf_models.py): the prompt
/// tokens that `lam generate -p` and `--chat` feed the model must be those transformers' tokenizer and
/// `apply_chat_template` give, and the stop tokens must include the folder's end-of-generation ids.
struct HFFolderModelTests {
    struct Golden: Decodable {
        struct Sequence: Decodable {
            let name: String
            let text: String?
            let tokens: [Int]
        }
        let sequences: [Sequence]
    }

    static func golden(_ name: String) throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: LAMTestSupport.Golden.data("hf-models/\(name).logits.json"))
    }

    @Test(arguments: ["qwen2-f16", "llama-bf16"])
    func promptsTokenizeLikeTransformers(model name: String) throws {
        let loaded = try LoadedModel.load(path: LAMTestSupport.Golden.url("hf-models/\(name)").path)
        #expect(loaded.chatTemplate != nil)
        for sequence in try Self.golden(name).sequences {
            guard let text = sequence.text else { continue }
            if sequence.name == "chat" {
                #expect(try loaded.chatPromptTokens(text) == sequence.tokens, "\(name) chat")
            } else {
                #expect(loaded.rawPromptTokens(text) == sequence.tokens, "\(name) \(sequence.name)")
            }
        }
    }

    @Test func stopTokensComeFromTokenizerAndConfig() throws {
        let loaded = try LoadedModel.load(path: LAMTestSupport.Golden.url("hf-models/llama-bf16").path)
        let ids = ["<|end_of_text|>", "<|eot_id|>"].map { Int(loaded.tokenizer.tokenID(forText: $0)!) }
        #expect(Set(ids).isSubset(of: loaded.stopTokens))
    }

    /// What `lam generate --quantize q8_0 --chat` runs: greedy generation streams the same text as decoding the
    /// tokens at the end.
    @Test func generatesFromAQuantizedFolder() throws {
        let loaded = try LoadedModel.load(path: LAMTestSupport.Golden.url("hf-models/qwen2-f16").path,
                                          options: ModelLoadOptions(quantization: .q8_0))
        var generator = Generator(model: loaded.languageModel, stop: StopConditions(maxTokens: 12, tokens: loaded.stopTokens))
        var decoder = StreamingDecoder(tokenizer: loaded.tokenizer)
        var streamed = ""
        let result = try generator.generate(prompt: try loaded.chatPromptTokens("Weather in Berlin?")) { token in
            streamed += decoder.append(Int32(token))
            return true
        }
        streamed += decoder.finish()
        #expect(!result.tokens.isEmpty)
        #expect(streamed == loaded.tokenizer.decode(result.tokens.map(Int32.init)))
    }
}
