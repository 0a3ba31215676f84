import Foundation
import LAMJSON
import LAMTemplates
import LAMTokenizer

/// A rendered, tokenized prompt.
public struct Prompt: Sendable, Equatable {
    /// The text the chat template rendered (with the real message contents).
    public var text: String
    public var tokens: [Int]
    /// True when message contents were tokenized as plain text (cannot forge special tokens). False only when
    /// the template transforms contents beyond recognition (see `PromptBuilder`): then the whole text was
    /// tokenized with special tokens recognized.
    public var contentIsolated: Bool
}

extension Prompt {
    /// A prompt that is already finished text (a raw completion prompt, as BFCL's handlers and
    /// `/v1/completions` send): encoded whole with special tokens recognized, after the BOS token when the
    /// tokenizer wants one and the text does not begin with it. Run it with `Engine.stream(_:prompt:)`; the
    /// request then only supplies tools, decoding settings and limits.
    public init(rawText text: String, tokenizer: Tokenizer) {
        var tokens = tokenizer.encode(text, specialTokens: .recognize).map(Int.init)
        if tokenizer.addBOS, let bos = tokenizer.bosToken, tokens.first != Int(bos) { tokens.insert(Int(bos), at: 0) }
        self.init(text: text, tokens: tokens, contentIsolated: false)
    }
}

/// Turns messages and tools into prompt tokens through the model's chat template, so that the template's own
/// text gets its special tokens (`<|im_start|>`) while text supplied by users and tools never does.
///
/// How: the template is rendered twice, once with each message's `content` replaced by a unique sentinel and
/// once with the real contents. The sentinel rendering splits into template parts (encoded with special tokens
/// recognized) and content slots; the real rendering tells what each slot became (the content as given, or
/// trimmed, as templates with `| trim` do), and that text is encoded as plain text. When a slot's text cannot be
/// matched this way (a template that upper-cases or slices content, or drops the sentinel's characters), the
/// builder falls back to encoding the whole real rendering with special tokens recognized and says so in
/// `Prompt.contentIsolated`.
///
/// Token boundaries: the text between two of the template's special tokens is encoded in one piece, contents
/// included, so the ids equal those of encoding the whole text with special tokens recognized, except where a
/// content spells a special token (it stays plain text). Special tokens that swallow neighbouring whitespace
/// (`lstrip`/`rstrip` added tokens) do so only on the template's side.
public struct PromptBuilder: Sendable {
    public let template: ChatTemplate
    public let tokenizer: Tokenizer

    public init(template: ChatTemplate, tokenizer: Tokenizer) {
        self.template = template
        self.tokenizer = tokenizer
    }

    public func build(messages: [JSONValue], tools: [JSONValue]? = nil, addGenerationPrompt: Bool = true,
                      variables: OrderedDictionary<String, JSONValue> = [:]) throws(EngineError) -> Prompt {
        let text = try render(messages, tools, addGenerationPrompt, variables)
        var prefix: [Int] = []
        if tokenizer.addBOS, let bos = tokenizer.bosToken, !text.hasPrefix(tokenizer.decode([bos])) {
            prefix = [Int(bos)]
        }
        var contents: [String] = []
        var masked = messages
        for index in masked.indices {
            // Empty content cannot inject anything, and templates test it (`if message.content`): leave it be.
            guard case .object(var fields) = masked[index], case .string(let content)? = fields["content"],
                  !content.isEmpty else { continue }
            fields["content"] = .string(Self.sentinel(contents.count))
            contents.append(content)
            masked[index] = .object(fields)
        }
        if let tokens = try isolatedTokens(text: text, masked: masked, contents: contents, tools, addGenerationPrompt,
                                           variables) {
            return Prompt(text: text, tokens: prefix + tokens, contentIsolated: true)
        }
        return Prompt(text: text, tokens: prefix + encode(text, .recognize), contentIsolated: contents.isEmpty)
    }

    /// Private-use characters around a number: no tokenizer treats them as special, templates pass them through.
    static func sentinel(_ index: Int) -> String { "\u{F8F0}\(index)\u{F8F1}" }

    private func render(_ messages: [JSONValue], _ tools: [JSONValue]?, _ addGenerationPrompt: Bool,
                        _ variables: OrderedDictionary<String, JSONValue>) throws(EngineError) -> String {
        do {
            return try template.render(messages: messages, tools: tools, addGenerationPrompt: addGenerationPrompt,
                                       variables: variables)
        } catch {
            throw .template("\(error)")
        }
    }

    private func encode(_ text: String, _ policy: SpecialTokenPolicy) -> [Int] {
        tokenizer.encode(text, specialTokens: policy).map(Int.init)
    }

    /// Tokens with contents encoded as plain text, or nil when the real rendering does not line up with the
    /// sentinel rendering.
    private func isolatedTokens(text: String, masked: [JSONValue], contents: [String], _ tools: [JSONValue]?,
                                _ addGenerationPrompt: Bool, _ variables: OrderedDictionary<String, JSONValue>)
        throws(EngineError) -> [Int]?
    {
        guard !contents.isEmpty else { return encode(text, .recognize) }
        let skeleton = try render(masked, tools, addGenerationPrompt, variables)
        // Alternating template text and content slots.
        var pieces: [(text: String, slot: Int?)] = []
        var rest = Substring(skeleton)
        while let open = rest.firstIndex(of: "\u{F8F0}") {
            guard let close = rest[open...].firstIndex(of: "\u{F8F1}"),
                  let slot = Int(rest[rest.index(after: open)..<close]), contents.indices.contains(slot) else { return nil }
            pieces.append((String(rest[..<open]), nil))
            pieces.append(("", slot))
            rest = rest[rest.index(after: close)...]
        }
        pieces.append((String(rest), nil))
        // Compared as bytes: String comparison would treat canonically equivalent texts as equal.
        var remaining = Array(text.utf8)[...]
        var assembler = Assembler(tokenizer: tokenizer)
        for (index, piece) in pieces.enumerated() {
            if let slot = piece.slot {
                let following = Array(pieces[index + 1].text.utf8)
                let content = contents[slot]
                let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
                guard let used = [content, trimmed].first(where: { remaining.starts(with: Array($0.utf8) + following) })
                else { return nil }
                assembler.appendContent(used)
                remaining = remaining.dropFirst(used.utf8.count)
            } else {
                guard remaining.starts(with: piece.text.utf8) else { return nil }
                assembler.appendTemplate(piece.text)
                remaining = remaining.dropFirst(piece.text.utf8.count)
            }
        }
        let tokens = assembler.finish()
        return remaining.isEmpty ? tokens : nil
    }
}

/// Joins template text and contents into tokens as encoding the whole text would, except that special tokens
/// count only where the template wrote them: the text between two of the template's special tokens is encoded
/// in one piece as plain text (so pre-tokens spanning a template/content boundary come out as in the whole
/// text), and the template's special tokens go in between.
private struct Assembler {
    let tokenizer: Tokenizer
    private var tokens: [Int] = []
    private var pending = ""

    init(tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    mutating func appendContent(_ text: String) { pending += text }

    /// Finds the template's special tokens by encoding it with them recognized; the text between them is
    /// recovered by decoding the ordinary tokens (byte-level BPE gives the text back exactly).
    mutating func appendTemplate(_ text: String) {
        var run: [Int32] = []
        for id in tokenizer.encode(text, specialTokens: .recognize) {
            if tokenizer.isSpecial(id) {
                pending += tokenizer.decode(run)
                run = []
                flush()
                tokens.append(Int(id))
            } else {
                run.append(id)
            }
        }
        pending += tokenizer.decode(run)
    }

    mutating func finish() -> [Int] {
        flush()
        return tokens
    }

    private mutating func flush() {
        guard !pending.isEmpty else { return }
        tokens += tokenizer.encode(pending, specialTokens: .plainText).map(Int.init)
        pending = ""
    }
}
