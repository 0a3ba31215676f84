import Foundation
import LAMJSON
import LAMModelFiles
import LAMModels
import LAMTemplates
import LAMTokenizer
import LAMToolCalling

/// Everything a chat request needs from one model (a GGUF file or a Hugging Face folder): the network, its
/// tokenizer, its chat template, the call format the template teaches, the tokens that end a turn, and (built on
/// first use, then shared) the vocabulary constrained decoding walks.
public final class LoadedModel: Sendable {
    public let path: String
    public let languageModel: any LanguageModel
    public let tokenizer: Tokenizer
    /// nil when the model ships no chat template (such a model can only continue raw prompts).
    public let chatTemplate: ChatTemplate?
    /// The call format detected from the template; nil when the template shows none (callers may override).
    public let detectedToolCallFormat: ToolCallFormat?
    /// Token ids that end generation (`tokenizer.endOfGenerationTokens`, and for Hugging Face folders the
    /// `eos_token_id`s of config.json and generation_config.json).
    public let stopTokens: Set<Int>
    private let vocabularyCache = Mutex<TokenVocabulary?>(nil)

    public init(path: String, languageModel: any LanguageModel, tokenizer: Tokenizer, chatTemplate: ChatTemplate?,
                additionalStopTokens: Set<Int> = []) {
        self.path = path
        self.languageModel = languageModel
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        detectedToolCallFormat = chatTemplate.flatMap { ToolCallFormat.detect(chatTemplate: $0.source) }
        stopTokens = Set(tokenizer.endOfGenerationTokens.map(Int.init)).union(additionalStopTokens)
    }

    /// Loads a model: a GGUF file (weights, tokenizer and chat template from its metadata) or a Hugging Face
    /// folder (config.json, safetensors weights, tokenizer.json, and the chat template from chat_template.jinja
    /// or tokenizer_config.json). `options` may quantize float weights at load time.
    public static func load(path: String, options: ModelLoadOptions = ModelLoadOptions()) throws(EngineError)
        -> LoadedModel
    {
        if ModelLoader.isDirectory(path) { return try loadFolder(path: path, options: options) }
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw .model("\(path): \(error)")
        }
        let languageModel: any LanguageModel
        let tokenizer: Tokenizer
        do {
            languageModel = try ModelLoader.load(path: path, options: options)
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

    private static func loadFolder(path: String, options: ModelLoadOptions) throws(EngineError) -> LoadedModel {
        let folder: HFModelFolder
        let languageModel: any LanguageModel
        do {
            folder = try HFModelFolder(path: path)
            languageModel = try ModelLoader.load(folder, options: options)
        } catch {
            throw .model("\(path): \(error)")
        }
        guard let tokenizerJSON = folder.tokenizerJSON else { throw .model("\(path): no tokenizer.json") }
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(tokenizerJSON: URL(fileURLWithPath: tokenizerJSON))
        } catch {
            throw .model("\(tokenizerJSON): \(error)")
        }
        // transformers prefers chat_template.jinja over the template inside tokenizer_config.json.
        var template: ChatTemplate?
        do {
            if let file = folder.chatTemplateFile {
                let text = { (id: Int32?) in id.map { tokenizer.decode([$0]) } }
                let source = try ChatTemplate(contentsOf: URL(fileURLWithPath: file)).source
                template = try ChatTemplate(source: source, bosToken: text(tokenizer.bosToken),
                                            eosToken: text(tokenizer.eosToken))
            } else if let config = folder.tokenizerConfig, folder.hasChatTemplate {
                template = try ChatTemplate(contentsOf: URL(fileURLWithPath: config))
            }
        } catch {
            throw .template("\(path): chat template: \(error)")
        }
        let eos = folder.config.eosTokenIDs + (folder.generationConfig?.eosTokenIDs ?? [])
        return LoadedModel(path: path, languageModel: languageModel, tokenizer: tokenizer, chatTemplate: template,
                           additionalStopTokens: Set(eos))
    }

    /// The tokens of a raw prompt, as a Hugging Face tokenizer called on the text gives them: a BOS token first
    /// when the tokenizer adds one, special-token text (`<|im_start|>`) recognized.
    public func rawPromptTokens(_ text: String) -> [Int] {
        var tokens = tokenizer.encode(text, specialTokens: .recognize).map(Int.init)
        if tokenizer.addBOS, let bos = tokenizer.bosToken, tokens.first != Int(bos) { tokens.insert(Int(bos), at: 0) }
        return tokens
    }

    /// The tokens of one user message rendered with the chat template and the generation prompt.
    public func chatPromptTokens(_ userMessage: String) throws(EngineError) -> [Int] {
        guard let chatTemplate else { throw .invalidRequest("\(path) has no chat template") }
        let message: JSONValue = ["role": "user", "content": .string(userMessage)]
        return try PromptBuilder(template: chatTemplate, tokenizer: tokenizer).build(messages: [message]).tokens
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
