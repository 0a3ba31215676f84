import Foundation

/// Reads a GGUF file's `tokenizer.chat_template` and its bos/eos token text.
/// A stopgap until LAMModelFiles' GGUF reader lands on main; delete this file then and use `GGUFFile(path:)`.
enum GGUFChatTemplate {
    struct Metadata {
        var template: String
        var bosToken: String?
        var eosToken: String?
    }

    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    static func read(path: String) throws -> Metadata {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        var reader = Reader(bytes: data)
        guard try reader.bytes(4) == Array("GGUF".utf8) else { throw ReadError(description: "\(path) is not a GGUF file") }
        let version = try reader.integer(UInt32.self)
        guard version >= 2 else { throw ReadError(description: "GGUF version \(version) is not supported") }
        _ = try reader.integer(UInt64.self)
        let count = try reader.integer(UInt64.self)
        var template: String?
        var bosID: Int?
        var eosID: Int?
        var tokensOffset: Int?
        for _ in 0..<count {
            let key = try reader.string()
            let type = try reader.integer(UInt32.self)
            switch (key, type) {
            case ("tokenizer.chat_template", 8): template = try reader.string()
            case ("tokenizer.ggml.bos_token_id", _): bosID = try reader.scalarInteger(type)
            case ("tokenizer.ggml.eos_token_id", _): eosID = try reader.scalarInteger(type)
            case ("tokenizer.ggml.tokens", 9):
                tokensOffset = reader.offset
                try reader.skip(type)
            default: try reader.skip(type)
            }
        }
        guard let template else { throw ReadError(description: "\(path) has no tokenizer.chat_template") }
        func token(_ id: Int?) throws -> String? {
            guard let id, let tokensOffset else { return nil }
            var tokens = Reader(bytes: data, offset: tokensOffset)
            guard try tokens.integer(UInt32.self) == 8 else { return nil }
            let total = try tokens.integer(UInt64.self)
            guard id >= 0, UInt64(id) < total else { return nil }
            for _ in 0..<id { _ = try tokens.bytes(try tokens.length()) }
            return try tokens.string()
        }
        return Metadata(template: template, bosToken: try token(bosID), eosToken: try token(eosID))
    }

    private struct Reader {
        let bytes: Data
        var offset: Int

        init(bytes: Data, offset: Int = 0) {
            self.bytes = bytes
            self.offset = offset
        }

        mutating func bytes(_ count: Int) throws -> [UInt8] {
            guard count >= 0, count <= bytes.count - offset else {
                throw ReadError(description: "GGUF metadata runs past the end of the file at byte \(offset)")
            }
            let start = bytes.startIndex + offset
            offset += count
            return Array(bytes[start..<start + count])
        }

        mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let raw = try bytes(MemoryLayout<T>.size)
            return raw.reversed().reduce(T(0)) { ($0 << 8) | T($1) }
        }

        mutating func length() throws -> Int {
            let value = try integer(UInt64.self)
            guard value <= UInt64(bytes.count) else { throw ReadError(description: "GGUF length \(value) at byte \(offset) is too large") }
            return Int(value)
        }

        mutating func string() throws -> String {
            String(decoding: try bytes(try length()), as: UTF8.self)
        }

        mutating func scalarInteger(_ type: UInt32) throws -> Int {
            switch type {
            case 0: Int(try integer(UInt8.self))
            case 1: Int(try integer(Int8.self))
            case 2: Int(try integer(UInt16.self))
            case 3: Int(try integer(Int16.self))
            case 4: Int(try integer(UInt32.self))
            case 5: Int(try integer(Int32.self))
            case 10: Int(truncatingIfNeeded: try integer(UInt64.self))
            case 11: Int(try integer(Int64.self))
            default: throw ReadError(description: "GGUF token id has non-integer type \(type)")
            }
        }

        private static let scalarSizes: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]

        mutating func skip(_ type: UInt32) throws {
            if let size = Self.scalarSizes[type] {
                _ = try bytes(size)
            } else if type == 8 {
                _ = try bytes(try length())
            } else if type == 9 {
                let elementType = try integer(UInt32.self)
                let count = try length()
                if let size = Self.scalarSizes[elementType] {
                    let (total, overflow) = size.multipliedReportingOverflow(by: count)
                    guard !overflow else { throw ReadError(description: "GGUF array too large") }
                    _ = try bytes(total)
                } else {
                    for _ in 0..<count { try skip(elementType) }
                }
            } else {
                throw ReadError(description: "unknown GGUF value type \(type) at byte \(offset)")
            }
        }
    }
}
