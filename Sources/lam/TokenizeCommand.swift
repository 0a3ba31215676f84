import ArgumentParser
import Foundation
import LAMJSON
import LAMModelFiles
import LAMTokenizer

/// `lam tokenize`: the model's tokenizer on the command line, like llama.cpp's `llama-tokenize`.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of a text, or with --decode the text of token ids.",
        discussion: """
            Examples:
              lam tokenize -m model.gguf "Hello world"
              lam tokenize -m model.gguf --special "<|im_start|>user"
              echo "[9707, 1879]" | lam tokenize -m model.gguf --decode -
            """)

    @Option(name: .shortAndLong, help: "A GGUF model file, or a tokenizer.json (or a folder holding one).")
    var model: String

    @Flag(help: "Turn special-token strings in TEXT (such as <|im_start|>) into special tokens. Without it they are plain text.")
    var special = false

    @Flag(help: "TEXT is token ids (separated by spaces or commas, brackets allowed): print their text.")
    var decode = false

    @Flag(help: "Print one token per line: its id and its text.")
    var pieces = false

    @Option(help: ArgumentHelp("Benchmark encoding: a JSONL file of strings (as Tests/Golden/tokenizer/corpus.jsonl).", visibility: .hidden))
    var benchmarkCorpus: String?

    @Option(help: ArgumentHelp("How long to run the benchmark, in seconds.", visibility: .hidden))
    var benchmarkSeconds: Double = 5

    @Argument(help: "The text (or ids with --decode); - reads standard input.")
    var text: String?

    func validate() throws {
        if benchmarkCorpus == nil && text == nil { throw ValidationError("Missing TEXT (use - to read standard input).") }
    }

    func run() throws {
        let tokenizer = try Self.loadTokenizer(model)
        if let benchmarkCorpus { return try benchmark(tokenizer, corpus: benchmarkCorpus) }
        let input = try text == "-" ? Self.readStandardInput() : text!
        if decode {
            print(tokenizer.decode(try Self.parseIDs(input)))
            return
        }
        let ids = tokenizer.encode(input, specialTokens: special ? .recognize : .plainText)
        if pieces {
            for id in ids {
                let piece = String(decoding: tokenizer.tokenBytes(id), as: UTF8.self)
                print("\(id) -> \(JSONValue.string(piece).compactJSON)")
            }
        } else {
            print("[" + ids.map(String.init).joined(separator: ", ") + "]")
        }
    }

    static func loadTokenizer(_ path: String) throws -> Tokenizer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("No such file: \(path)")
        }
        if isDirectory.boolValue {
            return try Tokenizer(tokenizerJSON: URL(fileURLWithPath: path).appendingPathComponent("tokenizer.json"))
        }
        if path.hasSuffix(".json") { return try Tokenizer(tokenizerJSON: URL(fileURLWithPath: path)) }
        return try Tokenizer(gguf: GGUFFile(path: path))
    }

    static func readStandardInput() throws -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    static func parseIDs(_ text: String) throws -> [Int32] {
        let separators = CharacterSet(charactersIn: "[], \t\r\n")
        return try text.components(separatedBy: separators).filter { !$0.isEmpty }.map { field in
            guard let id = Int32(field) else { throw ValidationError("Not a token id: \(field)") }
            return id
        }
    }

    /// Encodes the corpus once to warm the word cache (as Hugging Face's is warm after its first pass), then
    /// repeatedly for `benchmarkSeconds`, on this thread only; prints one line the bench script reads.
    private func benchmark(_ tokenizer: Tokenizer, corpus path: String) throws {
        let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self).split(separator: "\n")
        let strings = try lines.map { line in
            guard let string = try JSONValue(parsing: String(line)).stringValue else {
                throw ValidationError("\(path): a line is not a JSON string")
            }
            return string
        }
        let policy: SpecialTokenPolicy = special ? .recognize : .plainText
        let bytes = strings.reduce(0) { $0 + $1.utf8.count }
        var tokens = 0
        for string in strings { tokens += tokenizer.encode(string, specialTokens: policy).count }
        var passes = 0
        let clock = ContinuousClock()
        let start = clock.now
        var elapsed = Duration.zero
        repeat {
            for string in strings { _ = tokenizer.encode(string, specialTokens: policy) }
            passes += 1
            elapsed = clock.now - start
        } while elapsed < .seconds(benchmarkSeconds)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let megabytesPerSecond = Double(bytes * passes) / seconds / 1e6
        print(String(format: "swiftlam: %d strings, %d bytes, %d tokens per pass; %d passes in %.2f s: %.2f MB/s, %.0f tokens/s",
                     strings.count, bytes, tokens, passes, seconds, megabytesPerSecond, Double(tokens * passes) / seconds))
    }
}
