import ArgumentParser
import Foundation
import LAMKernels
import LAMModels

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
        abstract: "Continue a raw prompt with a model, streaming the output.")

    @Option(name: .shortAndLong, help: "Path to a GGUF model file.") var model: String
    @Option(name: .customLong("prompt-ids"), help: "The prompt as comma-separated token ids, e.g. 1,2,3.")
    var promptIDs: String
    @Option(name: .customLong("max-tokens"), help: "Most tokens to generate.") var maxTokens: Int = 128
    @Option(name: .customLong("stop-id"), help: "Token id that ends generation (repeatable).") var stopIDs: [Int] = []
    @Option(name: .customLong("ctx-size"), help: "Context (KV cache) size; default: the model's.") var contextSize: Int?
    @Option(name: .customLong("kv-type"), help: "KV cache precision: f16 or f32.") var kvType: KVPrecision = .f16
    @OptionGroup var sampling: SamplingOptions

    func run() throws {
        let prompt = try promptIDs.split(separator: ",").map { part -> Int in
            guard let id = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--prompt-ids: '\(part)' is not a token id")
            }
            return id
        }
        let languageModel = try ModelLoader.load(path: model)
        var generator = Generator(model: languageModel, sampler: Sampler(sampling.parameters),
                                  stop: StopConditions(maxTokens: maxTokens, tokens: Set(stopIDs)))
        let cache = languageModel.makeCache(capacity: contextSize, precision: kvType)
        let result = try generator.generate(prompt: prompt, cache: cache) { token in
            FileHandle.standardOutput.write(Data("\(token) ".utf8))
            return true
        }
        print()
        FileHandle.standardError.write(Data((String(
            format: "prompt: %d tokens, %.1f tok/s; generated %d tokens, %.1f tok/s; stop: %@\n",
            result.promptTokens, result.promptTokensPerSecond, result.tokens.count,
            result.generationTokensPerSecond, result.finishReason.rawValue)).utf8))
    }
}

extension KVPrecision: ExpressibleByArgument {}
