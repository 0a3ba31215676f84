import Foundation

/// Rotary position embedding, computed as llama.cpp's ggml_rope does (including its YaRN).
///
/// Pair i of a head (i < dimensions/2) is rotated by `position · base^(-2i/dimensions)`, adjusted by the
/// scaling. Which elements form a pair depends on how the weights were laid out:
/// - `.interleaved` ("normal" in llama.cpp): elements (2i, 2i+1). GGUF Llama weights are permuted for this.
/// - `.halves` ("neox"): elements (i, i + dimensions/2). Qwen2, and Llama weights from Hugging Face.
public struct RoPE: Sendable {
    public enum Style: Sendable { case interleaved, halves }

    public enum Scaling: Sendable, Equatable {
        case none
        /// Positions divided by `factor`.
        case linear(factor: Double)
        /// YaRN (Qwen2.5's long context): high frequencies kept, low ones interpolated, attention sharpened.
        case yarn(factor: Double, originalContext: Int, betaFast: Double = 32, betaSlow: Double = 1)
        /// Llama 3's per-frequency factors.
        case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalContext: Int)
    }

    public let dimensions: Int
    public let style: Style
    /// Per pair: the frequency already divided by any per-frequency factor, and YaRN's extrapolation mix.
    private let frequencies: [Float]
    private let extrapolationMix: [Float]
    private let frequencyScale: Float
    private let magnitudeScale: Float

    /// `frequencyFactors` (GGUF's `rope_freqs.weight`) divide each pair's angle; llama.cpp stores Llama 3's
    /// scaling that way, so GGUF models pass them with `.none` scaling.
    public init(dimensions: Int, base: Double, style: Style, scaling: Scaling = .none, frequencyFactors: [Float]? = nil) {
        self.dimensions = dimensions
        self.style = style
        let pairs = dimensions / 2
        // llama.cpp multiplies its float angle by base^(-2/dims) pair after pair; do the same so positions in
        // the thousands round alike.
        let thetaScale = Float(pow(base, -2.0 / Double(dimensions)))
        var frequency: Float = 1
        var frequencies = [Float](repeating: 0, count: pairs)
        for i in 0..<pairs {
            frequencies[i] = frequency / (frequencyFactors?[i] ?? 1)
            frequency *= thetaScale
        }
        var mix = [Float](repeating: 0, count: pairs)
        switch scaling {
        case .none:
            frequencyScale = 1
            magnitudeScale = 1
        case .linear(let factor):
            frequencyScale = Float(1 / factor)
            magnitudeScale = 1
        case .yarn(let factor, let originalContext, let betaFast, let betaSlow):
            frequencyScale = Float(1 / factor)
            magnitudeScale = Float(1 + 0.1 * log(factor))
            func correctionDimension(_ rotations: Double) -> Double {
                Double(dimensions) * log(Double(originalContext) / (rotations * 2 * Double.pi)) / (2 * log(base))
            }
            let low = max(0, floor(correctionDimension(betaFast)))
            let high = min(Double(dimensions - 1), ceil(correctionDimension(betaSlow)))
            for i in 0..<pairs {
                let ramp = (Double(i) - low) / max(0.001, high - low)
                mix[i] = Float(1 - min(1, max(0, ramp)))
            }
        case .llama3(let factor, let lowFactor, let highFactor, let originalContext):
            frequencyScale = 1
            magnitudeScale = 1
            let lowWavelength = Double(originalContext) / lowFactor
            let highWavelength = Double(originalContext) / highFactor
            for i in 0..<pairs {
                let f = Double(frequencies[i])
                let wavelength = 2 * Double.pi / f
                if wavelength > lowWavelength {
                    frequencies[i] = Float(f / factor)
                } else if wavelength >= highWavelength {
                    let smooth = (Double(originalContext) / wavelength - lowFactor) / (highFactor - lowFactor)
                    frequencies[i] = Float((1 - smooth) * f / factor + smooth * f)
                }
            }
        }
        self.frequencies = frequencies
        self.extrapolationMix = mix
    }

    /// Fills `cos` and `sin` (dimensions/2 each) for one position.
    public func angles(position: Int, cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>) {
        let p = Float(position)
        for i in 0..<(dimensions / 2) {
            let extrapolated = p * frequencies[i]
            let interpolated = extrapolated * frequencyScale
            let mix = extrapolationMix[i]
            let theta = interpolated * (1 - mix) + extrapolated * mix
            cos[i] = Foundation.cos(theta) * magnitudeScale
            sin[i] = Foundation.sin(theta) * magnitudeScale
        }
    }

    /// Rotates `heads` consecutive heads of `headDimension` values (the first `dimensions` of each rotate).
    public func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, headDimension: Int,
                      cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let pairs = dimensions / 2
        for h in 0..<heads {
            let v = x + h * headDimension
            for i in 0..<pairs {
                let (a, b) = style == .interleaved ? (2 * i, 2 * i + 1) : (i, i + pairs)
                let x0 = v[a], x1 = v[b]
                v[a] = x0 * cos[i] - x1 * sin[i]
                v[b] = x0 * sin[i] + x1 * cos[i]
            }
        }
    }
}
