import ArgumentParser
import Foundation
import LAMModelFiles

/// `lam inspect PATH`: what a GGUF file or Hugging Face folder holds, and the memory it needs.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model's architecture, sizes, tokenizer essentials, tensor types and memory needs.",
        discussion: """
            PATH is a GGUF file or a Hugging Face folder (safetensors weights with config.json). Memory is the \
            weights plus an f16 KV cache of --ctx positions.

            --json prints the same as JSON, plus (GGUF) every metadata key and (both) every tensor's name, \
            shape, type, offset and size. Metadata arrays longer than \(ModelReport.fullArrayLimit) elements \
            are summarized: "length" gives their size, "value" their first \(ModelReport.summaryPrefix) \
            elements, and "summarized" is true.
            """
    )

    @Argument(help: "A .gguf file or a Hugging Face model folder.")
    var path: String

    @Option(name: .customLong("ctx"), help: "Context length for the KV-cache memory estimate.")
    var context: Int = 4096

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard context > 0 else { throw ValidationError("--ctx must be positive") }
    }

    func run() throws {
        let report = try ModelReport(path: path, context: context)
        print(json ? report.jsonText() : InspectText(report: report).render())
    }
}

/// The human-readable form of a `ModelReport`.
struct InspectText {
    let report: ModelReport

    func render() -> String {
        let s = report.summary
        var rows: [(String, String)] = []
        func row(_ label: String, _ value: String?) { if let value { rows.append((label, value)) } }

        let format = report.ggufVersion.map { "GGUF v\($0)" } ?? "Hugging Face folder (safetensors)"
        row("name", s.name)
        row("architecture", s.architecture)
        row("parameters", "\(Self.millions(s.parameterCount)) (\(s.parameterCount))")
        row("layers", s.layerCount.map(String.init))
        row("attention heads", s.headCount.map { heads in
            var text = "\(heads)"
            if let kv = s.kvHeadCount { text += ", KV heads \(kv)" }
            if let k = s.keyLength { text += ", head dim \(k)" + (s.valueLength.map { $0 == k ? "" : "/\($0)" } ?? "") }
            return text
        })
        row("hidden size", s.hiddenSize.map(String.init))
        row("FFN size", s.ffnSize.map(String.init))
        row("context length", s.contextLength.map(String.init))
        row("RoPE", rope(s.rope))
        row("vocabulary", s.vocabularySize.map { "\($0) tokens" + (s.tokenizerModel.map { " (\($0))" } ?? "") })
        row("special tokens", s.specialTokens.isEmpty ? "none" : s.specialTokens.map { token in
            "\(token.role) \(token.id.map(String.init) ?? "?")" + (token.text.map { " \(Self.quoted($0))" } ?? "")
        }.joined(separator: ", "))
        row("chat template", s.hasChatTemplate ? "yes" : "no")
        row("output layer", s.tiedEmbeddings ? "tied to token embeddings" : "separate")
        row("tensor types", s.tensorTypes.map { "\($0.type) ×\($0.tensors) (\(Self.bytes($0.bytes)))" }.joined(separator: ", "))
        row("file size", "\(Self.bytes(s.fileSize)) (\(s.fileSize) bytes)")
        row("weights", Self.bytes(s.weightBytes))
        if let kv = report.kvCacheBytes, let total = report.memoryBytes {
            row("memory @ ctx \(report.context)", "\(Self.bytes(total)) (weights \(Self.bytes(s.weightBytes)) + f16 KV cache \(Self.bytes(kv)))")
        }

        let width = rows.map(\.0.count).max() ?? 0
        let header = "\(s.path)  [\(format), \(report.tensors.count) tensors]"
        return ([header] + rows.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 })
            .joined(separator: "\n")
    }

    private func rope(_ rope: ModelSummary.Rope) -> String {
        var parts: [String] = []
        if let base = rope.freqBase { parts.append("freq base \(Self.number(base))") }
        if let dims = rope.dimensionCount { parts.append("\(dims) dims") }
        if let type = rope.scalingType, type != "none" {
            var scaling = "scaling \(type)"
            if let factor = rope.scalingFactor { scaling += " ×\(Self.number(factor))" }
            if let original = rope.originalContextLength { scaling += " from \(original)" }
            parts.append(scaling)
        } else {
            parts.append("no scaling")
        }
        return parts.joined(separator: ", ")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func millions(_ count: Int) -> String {
        count >= 1_000_000_000 ? String(format: "%.2f B", Double(count) / 1e9) : String(format: "%.1f M", Double(count) / 1e6)
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// The token text with control characters escaped, so it prints on one line.
    static func quoted(_ text: String) -> String {
        let escaped = text.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\n": "\\n"
            case "\t": "\\t"
            case "\"": "\\\""
            default: scalar.value < 0x20 ? String(format: "\\u%04x", scalar.value) : String(scalar)
            }
        }.joined()
        return "\"\(escaped)\""
    }
}
