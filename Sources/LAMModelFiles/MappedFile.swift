#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory. The mapping lives exactly as long as this object, so any view
/// handed out by `bytes` (or by a reader built on it) is valid while the object is alive.
///
/// It can also own an in-memory copy of some bytes (`init(copying:name:)`), so parsers and their fuzz tests
/// run on crafted data without touching the disk.
public final class MappedFile: @unchecked Sendable {  // immutable after init; the bytes are never written
    public let path: String
    public let size: Int
    private let base: UnsafeRawPointer?
    private let isMapped: Bool

    public init(path: String) throws(ModelFileError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: Self.errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotOpen(path: path, reason: Self.errnoText()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .cannotOpen(path: path, reason: "not a regular file") }
        size = Int(info.st_size)
        isMapped = true
        if size == 0 {
            base = nil  // mmap refuses empty mappings; an empty file is simply an empty buffer
            return
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw .cannotOpen(path: path, reason: "mmap failed: " + Self.errnoText())
        }
        base = UnsafeRawPointer(mapped)
    }

    public init(copying bytes: some Collection<UInt8>, name: String = "<memory>") {
        path = name
        size = bytes.count
        isMapped = false
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 64)
        _ = storage.initializeMemory(as: UInt8.self, from: bytes)
        base = UnsafeRawPointer(storage.baseAddress)
    }

    deinit {
        guard let base else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), size)
        } else {
            base.deallocate()
        }
    }

    /// The whole file. Valid while this object is alive.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }

    /// Tells the kernel the whole file will be read soon (and, where supported, to back it with huge pages).
    /// Purely advisory: failures are ignored.
    public func adviseSequentialUse() {
        guard let base, isMapped else { return }
        let start = UnsafeMutableRawPointer(mutating: base)
        _ = madvise(start, size, MADV_WILLNEED)
        #if os(Linux)
        _ = madvise(start, size, MADV_HUGEPAGE)
        #endif
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
