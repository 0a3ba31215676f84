import LAMJSON

/// One entry of `GET /v1/models`.
public struct ModelDescription: Sendable, Hashable {
    public var id: String
    /// Unix time in seconds.
    public var created: Int
    public var ownedBy: String

    public init(id: String, created: Int, ownedBy: String) {
        self.id = id
        self.created = created
        self.ownedBy = ownedBy
    }

    public init(json: JSONValue, at path: String = "") throws(FieldError) {
        var reader = try FieldReader(json, at: path)
        id = try reader.requiredString("id")
        created = try reader.integer("created") ?? 0
        ownedBy = try reader.string("owned_by") ?? ""
    }

    public var json: JSONValue {
        ["id": .string(id), "object": "model", "created": .integer(created), "owned_by": .string(ownedBy)]
    }
}

/// The body of `GET /v1/models`: `{"object": "list", "data": [...]}`.
public struct ModelList: Sendable, Hashable {
    public var models: [ModelDescription]

    public init(models: [ModelDescription]) { self.models = models }

    public init(json: JSONValue) throws(FieldError) {
        var reader = try FieldReader(json, at: "")
        models = try reader.elements("data", ModelDescription.init(json:at:)) ?? []
    }

    public var json: JSONValue { ["object": "list", "data": .array(models.map(\.json))] }
}
