/// BPE merge rules, looked up by the pair of token ids they join: an open-addressing hash table, since this
/// lookup is the innermost step of encoding and Dictionary's seeded hashing costs more than the merge itself.
struct MergeTable: Sendable {
    /// A merge rule: lower rank merges first.
    struct Merge: Equatable {
        let rank: UInt32
        let result: Int32
    }

    private static let empty = UInt64.max
    private var keys: [UInt64]
    private var values: [Merge]
    private let shift: UInt64
    private(set) var count = 0

    init(capacity: Int) {
        var slots = 16
        while slots < capacity * 2 { slots *= 2 }
        keys = [UInt64](repeating: Self.empty, count: slots)
        values = [Merge](repeating: Merge(rank: 0, result: 0), count: slots)
        shift = UInt64(64 - slots.trailingZeroBitCount)
    }

    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    private func slot(for key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Adds a rule; a later rule for the same pair replaces the earlier one, as in Hugging Face.
    mutating func insert(left: Int32, right: Int32, merge: Merge) {
        let key = Self.key(left, right)
        let mask = keys.count - 1
        var index = slot(for: key)
        while keys[index] != Self.empty {
            if keys[index] == key {
                values[index] = merge
                return
            }
            index = (index + 1) & mask
        }
        keys[index] = key
        values[index] = merge
        count += 1
    }

    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> Merge? {
        let key = Self.key(left, right)
        let mask = keys.count - 1
        return keys.withUnsafeBufferPointer { keys in
            var index = slot(for: key)
            while true {
                let stored = keys[index]
                if stored == key { return values[index] }
                if stored == Self.empty { return nil }
                index = (index + 1) & mask
            }
        }
    }
}
