import ArgumentParser
import Foundation
import LAMKernels
import LAMModels

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prompt processing and generation speed (like llama-bench).",
        discussion: """
            Prompt processing evaluates a prompt of --prompt-tokens pseudo-random token ids in one go; generation \
            evaluates --gen-tokens tokens one at a time into a fresh cache. Each test runs --repetitions times; \
            the mean is printed, with the peak resident memory of the process.
            """)

    @Option(name: .shortAndLong, help: "Path to a GGUF model file.") var model: String
    @Option(name: [.customShort("p"), .customLong("prompt-tokens")], help: "Prompt length.") var promptTokens = 512
    @Option(name: [.customShort("n"), .customLong("gen-tokens")], help: "Tokens to generate.") var generatedTokens = 128
    @Option(name: [.customShort("r"), .customLong("repetitions")], help: "Runs per test.") var repetitions = 3
    @Option(name: .customLong("kv-type"), help: "KV cache precision: f16 or f32.") var kvType: KVPrecision = .f16

    func run() throws {
        let languageModel = try ModelLoader.load(path: model)
        let vocabulary = languageModel.configuration.vocabularySize
        var random = UInt64(12345)
        let prompt = (0..<promptTokens).map { _ -> Int in
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return Int((random >> 33) % UInt64(vocabulary))
        }
        let clock = ContinuousClock()
        var promptRates: [Double] = [], generationRates: [Double] = []
        for _ in 0..<repetitions {
            let cache = languageModel.makeCache(capacity: promptTokens, precision: kvType)
            let start = clock.now
            _ = try languageModel.evaluate(prompt, cache: cache, allLogits: false)
            promptRates.append(Double(promptTokens) / (clock.now - start).inSeconds)
        }
        for _ in 0..<repetitions {
            let cache = languageModel.makeCache(capacity: generatedTokens + 1, precision: kvType)
            var token = prompt[0]
            let start = clock.now
            for _ in 0..<generatedTokens {
                let logits = try languageModel.evaluate([token], cache: cache, allLogits: false)
                token = logits.indices.max { logits[$0] < logits[$1] }!
            }
            generationRates.append(Double(generatedTokens) / (clock.now - start).inSeconds)
        }
        let name = URL(fileURLWithPath: model).lastPathComponent
        print("model: \(name), threads: \(ThreadPool.shared.threadCount), KV cache: \(kvType.rawValue)")
        print(String(format: "pp%d: %.1f tok/s (runs: %@)", promptTokens, mean(promptRates), format(promptRates)))
        print(String(format: "tg%d: %.1f tok/s (runs: %@)", generatedTokens, mean(generationRates), format(generationRates)))
        print(String(format: "peak memory: %.0f MiB (model file %.0f MiB)", Double(peakResidentBytes()) / 1048576,
                     Double(fileSize(model)) / 1048576))
    }

    private func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(max(x.count, 1)) }
    private func format(_ x: [Double]) -> String { x.map { String(format: "%.1f", $0) }.joined(separator: ", ") }
    private func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}

/// The process's peak resident set size in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024  // kilobytes on Linux
    #else
    getrusage(RUSAGE_SELF, &usage)
    return usage.ru_maxrss  // bytes on macOS
    #endif
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
