import LAMJSON

/// `stream` and `stream_options`, which both completion requests read and write alike.
struct StreamOptions {
    var stream: Bool
    /// `stream_options.include_usage`: send a last chunk with the token counts.
    var includeUsage: Bool?

    init(stream: Bool, includeUsage: Bool?) {
        self.stream = stream
        self.includeUsage = includeUsage
    }

    init(reading reader: inout FieldReader) throws(FieldError) {
        stream = try reader.bool("stream") ?? false
        if let options = reader.value("stream_options") {
            guard stream else { throw reader.error("stream_options", "is only allowed when stream is true") }
            var optionsReader = try FieldReader(options, at: "stream_options")
            includeUsage = try optionsReader.bool("include_usage")
            try optionsReader.rejectUnknownKeys()
        }
    }

    func write(to builder: inout ObjectBuilder) {
        if stream { builder.set("stream", true) }
        if let includeUsage { builder.set("stream_options", ["include_usage": .bool(includeUsage)]) }
    }
}
