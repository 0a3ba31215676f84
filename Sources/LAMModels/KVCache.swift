import LAMKernels

/// Keys and values of every position seen so far, per layer, in f16 (default) or f32.
///
/// Storage for the whole capacity is reserved up front; the operating system commits pages only as
/// positions are written, so a cache sized for a long context costs memory only as it fills.
public final class KVCache: @unchecked Sendable {
    public let capacity: Int
    public let precision: KVPrecision
    /// Positions filled.
    public internal(set) var count = 0
    let keys: [KVRows]
    let values: [KVRows]
    private let storage: UnsafeMutableRawPointer

    init(layers: Int, rowLength: Int, capacity: Int, precision: KVPrecision) {
        self.capacity = capacity
        self.precision = precision
        let bytesPerTable = capacity * rowLength * precision.bytes
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, 2 * layers * bytesPerTable), alignment: 1 << 21)
        self.storage = storage
        keys = (0..<layers).map { KVRows(base: storage + 2 * $0 * bytesPerTable, precision: precision, rowLength: rowLength) }
        values = (0..<layers).map {
            KVRows(base: storage + (2 * $0 + 1) * bytesPerTable, precision: precision, rowLength: rowLength)
        }
    }

    deinit { storage.deallocate() }

    /// Forgets positions from `position` on (e.g. to reuse a shared prompt prefix).
    public func truncate(to position: Int) {
        count = min(count, max(0, position))
    }
}
