// Serves the scripted backend over HTTP for the Python real-client suite (Tests/ServerClient), until the
// engine can serve a real model: scripts/test-server-client starts it, reads the port from the first line of
// its output ("listening on 127.0.0.1:PORT"), runs pytest against it and stops it with SIGTERM.
//
// Usage: LAMServerTestHost [--port N] [--api-key KEY] [--max-concurrency N] [--max-queue N] [--ctx N]
//                          [--max-body-bytes N] [--token-delay-ms N]
import Foundation
import LAMServer
import LAMServerTestSupport
import Logging

var configuration = ServerConfiguration(port: 0)
var contextLength = 2048
var tokenDelayMilliseconds = 0

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("LAMServerTestHost: \(message)\n".utf8))
    exit(2)
}

var arguments = CommandLine.arguments.dropFirst()
while let option = arguments.popFirst() {
    guard let value = arguments.popFirst() else { fail("\(option) needs a value") }
    func number() -> Int {
        guard let number = Int(value), number >= 0 else { fail("\(option): '\(value)' is not a count") }
        return number
    }
    switch option {
    case "--host": configuration.host = value
    case "--port": configuration.port = number()
    case "--api-key": configuration.apiKey = value
    case "--max-concurrency": configuration.maxConcurrentGenerations = number()
    case "--max-queue": configuration.maxQueuedRequests = number()
    case "--max-body-bytes": configuration.maxRequestBytes = number()
    case "--ctx": contextLength = number()
    case "--token-delay-ms": tokenDelayMilliseconds = number()
    default: fail("unknown option \(option)")
    }
}

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}
let backend = ScriptedBackend(contextLength: contextLength, tokenDelay: .milliseconds(tokenDelayMilliseconds))
let server = OpenAIServer(backend: backend, configuration: configuration)
try await server.run { [host = configuration.host] port in
    FileHandle.standardOutput.write(Data("listening on \(host):\(port)\n".utf8))
}
