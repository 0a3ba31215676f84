import LAMJSON

/// What one choice of a completion object holds: a whole chat reply, a streamed delta, or completion text.
public protocol CompletionChoice: Sendable, Hashable {
    /// The `object` member of the completion objects that carry this kind of choice.
    static var object: String { get }
    init(json: JSONValue, at path: String) throws(FieldError)
    var json: JSONValue { get }
}

/// A completion object: `{"id", "object", "created", "model", "choices", "usage"}`. A chat completion, a
/// streamed chunk and a text completion differ only in `object` and in what a choice holds.
public struct CompletionObject<Choice: CompletionChoice>: Sendable, Hashable {
    public var id: String
    /// Unix time in seconds.
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage?
    /// Whether `usage` is written even when nil: OpenAI puts `"usage": null` on every chunk of a stream that
    /// asked for usage.
    public var writesUsage: Bool

    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage? = nil,
                writesUsage: Bool = false) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.writesUsage = writesUsage || usage != nil
    }

    public init(json: JSONValue) throws(FieldError) {
        var reader = try FieldReader(json, at: "")
        self.init(
            id: try reader.requiredString("id"),
            created: try reader.integer("created") ?? 0,
            model: try reader.requiredString("model"),
            choices: try reader.elements("choices", Choice.init(json:at:)) ?? [],
            usage: try reader.nested("usage", Usage.init(json:at:)),
            writesUsage: reader.object["usage"] != nil)
    }

    public var json: JSONValue {
        var builder = ObjectBuilder()
        builder.set("id", id)
        builder.set("object", Choice.object)
        builder.set("created", created)
        builder.set("model", model)
        builder.set("choices", .array(choices.map(\.json)))
        // Not a ternary: its `nil` branch would turn into `JSONValue.null`, which is a literal nil too.
        var usageMember: JSONValue?
        if writesUsage { usageMember = usage?.json ?? .null }
        builder.set("usage", usageMember)
        return builder.json
    }
}
