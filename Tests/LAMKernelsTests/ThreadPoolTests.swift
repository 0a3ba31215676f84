import LAMKernels
import Testing

struct ThreadPoolTests {
    /// Every item runs exactly once, across many back-to-back loops (the decode pattern) and after idling.
    @Test func runsEveryItemOnce() async throws {
        let pool = ThreadPool(threadCount: 3, spinIterations: 1_000)
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: 17)
        defer { hits.deallocate() }
        for round in 0..<300 {
            let count = round % 17 + 1
            hits.initialize(repeating: 0, count: 17)
            pool.parallelFor(count) { hits[$0] += 1 }  // each item owns its slot
            #expect((0..<17).allSatisfy { hits[$0] == ($0 < count ? 1 : 0) }, "round \(round)")
            if round == 150 { try await Task.sleep(for: .milliseconds(50)) }  // workers park
        }
    }
}
