import Foundation
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

    /// A released pool stops its workers: creating and dropping pools right after a loop must neither crash
    /// (a worker touching a freed pool) nor leave their threads behind.
    @Test func releasedPoolsStopTheirWorkers() async throws {
        let before = try threadCount()
        for _ in 0..<20 {
            let pool = ThreadPool(threadCount: 3, spinIterations: 1_000)
            pool.parallelFor(8) { _ in }
        }
        var after = try threadCount()
        for _ in 0..<100 where after >= before + 20 {
            try await Task.sleep(for: .milliseconds(20))
            after = try threadCount()
        }
        // 40 workers were started; other tests running alongside may start a few threads of their own.
        #expect(after < before + 20, "threads: \(before) before, \(after) after")
    }

    private func threadCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
    }
}

