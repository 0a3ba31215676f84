import LAMJSON

/// Derives the JSON Schema of a `Decodable` type by letting the type decode itself from a decoder that records
/// what it asks for, instead of hand-written schemas.
///
/// Supported: structs (nested too) → `object` with `properties` in declaration order; `Optional` fields →
/// left out of `required`; arrays → `array` with `items`; `String` → `string`; `Bool` → `boolean`; all integer
/// types → `integer`; `Double`/`Float` → `number`; `String`-backed enums that adopt `ToolSchemaEnum` → `string`
/// with `enum`; field descriptions from `ToolSchemaDescribed`. Not supported: dictionaries (they record as an
/// empty object), `Date`/`URL`/`Data`, enums with associated values or non-String raw values, recursive types,
/// and custom `init(from:)` that branches on the decoded values (only the path taken with placeholder values is
/// recorded).
public enum ToolSchema {
    public static func of<T: Decodable>(_ type: T.Type) throws -> JSONValue {
        try record(type).schema
    }

    static func record<T: Decodable>(_ type: T.Type) throws -> (schema: JSONValue, placeholder: T) {
        if let primitive = T.self as? any ToolSchemaPrimitive.Type {
            return (["type": .string(primitive.jsonSchemaType)], primitive.placeholder as! T)
        }
        if let enumeration = T.self as? any ToolSchemaEnum.Type {
            return (["type": "string", "enum": .array(enumeration.schemaValues.map(JSONValue.string))],
                    enumeration.firstCase as! T)
        }
        let recording = SchemaRecording()
        let value = try T(from: SchemaRecordingDecoder(recording: recording))
        var schema = recording.schema
        if let described = T.self as? any ToolSchemaDescribed.Type,
            case .object(var properties)? = schema["properties"]
        {
            for (key, text) in described.fieldDescriptions {
                if case .object(var property)? = properties[key] {
                    property["description"] = .string(text)
                    properties[key] = .object(property)
                }
            }
            schema["properties"] = .object(properties)
        }
        return (.object(schema), value)
    }
}

/// A `String`-backed enum usable as a tool argument: its raw values become the schema's `enum`.
public protocol ToolSchemaEnum: CaseIterable, RawRepresentable, Decodable where RawValue == String {}

extension ToolSchemaEnum {
    static var schemaValues: [String] { allCases.map(\.rawValue) }
    static var firstCase: Self { allCases.first! }
}

/// Descriptions for a type's fields, by coding key, written into the schema (the model reads them).
public protocol ToolSchemaDescribed {
    static var fieldDescriptions: [String: String] { get }
}

protocol ToolSchemaPrimitive {
    static var jsonSchemaType: String { get }
    static var placeholder: Self { get }
}

extension String: ToolSchemaPrimitive {
    static var jsonSchemaType: String { "string" }
    static var placeholder: String { "" }
}
extension Bool: ToolSchemaPrimitive {
    static var jsonSchemaType: String { "boolean" }
    static var placeholder: Bool { false }
}
extension Double: ToolSchemaPrimitive {
    static var jsonSchemaType: String { "number" }
    static var placeholder: Double { 0 }
}
extension Float: ToolSchemaPrimitive {
    static var jsonSchemaType: String { "number" }
    static var placeholder: Float { 0 }
}
protocol IntegerSchemaPrimitive: ToolSchemaPrimitive, FixedWidthInteger {}
extension IntegerSchemaPrimitive {
    static var jsonSchemaType: String { "integer" }
    static var placeholder: Self { 0 }
}
extension Int: IntegerSchemaPrimitive {}
extension Int8: IntegerSchemaPrimitive {}
extension Int16: IntegerSchemaPrimitive {}
extension Int32: IntegerSchemaPrimitive {}
extension Int64: IntegerSchemaPrimitive {}
extension UInt: IntegerSchemaPrimitive {}
extension UInt8: IntegerSchemaPrimitive {}
extension UInt16: IntegerSchemaPrimitive {}
extension UInt32: IntegerSchemaPrimitive {}
extension UInt64: IntegerSchemaPrimitive {}

/// The schema being recorded for one value; containers fill it in.
final class SchemaRecording {
    var schema: JSONObject = [:]
    private var optionalKeys: Set<String> = []

    func setProperty(_ key: String, _ property: JSONValue) {
        schema["type"] = "object"
        var properties = schema["properties"]?.objectValue ?? [:]
        properties[key] = property
        schema["properties"] = .object(properties)
        let required = properties.keys.filter { !optionalKeys.contains($0) }
        schema["required"] = .array(required.map(JSONValue.string))
    }

    /// Synthesized `decodeIfPresent` asks `decodeNil` first: that is how optional fields show themselves.
    func markOptional(_ key: String) {
        optionalKeys.insert(key)
    }
}

struct SchemaRecordingDecoder: Decoder {
    let recording: SchemaRecording
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        recording.schema["type"] = "object"
        recording.schema["properties"] = .object([:])
        recording.schema["required"] = []
        return KeyedDecodingContainer(KeyedSchemaRecorder<Key>(recording: recording, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        recording.schema["type"] = "array"
        return UnkeyedSchemaRecorder(recording: recording, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueSchemaRecorder(recording: recording, codingPath: codingPath)
    }
}

struct KeyedSchemaRecorder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recording: SchemaRecording
    var codingPath: [any CodingKey]
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool {
        recording.markOptional(key.stringValue)
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decode(type, key) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type, key) }

    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        let (schema, placeholder) = try ToolSchema.record(type)
        recording.setProperty(key.stringValue, schema)
        return placeholder
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let nested = SchemaRecording()
        let container = try SchemaRecordingDecoder(recording: nested).container(keyedBy: type)
        recording.setProperty(key.stringValue, .object(nested.schema))
        return container
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw unsupported("nested unkeyed containers", key)
    }

    func superDecoder() throws -> any Decoder { throw unsupported("superDecoder", nil) }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw unsupported("superDecoder", key) }

    private func unsupported(_ what: String, _ key: Key?) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath + (key.map { [$0] } ?? []),
                             debugDescription: "ToolSchema does not support \(what)"))
    }
}

/// Arrays decode elements until `isAtEnd`: one element is enough to record `items`.
struct UnkeyedSchemaRecorder: UnkeyedDecodingContainer {
    let recording: SchemaRecording
    var codingPath: [any CodingKey]
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= 1 }

    init(recording: SchemaRecording, codingPath: [any CodingKey]) {
        self.recording = recording
        self.codingPath = codingPath
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, placeholder) = try ToolSchema.record(type)
        recording.schema["items"] = schema
        currentIndex += 1
        return placeholder
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let nested = SchemaRecording()
        let container = try SchemaRecordingDecoder(recording: nested).container(keyedBy: type)
        recording.schema["items"] = .object(nested.schema)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath,
                                                debugDescription: "ToolSchema does not support arrays of arrays"))
    }

    mutating func superDecoder() throws -> any Decoder {
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath,
                                                debugDescription: "ToolSchema does not support superDecoder"))
    }
}

struct SingleValueSchemaRecorder: SingleValueDecodingContainer {
    let recording: SchemaRecording
    var codingPath: [any CodingKey]

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, placeholder) = try ToolSchema.record(type)
        recording.schema = schema.objectValue ?? [:]
        return placeholder
    }

    func decode(_ type: Bool.Type) throws -> Bool { try record(type) }
    func decode(_ type: String.Type) throws -> String { try record(type) }
    func decode(_ type: Double.Type) throws -> Double { try record(type) }
    func decode(_ type: Float.Type) throws -> Float { try record(type) }
    func decode(_ type: Int.Type) throws -> Int { try record(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try record(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try record(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try record(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try record(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try record(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try record(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try record(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try record(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try record(type) }

    private func record<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, placeholder) = try ToolSchema.record(type)
        recording.schema = schema.objectValue ?? [:]
        return placeholder
    }
}
