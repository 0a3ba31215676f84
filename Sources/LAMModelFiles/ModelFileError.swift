/// Everything that can be wrong with a model file, each case naming the problem and where it is.
///
/// `offset` is the absolute byte offset in the file where the bad value starts (for a file that cannot be
/// opened, or a problem that belongs to no single byte, it is `nil`).
public enum ModelFileError: Error, Equatable, Sendable {
    case cannotOpen(path: String, reason: String)
    case badMagic(found: [UInt8], offset: Int)
    case unsupportedVersion(UInt32, offset: Int)
    /// The file ends before `what` (which needs `needed` bytes at `offset`) is complete.
    case truncated(what: String, needed: Int, offset: Int, fileSize: Int)
    /// A count or length read from the file is larger than the file could possibly hold.
    case absurdCount(what: String, count: UInt64, offset: Int)
    case unknownValueType(UInt32, key: String, offset: Int)
    case invalidUTF8(what: String, offset: Int)
    case duplicateKey(String, offset: Int)
    case nestingTooDeep(key: String, offset: Int)
    case invalidAlignment(String, offset: Int)
    case duplicateTensor(String, offset: Int)
    case tooManyDimensions(tensor: String, count: UInt32, offset: Int)
    case invalidDimension(tensor: String, dimension: UInt64, offset: Int)
    /// The product of the tensor's dimensions (or its byte size) does not fit in an `Int`.
    case dimensionOverflow(tensor: String, offset: Int)
    case unknownTensorType(UInt32, tensor: String, offset: Int)
    /// The tensor's row length is not a whole number of its type's blocks.
    case rowNotBlockAligned(tensor: String, rowLength: Int, blockElements: Int, offset: Int)
    case misalignedTensorData(tensor: String, dataOffset: Int, alignment: Int, offset: Int)
    /// The tensor's bytes `[dataOffset, dataEnd)` run past the end of the file.
    case tensorDataPastEnd(tensor: String, dataOffset: Int, dataEnd: Int, fileSize: Int)
    case overlappingTensors(String, String, offset: Int)
    /// A JSON document (safetensors header, config.json, …) that is malformed or has an unexpected shape.
    case invalidJSON(what: String, reason: String, offset: Int?)
    case unknownDType(String, tensor: String, offset: Int?)
    /// The tensor's byte range does not match its dtype and shape.
    case tensorSizeMismatch(tensor: String, expected: Int, actual: Int, offset: Int?)
    case missingFile(String)
    case unsupportedArchitecture(String)
    case missingConfigValue(key: String, file: String)

    /// The absolute byte offset the problem was found at, when there is one.
    public var offset: Int? {
        switch self {
        case .cannotOpen, .missingFile, .unsupportedArchitecture, .missingConfigValue: nil
        case .badMagic(_, let o), .unsupportedVersion(_, let o), .absurdCount(_, _, let o),
             .unknownValueType(_, _, let o), .invalidUTF8(_, let o), .duplicateKey(_, let o),
             .nestingTooDeep(_, let o), .invalidAlignment(_, let o), .duplicateTensor(_, let o),
             .tooManyDimensions(_, _, let o), .invalidDimension(_, _, let o), .dimensionOverflow(_, let o),
             .unknownTensorType(_, _, let o), .rowNotBlockAligned(_, _, _, let o),
             .misalignedTensorData(_, _, _, let o), .overlappingTensors(_, _, let o):
            o
        case .truncated(_, _, let o, _): o
        case .tensorDataPastEnd(_, let o, _, _): o
        case .invalidJSON(_, _, let o), .unknownDType(_, _, let o), .tensorSizeMismatch(_, _, _, let o): o
        }
    }
}

extension ModelFileError: CustomStringConvertible {
    public var description: String {
        let at = offset.map { " (at byte \($0))" } ?? ""
        return message + at
    }

    private var message: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .badMagic(let found, _):
            "not a GGUF file: magic is \(found.map { String($0, radix: 16) }) instead of \"GGUF\""
        case .unsupportedVersion(let v, _):
            "unsupported GGUF version \(v) (supported: 2, 3; a big-endian file also reads this way)"
        case .truncated(let what, let needed, let offset, let size):
            "file truncated: \(what) needs \(needed) bytes at offset \(offset) but the file has \(size) bytes"
        case .absurdCount(let what, let count, _): "absurd \(what) \(count): larger than the file can hold"
        case .unknownValueType(let t, let key, _): "unknown metadata value type \(t) for key '\(key)'"
        case .invalidUTF8(let what, _): "\(what) is not valid UTF-8"
        case .duplicateKey(let key, _): "duplicate metadata key '\(key)'"
        case .nestingTooDeep(let key, _): "metadata '\(key)' nests arrays too deeply"
        case .invalidAlignment(let detail, _): "invalid general.alignment: \(detail)"
        case .duplicateTensor(let name, _): "duplicate tensor name '\(name)'"
        case .tooManyDimensions(let name, let n, _): "tensor '\(name)' has \(n) dimensions (at most 4 allowed)"
        case .invalidDimension(let name, let d, _): "tensor '\(name)' has invalid dimension \(d)"
        case .dimensionOverflow(let name, _): "tensor '\(name)': element or byte count overflows"
        case .unknownTensorType(let t, let name, _): "tensor '\(name)' has unknown type id \(t)"
        case .rowNotBlockAligned(let name, let row, let block, _):
            "tensor '\(name)': row length \(row) is not a multiple of the block size \(block)"
        case .misalignedTensorData(let name, let dataOffset, let alignment, _):
            "tensor '\(name)': data offset \(dataOffset) is not a multiple of the alignment \(alignment)"
        case .tensorDataPastEnd(let name, let start, let end, let size):
            "tensor '\(name)': data [\(start), \(end)) runs past the end of the file (\(size) bytes)"
        case .overlappingTensors(let a, let b, _): "tensors '\(a)' and '\(b)' overlap"
        case .invalidJSON(let what, let reason, _): "invalid \(what): \(reason)"
        case .unknownDType(let dtype, let name, _): "tensor '\(name)' has unsupported dtype '\(dtype)'"
        case .tensorSizeMismatch(let name, let expected, let actual, _):
            "tensor '\(name)': its shape and dtype need \(expected) bytes but its data range has \(actual)"
        case .missingFile(let path): "missing file \(path)"
        case .unsupportedArchitecture(let arch): "unsupported architecture '\(arch)'"
        case .missingConfigValue(let key, let file): "\(file) has no '\(key)'"
        }
    }
}
