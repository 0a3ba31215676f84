import LAMJSON

/// The members every completion object carries around its choices — a chat completion, a streamed chunk and a
/// text completion differ only in `object` and in what a choice holds: `{"id", "object", "created", "model",
/// "choices", "usage"}`.
struct CompletionEnvelope<Choice> {
    var id: String
    /// Unix time in seconds.
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage?
    /// Whether the document had a `usage` member at all (`null` included).
    var hasUsageMember: Bool

    init(json: JSONValue, choice: (JSONValue, String) throws(FieldError) -> Choice) throws(FieldError) {
        var reader = try FieldReader(json, at: "")
        id = try reader.requiredString("id")
        created = try reader.integer("created") ?? 0
        model = try reader.requiredString("model")
        choices = try reader.elements("choices", choice) ?? []
        hasUsageMember = reader.object["usage"] != nil
        usage = try reader.nested("usage", Usage.init(json:at:))
    }

    /// `usage` is left out when nil.
    static func json(
        object: String, id: String, created: Int, model: String, choices: [JSONValue], usage: JSONValue?
    ) -> JSONValue {
        var builder = ObjectBuilder()
        builder.set("id", id)
        builder.set("object", object)
        builder.set("created", created)
        builder.set("model", model)
        builder.set("choices", .array(choices))
        builder.set("usage", usage)
        return builder.json
    }
}
