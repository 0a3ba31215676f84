/// Dot products of f16 and bf16 weight rows with f32 activations.
enum FloatRows {
    static func dotF16(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        let w = row.assumingMemoryBound(to: Float16.self)
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            var v = SIMD16<Float>()
            for l in 0..<16 { v[l] = Float(w[i + l]) }
            acc.addProduct(v, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self))
            i += 16
        }
        var total = VectorOps.horizontalSum(acc)
        while i < count { total += Float(w[i]) * x[i]; i += 1 }
        return total
    }

    static func dotBF16(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        let w = row.assumingMemoryBound(to: UInt16.self)
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            var v = SIMD16<Float>()
            for l in 0..<16 { v[l] = Float(bitPattern: UInt32(w[i + l]) << 16) }
            acc.addProduct(v, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self))
            i += 16
        }
        var total = VectorOps.horizontalSum(acc)
        while i < count { total += Float(bitPattern: UInt32(w[i]) << 16) * x[i]; i += 1 }
        return total
    }
}
