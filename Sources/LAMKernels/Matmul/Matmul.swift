/// `y = x · Wᵀ` for a batch of activation rows: `x` is `batch × columns`, each `y` is `batch × rows`.
///
/// Work is split into chunks of weight rows; a chunk multiplies its rows with every activation row, so a
/// weight row is read from memory once per batch (it stays in cache across the batch), not once per token.
/// Several matrices that share one input (Q, K and V; gate and up) run in one parallel loop, and the input is
/// quantized once per activation format.
public final class MatrixMultiplier: @unchecked Sendable {
    public let pool: ThreadPool
    private var activations: [ActivationFormat: QuantizedActivations] = [:]

    public init(pool: ThreadPool = .shared) {
        self.pool = pool
    }

    public func multiply(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, into y: UnsafeMutablePointer<Float>) {
        multiply([(w, y)], x, batch: batch)
    }

    public func multiply(_ products: [(WeightMatrix, UnsafeMutablePointer<Float>)], _ x: UnsafePointer<Float>, batch: Int) {
        let rowsPerChunk = batch == 1 ? 16 : 4
        var quantized: [ActivationFormat: QuantizedActivations] = [:]
        var chunkStarts: [Int] = []  // first chunk index of each product
        var chunks = 0
        for (w, _) in products {
            chunkStarts.append(chunks)
            chunks += (w.rows + rowsPerChunk - 1) / rowsPerChunk
            if let format = w.activationFormat, quantized[format] == nil {
                let acts = activations[format] ?? QuantizedActivations()
                activations[format] = acts
                acts.quantize(x, rows: batch, columns: w.columns, format: format, pool: pool)
                quantized[format] = acts
            }
        }
        pool.parallelFor(chunks) { chunk in
            var p = products.count - 1
            while chunkStarts[p] > chunk { p -= 1 }
            let (w, y) = products[p]
            let first = (chunk - chunkStarts[p]) * rowsPerChunk
            let rows = first..<min(w.rows, first + rowsPerChunk)
            if let format = w.activationFormat {
                let acts = quantized[format]!
                for t in 0..<batch {
                    let out = y + t * w.rows
                    for r in rows { out[r] = w.quantizedDot(row: r, acts, t) }
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
