import ArgumentParser
import Foundation
import LAMServer
import Logging

/// `lam serve`: the OpenAI-compatible HTTP server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a model over an OpenAI-compatible HTTP API (chat completions with tools, streaming).",
        discussion: """
            Endpoints: POST /v1/chat/completions, POST /v1/completions, GET /v1/models, GET /health, \
            GET /metrics (Prometheus). Stops gracefully on SIGINT or SIGTERM.
            """
    )

    @Option(name: .shortAndLong, help: "The model: a GGUF file.")
    var model: String

    @Option(help: "The model id clients use (default: the file name without .gguf).")
    var modelName: String?

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port).")
    var port = 8080

    @Option(help: "Require 'Authorization: Bearer KEY' on /v1 requests (default: $SWIFTLAM_API_KEY, if set).")
    var apiKey: String?

    @Option(help: "Generations decoded together as one batch.")
    var maxConcurrency = 4

    @Option(help: "Requests that may wait for a slot; more get HTTP 429.")
    var maxQueue = 64

    @Option(help: "Context length in tokens (default: the model's).")
    var ctx: Int?

    @Option(help: "The temperature of requests that do not set one (0: greedy).")
    var temperature = 0.0

    @Flag(help: "Evaluate every prompt in full instead of continuing a cached sequence that shares its prefix.")
    var noPrefixReuse = false

    @Option(help: "The largest request body in bytes; larger ones get HTTP 413.")
    var maxBodyBytes = 4 << 20

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, got \(port)") }
        guard maxConcurrency >= 1 else { throw ValidationError("--max-concurrency must be at least 1") }
        guard maxQueue >= 0 else { throw ValidationError("--max-queue must not be negative") }
        guard ctx.map({ $0 >= 1 }) ?? true else { throw ValidationError("--ctx must be at least 1") }
        guard (0...2).contains(temperature) else { throw ValidationError("--temperature must be 0...2") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        guard FileManager.default.fileExists(atPath: model) else { throw ValidationError("no model file at \(model)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { [logLevel] label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "lam.serve")
        let configuration = ServerConfiguration(
            host: host, port: port, apiKey: apiKey ?? ProcessInfo.processInfo.environment["SWIFTLAM_API_KEY"],
            maxConcurrentGenerations: maxConcurrency,
            maxQueuedRequests: maxQueue, maxRequestBytes: maxBodyBytes)
        let name = modelName ?? URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent
        logger.debug("configured to serve \(name): \(String(describing: configuration))")
        let backend = try EngineBackend(
            modelPath: model, modelName: name, contextLength: ctx, maxConcurrency: maxConcurrency,
            reusesPrefix: !noPrefixReuse, defaultTemperature: temperature)
        try await serve(backend, configuration: configuration, logger: logger)
    }

    private func serve(
        _ backend: some ChatCompletionBackend, configuration: ServerConfiguration, logger: Logger
    ) async throws {
        let server = OpenAIServer(backend: backend, configuration: configuration, logger: logger)
        try await server.run { [host] port in
            // The first stdout line says where to connect (scripts/test-server-client reads it).
            FileHandle.standardOutput.write(Data("listening on \(host):\(port)\n".utf8))
            logger.info("serving \(backend.models.map(\.id).joined(separator: ", ")) on http://\(host):\(port)/v1")
        }
        logger.info("server stopped")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
