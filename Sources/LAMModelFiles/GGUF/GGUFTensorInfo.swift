/// Where one tensor lives in a GGUF file and how it is stored.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// ggml order: `shape[0]` is the row length (ne0), the contiguous dimension.
    public let shape: [Int]
    public let type: GGMLType
    /// Absolute byte offset of the tensor's data in the file.
    public let offset: Int
    public let byteCount: Int

    /// The product of `shape` (checked against overflow when the file was read).
    public var elementCount: Int { shape.reduce(1, *) }
}
