import Foundation
import LAMModelFiles
import LAMModels
import LAMTemplates
import LAMTokenizer
import LAMToolCalling

/// Everything a chat request needs from one model file: the network, its tokenizer, its chat template, the call
/// format the template teaches, the tokens that end a turn, and (built on first use, then shared) the vocabulary
/// constrained decoding walks.
public final class LoadedModel: Sendable {
    public let path: String
    public let languageModel: any LanguageModel
    public let tokenizer: Tokenizer
    /// nil when the file carries no `tokenizer.chat_template` (such a model can only continue raw prompts).
    public let chatTemplate: ChatTemplate?
    /// The call format detected from the template; nil when the template shows none (callers may override).
    public let detectedToolCallFormat: ToolCallFormat?
    /// Token ids that end generation (`tokenizer.endOfGenerationTokens`).
    public let stopTokens: Set<Int>
    private let vocabularyCache = Mutex<TokenVocabulary?>(nil)

    public init(path: String, languageModel: any LanguageModel, tokenizer: Tokenizer, chatTemplate: ChatTemplate?) {
        self.path = path
        self.languageModel = languageModel
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        detectedToolCallFormat = chatTemplate.flatMap { ToolCallFormat.detect(chatTemplate: $0.source) }
        stopTokens = Set(tokenizer.endOfGenerationTokens.map(Int.init))
    }

    /// Loads a GGUF model file: weights, tokenizer and chat template from its metadata.
    public static func load(path: String) throws(EngineError) -> LoadedModel {
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw .model("\(path): \(error)")
        }
        let languageModel: any LanguageModel
        let tokenizer: Tokenizer
        do {
            languageModel = try ModelLoader.load(path: path)
        } catch {
            throw .model("\(path): \(error)")
        }
        do {
            tokenizer = try Tokenizer(gguf: file)
        } catch {
            throw .model("\(path): tokenizer: \(error)")
        }
        var template: ChatTemplate?
        if let source = file.metadata.string("tokenizer.chat_template") {
            let text = { (id: Int32?) in id.map { tokenizer.decode([$0]) } }
            do {
                template = try ChatTemplate(source: source, bosToken: text(tokenizer.bosToken), eosToken: text(tokenizer.eosToken))
            } catch {
                throw .template("\(path): chat template: \(error)")
            }
        }
        return LoadedModel(path: path, languageModel: languageModel, tokenizer: tokenizer, chatTemplate: template)
    }

    /// The vocabulary as constrained decoding sees it, one entry per logit (the model's vocabulary may be larger
    /// than the tokenizer's: the extra ids stay empty, so they are never allowed). Special tokens are empty too;
    /// the stop tokens are the end-of-sequence ids. Built once (about a second for 150k tokens), then shared.
    public var vocabulary: TokenVocabulary {
        vocabularyCache.withLock { cached in
            if let cached { return cached }
            let size = languageModel.configuration.vocabularySize
            let bytes = (0..<size).map { id -> [UInt8] in
                let id = Int32(id)
                return tokenizer.isSpecial(id) ? [] : tokenizer.tokenBytes(id)
            }
            let built = TokenVocabulary(tokenBytes: bytes, endOfSequenceIDs: stopTokens.sorted())
            cached = built
            return built
        }
    }
}

/// What can go wrong serving a request, named for the user.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    case model(String)
    case template(String)
    /// The request itself is unusable (bad tools, a schema that cannot be decoded, no chat template, …).
    case invalidRequest(String)
    case inference(String)

    public var description: String {
        switch self {
        case .model(let text): "model: \(text)"
        case .template(let text): "template: \(text)"
        case .invalidRequest(let text): "invalid request: \(text)"
        case .inference(let text): "inference: \(text)"
        }
    }
}

/// A value guarded by a lock (Foundation's `NSLock`; `Synchronization.Mutex` needs newer deployment targets).
final class Mutex<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
