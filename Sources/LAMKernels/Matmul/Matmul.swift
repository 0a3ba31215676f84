/// `y = x · Wᵀ` for a batch of activation rows: `x` is `batch × columns`, each `y` is `batch × rows`.
///
/// Work is split into chunks of weight rows; a chunk multiplies its rows with every activation row, so a
/// weight row is read from memory once per batch (it stays in cache across the batch), not once per token.
/// Several matrices that share one input (Q, K and V; gate and up) run in one parallel loop, and the input is
/// quantized once per activation format.
public final class MatrixMultiplier: @unchecked Sendable {
    public let pool: ThreadPool
    /// The size of the contiguous piece of a weight matrix a thread takes at a time in decode (one token).
    public let decodeChunkBytes: Int
    private var activations: [ActivationFormat: QuantizedActivations] = [:]

    /// Decode chunks of 256 KiB measured best on the project machine (0.5B / 1.5B tokens/s with 16-row
    /// chunks of ~10–14 KB: 27.3 / 14.7; 32 KiB: 41 / 20; 128 KiB: 47 / 24; 256 KiB: 50 / 25.5; 1 MiB: 47 / 26):
    /// each thread reads long sequential stretches of the weights instead of the two threads alternating
    /// small pieces of the same region, and the shared work counter is touched far less often.
    public init(pool: ThreadPool = .shared, decodeChunkBytes: Int = 256 * 1024) {
        self.pool = pool
        self.decodeChunkBytes = decodeChunkBytes
    }

    public func multiply(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, into y: UnsafeMutablePointer<Float>) {
        multiply([(w, y)], x, batch: batch)
    }

    public func multiply(_ products: [(WeightMatrix, UnsafeMutablePointer<Float>)], _ x: UnsafePointer<Float>, batch: Int) {
        var chunkStarts: [Int] = []  // first chunk index of each product
        var chunkRows: [Int] = []  // weight rows per chunk of each product
        var chunks = 0
        // Per product, the token rows of its quantized input (nil for float weights).
        var tokenRows: [UnsafeMutablePointer<ActivationRow>?] = []
        defer { for rows in tokenRows { rows?.deallocate() } }
        var quantized: [ActivationFormat: UnsafeMutablePointer<ActivationRow>] = [:]
        for (w, _) in products {
            // A batch's chunk reuses each tile of activations across its rows from cache: 16 rows measured a
            // little better than 4 or 32 (0.5B prompt processing 110 / 117 / 114 tok/s).
            let rowsPerChunk = batch == 1 ? max(1, decodeChunkBytes / w.rowBytes) : 16
            chunkStarts.append(chunks)
            chunkRows.append(rowsPerChunk)
            chunks += (w.rows + rowsPerChunk - 1) / rowsPerChunk
            guard let format = w.activationFormat else {
                tokenRows.append(nil)
                continue
            }
            if quantized[format] == nil {
                let acts = activations[format] ?? QuantizedActivations()
                activations[format] = acts
                acts.quantize(x, rows: batch, columns: w.columns, format: format, pool: pool)
                let rows = UnsafeMutablePointer<ActivationRow>.allocate(capacity: batch)
                for t in 0..<batch { rows[t] = acts.row(t) }
                quantized[format] = rows
                tokenRows.append(rows)
            } else {
                tokenRows.append(nil)
            }
        }
        let kernels = products.indices.map { p in
            let (w, y) = products[p]
            return (w, y, w.dotKernel, w.activationFormat.flatMap { quantized[$0] }, chunkRows[p])
        }
        kernels.withUnsafeBufferPointer { kernels in
            chunkStarts.withUnsafeBufferPointer { chunkStarts in
                pool.parallelFor(chunks) { chunk in
                    var p = kernels.count - 1
                    while chunkStarts[p] > chunk { p -= 1 }
                    let (w, y, kernel, acts, rowsPerChunk) = kernels[p]
                    let first = (chunk - chunkStarts[p]) * rowsPerChunk
                    let rows = first..<min(w.rows, first + rowsPerChunk)
                    if let kernel, let acts {
                        let blocks = w.columns / w.type.blockElements
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: DotTile.maxTokens) { results in
                            let results = results.baseAddress!
                            var t = 0
                            while t < batch {
                                let n = min(DotTile.maxTokens, batch - t)
                                for r in rows {
                                    kernel(w.row(r), blocks, acts + t, n, results)
                                    for i in 0..<n { y[(t + i) * w.rows + r] = results[i] }
                                }
                                t += n
                            }
                        }
                    } else {
                        for t in 0..<batch {
                            let out = y + t * w.rows
                            for r in rows { out[r] = w.floatDot(row: r, x + t * w.columns) }
                        }
                    }
                }
            }
        }
    }
}
