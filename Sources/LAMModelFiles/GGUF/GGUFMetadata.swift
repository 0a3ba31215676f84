/// The key/value metadata of a GGUF file, in file order, with typed accessors that return `nil` when a key is
/// missing or holds a value of another kind.
public struct GGUFMetadata: Sendable {
    /// Keys in the order the file lists them.
    public let keys: [String]
    private let values: [String: GGUFValue]

    init(keys: [String], values: [String: GGUFValue]) {
        self.keys = keys
        self.values = values
    }

    public var count: Int { keys.count }

    public subscript(key: String) -> GGUFValue? { values[key] }

    public func string(_ key: String) -> String? {
        if case .string(let s)? = values[key] { return s }
        return nil
    }

    /// Any integer type (not bool) whose value fits in an `Int`.
    public func integer(_ key: String) -> Int? { values[key]?.integerValue }

    /// Any float or integer type.
    public func float(_ key: String) -> Double? { values[key]?.floatValue }

    public func bool(_ key: String) -> Bool? {
        if case .bool(let b)? = values[key] { return b }
        return nil
    }

    public func array(_ key: String) -> GGUFArray? {
        if case .array(let a)? = values[key] { return a }
        return nil
    }

    public func stringArray(_ key: String) -> [String]? {
        if case .string(let a)? = array(key) { return a }
        return nil
    }

    public func integerArray(_ key: String) -> [Int]? { array(key)?.integers }

    public func floatArray(_ key: String) -> [Double]? { array(key)?.floats }
}
