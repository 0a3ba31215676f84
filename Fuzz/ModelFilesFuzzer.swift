// libFuzzer entry point for the model-file parsers. Built by scripts/fuzz together with the sources of
// LAMModelFiles as one module (so no import), with -sanitize=fuzzer,address.
//
// Every input is handed to each parser. Parsing may fail with a ModelFileError, never crash; when it succeeds,
// every tensor view is touched at both ends so AddressSanitizer catches a view reaching outside the data.

@_cdecl("LLVMFuzzerTestOneInput")
public func modelFilesFuzzTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = MappedFile(copying: UnsafeBufferPointer(start: data, count: size), name: "fuzz-input")
    var checksum = 0
    if let gguf = try? GGUFFile(file: input) {
        checksum &+= gguf.metadata.keys.count
        for tensor in gguf.tensors { checksum &+= touch(gguf.bytes(of: tensor)) }
    }
    if let safetensors = try? SafetensorsFile(file: input) {
        for tensor in safetensors.tensors { checksum &+= touch(safetensors.bytes(of: tensor)) }
    }
    if let config = try? HFModelConfig(json: UnsafeBufferPointer(start: data, count: size)) {
        checksum &+= config.hiddenSize
    }
    if let generation = try? HFGenerationConfig(json: UnsafeBufferPointer(start: data, count: size)) {
        checksum &+= generation.eosTokenIDs.count
    }
    return checksum == Int.min ? 1 : 0  // keeps the work observable; libFuzzer ignores the value
}

private func touch(_ bytes: UnsafeRawBufferPointer) -> Int {
    guard let first = bytes.first, let last = bytes.last else { return 0 }
    return Int(first) &+ Int(last)
}
