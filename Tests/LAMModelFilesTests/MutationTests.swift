import Foundation
import LAMModelFiles
import LAMTestSupport
import Testing

/// A quick in-suite cousin of the libFuzzer run (scripts/fuzz): thousands of deterministic mutations of valid
/// files must each parse or fail with a `ModelFileError`, never crash or hang, and any view a parse hands out
/// must lie inside the data.
@Suite struct MutationTests {
    static let interesting: [UInt64] = [0, 1, 2, 3, 4, 7, 8, 31, 32, 33, 64, 255, 256, 0x7FFF_FFFF, 0xFFFF_FFFF,
                                        1 << 32, 1 << 40, 1 << 62, UInt64(Int64.max), UInt64.max]

    static func mutate(_ input: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0...rng.below(3) {
            guard !bytes.isEmpty else { return bytes }
            let at = rng.below(bytes.count)
            switch rng.below(6) {
            case 0: bytes[at] ^= UInt8(1 << rng.below(8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 2:  // an interesting little-endian integer of 1, 2, 4 or 8 bytes
                let width = [1, 2, 4, 8][rng.below(4)]
                let value = interesting[rng.below(interesting.count)]
                for i in 0..<width where at + i < bytes.count { bytes[at + i] = UInt8(truncatingIfNeeded: value >> UInt64(8 * i)) }
            case 3: bytes.removeSubrange(at...)
            case 4: bytes.insert(contentsOf: (0...rng.below(8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            default: bytes.remove(at: at)
            }
        }
        return bytes
    }

    func run(seed: [UInt8], count: Int, parse: ([UInt8]) -> Void) {
        var rng = SeededRandom(seed: UInt64(seed.count))
        parse(seed)
        for _ in 0..<count { parse(Self.mutate(seed, &rng)) }
    }

    @Test func mutatedGGUFNeverCrashes() {
        var builder = GGUFValidationTests.validBuilder()
        var parsed = 0
        run(seed: builder.build(), count: 3000) { bytes in
            guard let file = try? GGUFFile(bytes: bytes) else { return }
            parsed += 1
            for tensor in file.tensors {
                #expect(tensor.offset >= file.dataOffset && tensor.offset + tensor.byteCount <= bytes.count)
                #expect(file.bytes(of: tensor).count == tensor.byteCount)
            }
        }
        #expect(parsed > 0)  // some mutations (e.g. in tensor data) leave the file valid
    }

    @Test func mutatedSafetensorsNeverCrashes() throws {
        let seed = try Data(contentsOf: Golden.url("hf/qwen2-f32/model.safetensors"))
        run(seed: Array(seed), count: 3000) { bytes in
            guard let file = try? SafetensorsFile(bytes: bytes) else { return }
            for tensor in file.tensors {
                #expect(tensor.offset + tensor.byteCount <= bytes.count)
            }
        }
    }

    @Test func mutatedConfigNeverCrashes() throws {
        let seed = try Data(contentsOf: Golden.url("hf/llama-bf16-sharded/config.json"))
        run(seed: Array(seed), count: 2000) { bytes in _ = try? HFModelConfig(json: bytes) }
    }
}
