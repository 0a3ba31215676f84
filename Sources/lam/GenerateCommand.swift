import ArgumentParser
import Foundation
import LAMEngine
import LAMKernels
import LAMModels
import LAMTokenizer

/// Sampling flags shared by the commands that generate text.
struct SamplingOptions: ParsableArguments {
    @Option(help: "Sampling temperature; 0 is greedy.") var temperature: Float = 0
    @Option(name: .customLong("top-k"), help: "Keep the k most likely tokens (0: all).") var topK: Int = 0
    @Option(name: .customLong("top-p"), help: "Nucleus sampling threshold (1: off).") var topP: Float = 1
    @Option(name: .customLong("min-p"), help: "Drop tokens below min-p × the top probability (0: off).") var minP: Float = 0
    @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty (1: off).") var repeatPenalty: Float = 1
    @Option(name: .customLong("presence-penalty"), help: "Presence penalty (0: off).") var presencePenalty: Float = 0
    @Option(name: .customLong("frequency-penalty"), help: "Frequency penalty (0: off).") var frequencyPenalty: Float = 0
    @Option(name: .customLong("repeat-last-n"), help: "Tokens the penalties look back over.") var repeatLastN: Int = 64
    @Option(help: "Random seed, for reproducible sampling.") var seed: UInt64?

    var parameters: SamplingParameters {
        var p = SamplingParameters()
        p.temperature = temperature
        p.topK = topK
        p.topP = topP
        p.minP = minP
        p.repetitionPenalty = repeatPenalty
        p.presencePenalty = presencePenalty
        p.frequencyPenalty = frequencyPenalty
        p.penaltyWindow = repeatLastN
        p.seed = seed
        return p
    }
}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with a model, streaming the output.",
        discussion: """
            The prompt is raw text (-p; a BOS token is added when the tokenizer adds one), a user message rendered \
            with the model's chat template (-p with --chat), or token ids (--prompt-ids). The continuation is \
            printed as it is generated; a line of timings follows on standard error. Generation ends at the \
            model's end-of-generation tokens, a --stop-id, or --max-tokens.
            """)

    @Option(name: .shortAndLong, help: "A GGUF model file or a Hugging Face model folder (config.json + safetensors).")
    var model: String
    @Option(name: .shortAndLong, help: "The prompt text.") var prompt: String?
    @Option(name: .customLong("prompt-ids"), help: "The prompt as comma-separated token ids, e.g. 1,2,3.")
    var promptIDs: String?
    @Flag(help: "Render the prompt as one user message with the chat template, with the generation prompt.")
    var chat = false
    @Option(name: .customLong("max-tokens"), help: "Most tokens to generate.") var maxTokens: Int = 128
    @Option(name: .customLong("stop-id"), help: "Token id that ends generation (repeatable).") var stopIDs: [Int] = []
    @Flag(name: .customLong("ignore-eos"), help: "Do not stop at the model's end-of-generation tokens.")
    var ignoreEOS = false
    @Option(name: .customLong("ctx-size"), help: "Context (KV cache) size; default: the model's.") var contextSize: Int?
    @Option(name: .customLong("kv-type"), help: "KV cache precision: f16 or f32.") var kvType: KVPrecision = .f16
    @Option(help: "Re-encode float (F32/F16/BF16) weights at load time: q8_0. Default: use them as stored.")
    var quantize: WeightQuantization?
    @OptionGroup var sampling: SamplingOptions

    func validate() throws {
        guard (prompt == nil) != (promptIDs == nil) else { throw ValidationError("give either --prompt or --prompt-ids") }
        if chat && prompt == nil { throw ValidationError("--chat needs --prompt") }
    }

    func run() throws {
        let clock = ContinuousClock()
        let loadStart = clock.now
        let loaded = try LoadedModel.load(path: model, options: ModelLoadOptions(quantization: quantize))
        let loadSeconds = (clock.now - loadStart).inSeconds
        let tokens: [Int]
        if let promptIDs {
            tokens = try promptIDs.split(separator: ",").map { part -> Int in
                guard let id = Int(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--prompt-ids: '\(part)' is not a token id")
                }
                return id
            }
        } else if chat {
            tokens = try loaded.chatPromptTokens(prompt!)
        } else {
            tokens = loaded.rawPromptTokens(prompt!)
        }
        let stop = Set(stopIDs).union(ignoreEOS ? [] : loaded.stopTokens)
        var generator = Generator(model: loaded.languageModel, sampler: Sampler(sampling.parameters),
                                  stop: StopConditions(maxTokens: maxTokens, tokens: stop))
        let cache = loaded.languageModel.makeCache(capacity: contextSize, precision: kvType)
        var decoder = StreamingDecoder(tokenizer: loaded.tokenizer)
        let result = try generator.generate(prompt: tokens, cache: cache) { token in
            FileHandle.standardOutput.write(Data(decoder.append(Int32(token)).utf8))
            return true
        }
        FileHandle.standardOutput.write(Data((decoder.finish() + "\n").utf8))
        FileHandle.standardError.write(Data((String(
            format: "load: %.2f s; prompt: %d tokens, %.1f tok/s; generated %d tokens, %.1f tok/s; stop: %@\n",
            loadSeconds, result.promptTokens, result.promptTokensPerSecond, result.tokens.count,
            result.generationTokensPerSecond, result.finishReason.rawValue)).utf8))
    }
}

extension KVPrecision: ExpressibleByArgument {}
extension WeightQuantization: ExpressibleByArgument {}
